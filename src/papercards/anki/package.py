"""Records → one ``.apkg``: deterministic, compressed, written atomically.

Determinism: genanki stamps ``time.time()`` on notes, cards and note types and
starts note/card ids at the current time in ms. Here every one of those is
pinned: a note's (and its cards') mod time is ``record.modified``, note types
carry ``NOTETYPE_MOD``, ids count up from the newest ``record.modified``, deck
ids come from the deck names, and the zip entries have a fixed date. Same
inputs → byte-identical file.

Media: the images the cards show (`images`) are stored the way Anki's legacy
packages carry them, a ``media`` JSON that maps "0", "1", … to file names and
one zip entry per number; the files are sorted by name, and each name is
the hash of its content, so the same images give the same bytes too.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import genanki
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

from ..diagnostics import Diagnostic
from ..fsutil import atomic_write
from ..items.model import PaperInfo
from ..store.model import Record
from .blocks import html_text
from .distinct import distinct_first_fields
from .fields import SkipRecord
from .images import NO_IMAGES, ImagePolicy, MediaFile, read_media
from .notetypes import notetype_mod, speaking
from .render import RenderedNote, render_record
from .tags import RETIRED_TAG, deck_id, deck_path

# ids (ms) start here when no record has a modification time
_FALLBACK_ID_EPOCH = 1_700_000_000
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class PackageStats:
    notes: int = 0
    cards: dict[str, int] = field(default_factory=dict)     # note type name -> cards
    decks: list[str] = field(default_factory=list)          # decks that hold cards
    skipped: int = 0                                        # records that would make an empty card
    skipped_ids: list[tuple[str, str]] = field(default_factory=list)   # (item id, reason)
    retired: int = 0
    suspended: int = 0
    media: list[str] = field(default_factory=list)          # image files packed, by name
    media_inputs: list[str] = field(default_factory=list)   # local images the cards name (see `uptodate`)
    diagnostics: list[Diagnostic] = field(default_factory=list)   # images left out, and why

    @property
    def total_cards(self) -> int:
        return sum(self.cards.values())


class _Note(genanki.Note):
    """A genanki note whose mod time is the record's, not the build's, and whose
    cards can ship suspended.

    A retired note ships without cards. Anki matches notes by GUID and never
    touches cards it has: a learner who has the note keeps its cards and their
    history, and the note gets the retired tag; a learner who imports the deck
    for the first time gets the note and no card to study. (Shipping the cards
    suspended is not enough: Anki's import resets them to new unless "Import any
    learning progress" is ticked.)"""

    def __init__(self, rendered: RenderedNote, due: int = 0):
        fields = rendered.field_list
        super().__init__(model=rendered.model, fields=fields, tags=rendered.tags, guid=rendered.guid,
                         due=due, sort_field=html_text(fields[rendered.model.sort_field_index]))
        self.mod = rendered.mod
        self.suspend = rendered.suspend
        if RETIRED_TAG in rendered.tags:
            self.cards = []

    def _check_invalid_html_tags_in_fields(self):
        """Skipped: the fields are HTML made by `render` (nh3-sanitised); genanki's
        check only warns, after a regex scan of every field of every note."""

    def write_to_db(self, cursor, timestamp, deck_id, id_gen):
        for card in self.cards:
            card.suspend = self.suspend
        # genanki writes `timestamp` as the note's (and its cards') mod: use the record's
        super().write_to_db(cursor, self.mod, deck_id, id_gen)


def render_notes(records: Iterable[Record], papers: Mapping[str, PaperInfo], deck_name: str,
                 images: ImagePolicy = NO_IMAGES) -> tuple[list[RenderedNote], list[tuple[str, str]]]:
    """Render every record; returns the notes, their first fields told apart over the
    deck (`distinct`), and the (id, reason) of skipped records."""
    notes: list[RenderedNote] = []
    skipped: list[tuple[str, str]] = []
    seen: set[str] = set()
    for record in records:
        if record.item.id in seen:
            raise ValueError(f"duplicate item id {record.item.id!r}: its Anki GUID would clash")
        seen.add(record.item.id)
        try:
            notes.append(render_record(record, papers, deck_name, images))
        except SkipRecord as why:
            skipped.append((record.item.id, str(why)))
    return distinct_first_fields(notes), skipped


def build_collection(notes: Sequence[RenderedNote], deck_name: str,
                     speak: bool | str = False) -> tuple[bytes, PackageStats]:
    """The ``collection.anki2`` sqlite file for these notes, and its stats; term
    notes ship with their note type speaking as ``speak`` says (`notetypes.SPEECH`)."""
    root = deck_path(deck_name)
    decks: dict[str, genanki.Deck] = {root: genanki.Deck(deck_id(root), root)}
    stats = PackageStats()
    for position, rendered in enumerate(notes):
        name = rendered.deck
        # parents first, so Anki sees the whole tree with our stable ids
        parts = name.split("::")
        for i in range(1, len(parts) + 1):
            sub = "::".join(parts[:i])
            if sub not in decks:
                decks[sub] = genanki.Deck(deck_id(sub), sub)
        note = _Note(dataclasses.replace(rendered, model=speaking(rendered.model, speak)), due=position)
        decks[name].add_note(note)
        stats.notes += 1
        model_name = rendered.model.name
        stats.cards[model_name] = stats.cards.get(model_name, 0) + len(note.cards)
        stats.retired += RETIRED_TAG in rendered.tags
        stats.suspended += rendered.suspend
    stats.decks = sorted(name for name, deck in decks.items() if deck.notes)

    newest = max((n.mod for n in notes), default=0) or _FALLBACK_ID_EPOCH
    id_gen = itertools.count(newest * 1000)
    ordered = [decks[name] for name in sorted(decks)]
    with tempfile.TemporaryDirectory(prefix="papercards-") as tmp:
        db = os.path.join(tmp, "collection.anki2")
        conn = sqlite3.connect(db)
        # a scratch file, read back whole: no journal on disk, no fsync per statement
        conn.execute("PRAGMA journal_mode = MEMORY")
        conn.execute("PRAGMA synchronous = OFF")
        try:
            # the timestamp genanki puts on note types: constant unless templates (or speech) change
            _write_collection(conn.cursor(), ordered, notetype_mod(speak), id_gen)
            conn.commit()
        finally:
            conn.close()
        return Path(db).read_bytes(), stats


def _write_collection(cursor, decks: Sequence[genanki.Deck], timestamp: int, id_gen) -> None:
    """What ``genanki.Package(decks).write_to_db`` stores, written once.

    For every deck genanki reads the collection's deck and note type JSON back
    from sqlite, parses it, adds the deck and writes it all again: with one
    deck per paper, thousands of papers made that O(decks²) (800 rewrites of
    a growing row at 100× the shipped notes). Here both JSON texts are built
    in memory and written once, with the values genanki's last rewrite would
    leave: the notes, cards and ids are the same, and so is what Anki imports.
    """
    cursor.executescript(APKG_SCHEMA)
    cursor.executescript(APKG_COL)
    deck_json = json.loads(cursor.execute("SELECT decks FROM col").fetchone()[0])
    model_json = json.loads(cursor.execute("SELECT models from col").fetchone()[0])
    models_text = json.dumps(model_json)
    for deck in decks:
        if not isinstance(deck.deck_id, int):
            raise TypeError(f"Deck .deck_id must be an integer, not {deck.deck_id}.")
        if not isinstance(deck.name, str):
            raise TypeError(f"Deck .name must be a string, not {deck.name}.")
        deck_json[str(deck.deck_id)] = deck.to_json()     # an existing key keeps its place
        for note in deck.notes:
            deck.add_model(note.model)
        added = {model.model_id: model.to_json(timestamp, deck.deck_id) for model in deck.models.values()}
        if deck is decks[-1]:
            # genanki updates the parsed (string-keyed) JSON with int model ids and dumps
            # both keys; parsing that back keeps the old key's place with the new value
            models_text = json.dumps({**model_json, **added})
        for model_id, value in added.items():
            model_json[str(model_id)] = value
        for note in deck.notes:
            note.write_to_db(cursor, timestamp, deck.deck_id, id_gen)
    cursor.execute("UPDATE col SET decks = ?", (json.dumps(deck_json),))
    cursor.execute("UPDATE col SET models = ?", (models_text,))


def _card_images(notes: Sequence[RenderedNote], stats: PackageStats) -> list[MediaFile]:
    """The images the notes show, sorted by name; what they name and what was left
    out goes into ``stats``."""
    files: dict[str, MediaFile] = {}
    inputs: set[str] = set()
    problems: dict[Diagnostic, None] = {}
    for note in notes:
        files.update((f.name, f) for f in note.media)
        inputs.update(note.media_inputs)
        problems.update(dict.fromkeys(note.problems))
    stats.media = sorted(files)
    stats.media_inputs = sorted(inputs)
    stats.diagnostics = list(problems)
    return [files[name] for name in stats.media]


def _zinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3                       # same bytes on every OS
    info.external_attr = 0o100644 << 16
    return info


def write_package(records: Iterable[Record], papers: Mapping[str, PaperInfo], deck_name: str,
                  path: Path | str, *, media: Sequence[str | os.PathLike] = (),
                  images: ImagePolicy = NO_IMAGES, speak: bool | str = False,
                  write: Callable[[Path, bytes], None] = atomic_write) -> PackageStats:
    """Write the records as an Anki package at ``path`` (see `package_bytes`).

    Atomic by default (``fsutil.atomic_write``: temp file next to ``path``,
    fsync, rename), so an interrupted build leaves the previous deck intact.
    ``write(path, bytes)`` does the final write: the build passes its
    transaction's ``add``, so the deck changes together with cards/
    (`papercards.txn`).
    """
    data, stats = package_bytes(records, papers, deck_name, media=media, images=images, speak=speak)
    write(Path(path), data)
    return stats


def package_bytes(records: Iterable[Record], papers: Mapping[str, PaperInfo], deck_name: str, *,
                  media: Sequence[str | os.PathLike] = (),
                  images: ImagePolicy = NO_IMAGES,
                  speak: bool | str = False) -> tuple[bytes, PackageStats]:
    """The records as the bytes of an Anki package, and what it holds.

    Deterministic (same inputs → same bytes), zip entries deflated. Retired
    records are included as notes without cards (tagged ``papercards::retired``,
    see `_Note`); records whose card
    would be empty are skipped and counted in ``stats.skipped``. The images
    the cards show are packed (`images` says where they may come from), and
    so are the ``media`` files, under their own names. ``speak``: config
    ``speak_terms``.
    """
    notes, skipped = render_notes(records, papers, deck_name, images)
    collection, stats = build_collection(notes, deck_name, speak)
    stats.skipped, stats.skipped_ids = len(skipped), skipped
    files = _card_images(notes, stats)

    media_names: dict[str, str] = {}
    media_data: list[bytes] = []
    for i, file in enumerate(media):
        name = os.path.basename(os.fspath(file))
        if name in media_names.values():
            raise ValueError(f"two media files named {name!r}")
        media_names[str(i)] = name
        media_data.append(Path(file).read_bytes())
    for file in files:
        if file.name not in media_names.values():
            media_names[str(len(media_data))] = file.name
            media_data.append(read_media(file))

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(_zinfo("collection.anki2"), collection, compresslevel=9)
        zf.writestr(_zinfo("media"), json.dumps(media_names, ensure_ascii=False, sort_keys=True),
                    compresslevel=9)
        for i, data in enumerate(media_data):
            zf.writestr(_zinfo(str(i)), data, compresslevel=9)
    return buffer.getvalue(), stats
