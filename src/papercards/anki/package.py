"""Records → one ``.apkg``: deterministic, compressed, written atomically.

Determinism: genanki stamps ``time.time()`` on notes, cards and note types and
starts note/card ids at the current time in ms. Here every one of those is
pinned: a note's (and its cards') mod time is ``record.modified``, note types
carry ``NOTETYPE_MOD``, ids count up from the newest ``record.modified``, deck
ids come from the deck names, and the zip entries have a fixed date. Same
inputs → byte-identical file.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import genanki

from ..fsutil import atomic_write
from ..items.model import PaperInfo
from ..store.model import Record
from .notetypes import NOTETYPE_MOD
from .render import RETIRED_TAG, RenderedNote, SkipRecord, deck_id, deck_path, html_text, render_record

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

    @property
    def total_cards(self) -> int:
        return sum(self.cards.values())


class _Note(genanki.Note):
    """A genanki note whose mod time is the record's, not the build's, and whose
    cards can ship suspended."""

    def __init__(self, rendered: RenderedNote, due: int = 0):
        fields = rendered.field_list
        super().__init__(model=rendered.model, fields=fields, tags=rendered.tags, guid=rendered.guid,
                         due=due, sort_field=html_text(fields[rendered.model.sort_field_index]))
        self.mod = rendered.mod
        self.suspend = rendered.suspend

    def write_to_db(self, cursor, timestamp, deck_id, id_gen):
        for card in self.cards:
            card.suspend = self.suspend
        # genanki writes `timestamp` as the note's (and its cards') mod: use the record's
        super().write_to_db(cursor, self.mod, deck_id, id_gen)


def render_notes(records: Iterable[Record], papers: Mapping[str, PaperInfo],
                 deck_name: str) -> tuple[list[RenderedNote], list[tuple[str, str]]]:
    """Render every record; returns the notes and the (id, reason) of skipped records."""
    notes: list[RenderedNote] = []
    skipped: list[tuple[str, str]] = []
    seen: set[str] = set()
    for record in records:
        if record.item.id in seen:
            raise ValueError(f"duplicate item id {record.item.id!r}: its Anki GUID would clash")
        seen.add(record.item.id)
        try:
            notes.append(render_record(record, papers, deck_name))
        except SkipRecord as why:
            skipped.append((record.item.id, str(why)))
    return notes, skipped


def build_collection(notes: Sequence[RenderedNote], deck_name: str) -> tuple[bytes, PackageStats]:
    """The ``collection.anki2`` sqlite file for these notes, and its stats."""
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
        note = _Note(rendered, due=position)
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
        try:
            # the timestamp genanki puts on note types: constant unless templates change
            genanki.Package(ordered).write_to_db(conn.cursor(), NOTETYPE_MOD, id_gen)
            conn.commit()
        finally:
            conn.close()
        return Path(db).read_bytes(), stats


def _zinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3                       # same bytes on every OS
    info.external_attr = 0o100644 << 16
    return info


def write_package(records: Iterable[Record], papers: Mapping[str, PaperInfo], deck_name: str,
                  path: Path | str, *, media: Sequence[str | os.PathLike] = ()) -> PackageStats:
    """Write the records as an Anki package at ``path``.

    Deterministic (same inputs → same bytes), zip entries deflated, and atomic
    (``fsutil.atomic_write``: temp file next to ``path``, fsync, rename), so an
    interrupted build leaves the previous deck intact. Retired records are
    included (tagged ``papercards::retired``); records whose card would be
    empty are skipped and counted in ``stats.skipped``.
    """
    path = Path(path)
    notes, skipped = render_notes(records, papers, deck_name)
    collection, stats = build_collection(notes, deck_name)
    stats.skipped, stats.skipped_ids = len(skipped), skipped

    media_names: dict[str, str] = {}
    media_data: list[bytes] = []
    for i, file in enumerate(media):
        name = os.path.basename(os.fspath(file))
        if name in media_names.values():
            raise ValueError(f"two media files named {name!r}")
        media_names[str(i)] = name
        media_data.append(Path(file).read_bytes())

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(_zinfo("collection.anki2"), collection, compresslevel=9)
        zf.writestr(_zinfo("media"), json.dumps(media_names, ensure_ascii=False, sort_keys=True),
                    compresslevel=9)
        for i, data in enumerate(media_data):
            zf.writestr(_zinfo(str(i)), data, compresslevel=9)
    atomic_write(path, buffer.getvalue())
    return stats
