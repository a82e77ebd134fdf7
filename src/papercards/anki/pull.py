"""Bring back into cards/ what the learner did in Anki to papercards' notes.

For each note of the learner's collection (`collection.read_collection`), found
by its ``ItemId``:

* A field that differs from what the store ships, on a note Anki changed after
  papercards last changed the item (the note's modification time is newer than
  the record's ``modified``), is the learner's edit: it becomes a hand edit of
  the item's field (`unrender.markdown_of`). The next build treats it as any hand
  edit (the three-way merge of `store.merge`): kept over unchanged notes, kept
  and recorded under ``conflict:`` when the notes changed too. A note older
  than the record only lacks a newer build: nothing to take from it.
* All cards of the note suspended → ``suspended: true``.
* Tags the learner added (not papercards' own, not Anki's ``leech``/``marked``)
  → ``tags_anki:``, which the deck ships back with the note.
* The note's cards' reviews → the history file (`store.history`), beside the store.

A record changed this way takes the note's modification time and its new face
(`render.note_faces`), so the next deck carries the note exactly as new as Anki's
own: importing it leaves the learner's note as it is. Notes deleted in Anki are
only reported: the learner decides in cards/.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..items.model import PaperInfo
from ..kinds import kind_of
from ..store import Store
from ..store.history import ItemHistory
from ..store.model import Record
from .collection import LearnerCard, LearnerNote
from .connect import KEEP_TAGS
from .faces import note_faces
from .fields import editable_fields
from .images import NO_IMAGES, ImagePolicy
from .package import render_notes
from .render import RenderedNote
from .tags import TAG_PREFIX, note_tags
from .unrender import markdown_of


@dataclass
class PullReport:
    edited: dict[str, list[str]] = field(default_factory=dict)     # item id -> item fields taken
    suspended: list[str] = field(default_factory=list)
    tagged: dict[str, list[str]] = field(default_factory=dict)     # item id -> its tags_anki now
    not_kept: list[tuple[str, str]] = field(default_factory=list)  # (item id, Anki field) edited, not an item field
    older: list[str] = field(default_factory=list)                 # notes older than cards/: import the deck
    other_type: list[str] = field(default_factory=list)            # notes under a copy of the note type
    missing: list[str] = field(default_factory=list)               # items with no note in Anki
    unknown: list[str] = field(default_factory=list)               # notes of no item in cards/
    history: dict[str, ItemHistory] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)               # store files rewritten

    @property
    def changed(self) -> set[str]:
        return set(self.edited) | set(self.suspended) | set(self.tagged)


def apply_pull(store: Store, notes: list[LearnerNote], deck_name: str,
               images: ImagePolicy = NO_IMAGES) -> PullReport:
    """Change ``store.records`` in place by what the learner did; nothing is written."""
    report = PullReport()
    records = {rec.id: rec for rec in store.records}
    before = dict(zip(records, note_faces(store.records, store.papers, deck_name, images)))
    shipped = {note.item_id: note for note in render_notes(store.records, store.papers, deck_name, images)[0]}
    seen: dict[str, LearnerNote] = {}
    for note in notes:
        rec = records.get(note.item_id)
        if rec is None:
            report.unknown.append(note.item_id)
            continue
        if note.item_id in seen:          # two notes for one item: the older one, as `push` does
            continue
        seen[note.item_id] = note
        report.history[rec.id] = item_history(note.cards)
        ours = shipped.get(rec.id)
        if ours is None:
            continue                      # papercards ships no card for it (now): nothing to compare
        _take_fields(rec, note, ours, report)
        _take_suspension(rec, note, report)
        _take_tags(rec, note, store.papers, report)
    report.missing = [i for i, note in shipped.items() if i not in seen and not _retired(records[i])]
    _restamp(store, [seen[i] for i in sorted(report.changed)], before, deck_name, images)
    return report


def _take_fields(rec: Record, note: LearnerNote, ours: RenderedNote, report: PullReport) -> None:
    if note.model != ours.model.name:
        report.other_type.append(rec.id)
        return
    differ = [name for name, value in ours.fields.items() if note.fields.get(name, value) != value]
    if not differ:
        return
    if note.mod <= rec.modified:
        report.older.append(rec.id)
        return
    editable = editable_fields(kind_of(rec))
    for name in differ:
        if name not in editable:
            report.not_kept.append((rec.id, name))
            continue
        key, text = editable[name], markdown_of(note.fields[name])
        if text.strip() != (rec.item.fields.get(key) or "").strip():
            rec.item.fields[key] = text
            report.edited.setdefault(rec.id, []).append(key)


def _take_suspension(rec: Record, note: LearnerNote, report: PullReport) -> None:
    if rec.status == "active" and not rec.suspended and note.cards and all(c.suspended for c in note.cards):
        rec.suspended = True
        report.suspended.append(rec.id)


def _take_tags(rec: Record, note: LearnerNote, papers: Mapping[str, PaperInfo], report: PullReport) -> None:
    """The note's tags that are the learner's own, when the note changed after the record."""
    if note.mod <= rec.modified:
        return
    ours = {t.casefold() for t in note_tags(Record(item=rec.item, status=rec.status, suspended=rec.suspended),
                                            papers)}
    learner = [t for t in note.tags if t.casefold() not in ours and t.casefold() not in KEEP_TAGS
               and not t.casefold().startswith(f"{TAG_PREFIX}::")]
    if [t.casefold() for t in learner] != [t.casefold() for t in rec.tags_anki]:
        rec.tags_anki = learner
        report.tagged[rec.id] = learner


def _restamp(store: Store, changed: list[LearnerNote], before: dict[str, str], deck_name: str,
             images: ImagePolicy) -> None:
    """Changed records are as new as their note in Anki, with the face it now has: the
    next build moves neither, so its deck does not overwrite the learner's note.
    A record with a change of cards/ not yet built keeps its old stamp (the build ships it)."""
    if not changed:
        return
    records = {rec.id: rec for rec in store.records}
    after = dict(zip(records, note_faces(store.records, store.papers, deck_name, images)))
    for note in changed:
        rec = records[note.item_id]
        if rec.checksum == before[rec.id]:
            rec.checksum = after[rec.id]
            rec.modified = max(rec.modified, note.mod)


def _retired(rec: Record) -> bool:
    return rec.status == "retired"


def item_history(cards: list[LearnerCard]) -> ItemHistory:
    """One item's history: every answer of all its note's cards."""
    log = sorted((r for card in cards for r in card.reviews), key=lambda r: r.time)
    factors = [c.factor / 1000 for c in cards if c.factor]
    difficulties = [c.difficulty for c in cards if c.difficulty is not None]
    return ItemHistory(reviews=len(log), lapses=sum(c.lapses for c in cards),
                       ease=min(factors) if factors else None,
                       difficulty=max(difficulties) if difficulties else None,
                       last_review=log[-1].time if log else None, log=log)


def pull(config, notes: list[LearnerNote]) -> PullReport:
    """Apply the learner's notes to the project's cards/ and save their history; cards/
    changes all at once (`Store.write`), the history file atomically."""
    from ..fsutil import build_lock
    from ..store.history import HistoryError, load_history, save_history
    with build_lock(config.cards_path):
        store = Store.load(config.cards_path, shown_root=config.cards_dir)
        report = apply_pull(store, notes, config.deck, ImagePolicy.of(config))
        if report.changed:
            report.written = store.write(store.plan(store.records, store.papers))
        try:
            history = load_history(config.cards_path)
        except HistoryError:
            history = {}              # derived from Anki alone: this pull makes it anew
        if report.history or history:
            config.cards_path.mkdir(parents=True, exist_ok=True)
            save_history(config.cards_path, {**history, **report.history})
    return report
