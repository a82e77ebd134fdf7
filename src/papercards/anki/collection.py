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
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import InputError
from ..store.history import Review
from .connect import AnkiConnect, AnkiConnectError
from .tags import deck_path

SUSPENDED_QUEUE = -1
SQLITE_MAGIC = b"SQLite format 3\x00"
PACKED_COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
BOMB_RATIO, BOMB_FLOOR = 100, 64 * 2**20   # a member unpacking to more than both is refused
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
        except Exception as exc:       # the engine's own errors: a damaged file
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
        try:
            return read_collection(out)
        except InputError as exc:      # about a temporary file: say whose export it was
            raise AnkiConnectError(f"Anki at {client.url} exported deck '{deck}' as a package papercards "
                                   f"cannot read: {exc.diagnostic.message}") from None


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
    if suffix in (".apkg", ".colpkg"):
        _check_package(path, tmp)
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
    _check_collection_file(path)
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


def _check_collection_file(path: Path) -> None:
    """An SQLite database with Anki's ``col`` table, not locked. The engine would take an
    empty or foreign file for a new collection (a pull of nothing, every item "deleted in
    Anki"); and Anki desktop keeps its collection locked while it runs: a copy would be
    half-written."""
    with open(path, "rb") as f:
        if f.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise InputError(str(path), 0, "not an Anki collection (not an SQLite database)")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.5)
        try:
            con.execute("select count() from col").fetchone()
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise InputError(str(path), 0, "the collection is open in Anki (locked): close Anki and pull "
                             "again, or run papercards pull without a file to read the running Anki") from None
        if "no such table" in str(exc):
            raise InputError(str(path), 0, "not an Anki collection (an SQLite database without "
                             "Anki's tables)") from None
        raise InputError(str(path), 0, f"cannot read this collection ({exc})") from None
    except sqlite3.DatabaseError as exc:
        raise InputError(str(path), 0, f"not an Anki collection ({exc})") from None


def _check_package(path: Path, tmp: Path) -> None:
    """A zip with a collection inside that unpacks into what ``tmp`` has room for, checked
    from the archive's directory before the engine unpacks anything: a zip bomb (a member
    that inflates a hundredfold past 64 MB: a real collection never does) or a package
    bigger than the free space would otherwise fill the disk."""
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(str(path), 0, f"not an Anki package (not a zip archive: {exc})") from None
    names = {m.filename for m in members}
    if not names & set(PACKED_COLLECTIONS):
        raise InputError(str(path), 0, "not an Anki package: no collection inside "
                         f"({', '.join(PACKED_COLLECTIONS)})")
    for m in members:
        if m.file_size > BOMB_FLOOR and m.file_size > BOMB_RATIO * max(1, m.compress_size):
            raise InputError(str(path), 0, f"refused: member '{m.filename}' would unpack to "
                             f"{m.file_size // 2**20} MB from {m.compress_size // 2**10} KB (a zip bomb?)")
    unpacked, free = sum(m.file_size for m in members), shutil.disk_usage(tmp).free
    if unpacked > free:
        raise InputError(str(path), 0, f"refused: it unpacks to {unpacked // 2**20} MB, more than the "
                         f"{free // 2**20} MB free in {tmp.parent}")


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
