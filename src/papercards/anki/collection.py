"""Read what the learner has in Anki: papercards' notes, their cards and reviews.

Read-only on the learner's side. A collection file is never opened where it
lies: ``collection.anki2`` is copied first (Anki desktop holds its collection
locked while it runs: that is said plainly, not worked around), and a
``.colpkg`` or ``.apkg`` (exported "with scheduling") is unpacked into a
collection of its own in a temporary folder. A running Anki is asked, through
AnkiConnect, to export the deck with its scheduling to a temporary ``.apkg``,
which is then read the same way: one reader for every source.

The `anki` package (Anki's own engine) does the reading, so every format Anki
writes is understood. Notes are papercards' when they have an ``ItemId``.
"""

from __future__ import annotations

import html
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import InputError
from ..store.history import Review
from .connect import AnkiConnect, AnkiConnectError
from .tags import deck_path

SUSPENDED_QUEUE = -1
MANUAL_REVLOG = (4, 5)          # revlog types "manual" and "rescheduled": not answers


@dataclass
class LearnerCard:
    ord: int
    suspended: bool
    mod: int                    # epoch seconds of the card's last change (a review, a suspension)
    factor: int                 # SM-2 ease in permille; 0 while new
    lapses: int
    difficulty: float | None    # FSRS difficulty, when FSRS is on
    reviews: list[Review] = field(default_factory=list)     # oldest first


@dataclass
class LearnerNote:
    item_id: str
    guid: str
    model: str                  # note type name
    fields: dict[str, str]      # name -> HTML, as the learner has it
    tags: list[str]
    mod: int                    # epoch seconds of the note's last change
    cards: list[LearnerCard] = field(default_factory=list)


def read_collection(path: Path) -> list[LearnerNote]:
    """papercards' notes in a ``collection.anki2``, ``.colpkg`` or ``.apkg`` file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), 0, "no such file (give a collection.anki2, .colpkg or .apkg)")
    Collection = _collection_class(path)
    with tempfile.TemporaryDirectory(prefix="papercards-pull-") as tmp:
        try:
            col = _open_copy(Collection, path, Path(tmp))
        except InputError:
            raise
        except Exception as exc:       # the engine's own errors: a damaged or foreign file
            raise InputError(str(path), 0, f"not an Anki collection Anki can read ({exc})") from None
        try:
            return _notes(col)
        finally:
            col.close()


def read_running_anki(client: AnkiConnect, deck_name: str) -> list[LearnerNote]:
    """papercards' notes in a running Anki: the deck, exported with its scheduling.

    AnkiConnect writes the file, so Anki must run on this machine (as for `push`)."""
    client.check()
    with tempfile.TemporaryDirectory(prefix="papercards-pull-") as tmp:
        out = Path(tmp) / "learner.apkg"
        deck = deck_path(deck_name)
        if client.invoke("exportPackage", deck=deck, path=str(out), includeSched=True,
                         timeout=max(client.timeout, 120)) is not True or not out.is_file():
            raise AnkiConnectError(f"Anki at {client.url} has no deck '{deck}' to pull from "
                                   "(import or push the deck first)")
        return read_collection(out)


def _collection_class(path: Path):
    try:
        from anki.collection import Collection
    except ImportError:
        raise InputError(str(path), 0, "reading an Anki collection needs Anki's engine: "
                         "pip install 'papercards[anki]'") from None
    return Collection


def _open_copy(Collection, path: Path, tmp: Path):
    """A collection in ``tmp`` holding what ``path`` holds; ``path`` is only read."""
    target = tmp / "collection.anki2"
    suffix = path.suffix.lower()
    if suffix == ".apkg":
        col = Collection(str(target))
        _import_package(col, path)
        return col
    if suffix == ".colpkg":
        from anki._backend import RustBackend
        RustBackend().import_collection_package(
            col_path=str(target), backup_path=str(path),
            media_folder=str(tmp / "collection.media"), media_db=str(tmp / "collection.media.db2"))
        return Collection(str(target))
    _refuse_locked(path)
    shutil.copyfile(path, target)
    wal = path.with_name(path.name + "-wal")
    if wal.is_file():
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))
    return Collection(str(target))


def _import_package(col, path: Path) -> None:
    """Import an .apkg with its scheduling (absent from a package exported without it)."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
    options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False,
                                       merge_notetypes=False)
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=options))


def _refuse_locked(path: Path) -> None:
    """Anki desktop keeps its collection locked while it runs; a copy would be half-written."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.5)
        try:
            con.execute("select count(*) from sqlite_master").fetchone()
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise InputError(str(path), 0, "the collection is open in Anki (locked): close Anki and pull "
                             "again, or run papercards pull without a file to read the running Anki") from None
        raise InputError(str(path), 0, f"cannot read this collection ({exc})") from None
    except sqlite3.DatabaseError as exc:
        raise InputError(str(path), 0, f"not an Anki collection ({exc})") from None


def _notes(col) -> list[LearnerNote]:
    reviews = _reviews(col)
    notes = []
    for nid in col.find_notes('"ItemId:_*"'):
        note = col.get_note(nid)
        item_id = html.unescape(note["ItemId"]).strip()
        if not item_id:
            continue
        cards = [_card(col.get_card(cid), reviews) for cid in note.card_ids()]
        notes.append(LearnerNote(item_id=item_id, guid=note.guid, model=note.note_type()["name"],
                                 fields=dict(note.items()), tags=list(note.tags), mod=note.mod,
                                 cards=sorted(cards, key=lambda c: c.ord)))
    return notes


def _card(card, reviews: dict[int, list[Review]]) -> LearnerCard:
    memory = getattr(card, "memory_state", None)
    return LearnerCard(ord=card.ord, suspended=card.queue == SUSPENDED_QUEUE, mod=card.mod,
                       factor=card.factor, lapses=card.lapses,
                       difficulty=round(memory.difficulty, 4) if memory else None,
                       reviews=reviews.get(card.id, []))


def _reviews(col) -> dict[int, list[Review]]:
    """Every answer in the revlog, by card: (time in seconds, button), oldest first."""
    out: dict[int, list[Review]] = {}
    for rid, cid, ease, kind in col.db.all("select id, cid, ease, type from revlog order by id"):
        if ease and kind not in MANUAL_REVLOG:
            out.setdefault(cid, []).append(Review(time=rid // 1000, rating=ease))
    return out
