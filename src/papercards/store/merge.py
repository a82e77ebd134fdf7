"""The three-way merge: new extraction × last generation × current YAML.

For every item, compare what the notes give now (``new``), what papercards
generated last time (``fingerprint``) and what the YAML holds (which the user
may have edited):

=================  ==============  =========================================
notes changed?     YAML edited?    result
=================  ==============  =========================================
no                 no / yes        keep the YAML as it is
yes                no              take the new text
yes                yes             keep the hand edit, record a conflict
=================  ==============  =========================================

``origin: manual`` items are never touched. Items whose source is gone are
retired (kept, tagged), never deleted. Pure: no files, no clock (``now`` is
passed in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..items.model import Item, fingerprint
from ..kinds import kind_of
from ..text.cloze import CLOZE_BLANK
from .identity import match_items
from .model import Record


@dataclass
class MergeReport:
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    hand_edited: list[str] = field(default_factory=list)    # kept over an unchanged source
    conflicts: list[tuple[str, str]] = field(default_factory=list)   # (id, message) reported now
    retired: list[str] = field(default_factory=list)        # retired by this build
    revived: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)        # made by the last build only: gone (`retire`)
    renamed: list[tuple[str, str]] = field(default_factory=list)    # (old id, new extraction id)

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated or self.conflicts or self.retired or self.revived
                    or self.dropped)


def content_of(item: Item) -> str:
    return fingerprint(item.content())


def merge(old: list[Record], extracted: list[Item], now: int) -> tuple[list[Record], MergeReport]:
    """Merge a fresh extraction into the stored records; returns (records, report)."""
    report = MergeReport()
    by_id = {r.id: r for r in old}
    extracted_ids = {i.id for i in extracted}
    auto_old = [r.item for r in old if r.origin == "auto" and r.id not in extracted_ids]
    unmatched_new = [i for i in extracted if i.id not in by_id]
    renames = match_items(unmatched_new, auto_old)
    out: list[Record] = []
    seen: set[str] = set()
    for item in extracted:
        if item.id in renames:
            report.renamed.append((renames[item.id], item.id))
            item = _with_id(item, renames[item.id])
        seen.add(item.id)
        rec = by_id.get(item.id)
        if rec is None:
            out.append(Record(item=item, fingerprint=item.fingerprint()))
            report.new.append(item.id)
            continue
        if rec.origin == "manual":
            out.append(rec)                       # the user's own item wins, always
            continue
        if rec.status == "retired":
            rec.status = "active"
            report.revived.append(item.id)
        # What papercards would store now (cloze numbers carried over), compared
        # with what it stored last time: that is what "the notes changed" means.
        # A hand edit is not what papercards stored: its blanks are the user's.
        hand_edited = content_of(rec.item) != rec.fingerprint
        generated, blanks = _carry_cloze_numbers(item, rec.item, rec.old_blanks, ours=not hand_edited)
        gen = content_of(generated)
        source_changed = gen != rec.fingerprint
        rec.item.source, rec.item.place = item.source, item.place    # positions move freely; not content
        if source_changed and hand_edited and gen == content_of(rec.item):
            rec.fingerprint = gen                 # the notes now say what the edit says: agreed
            hand_edited = source_changed = False
        if not source_changed:
            if hand_edited:
                report.hand_edited.append(item.id)
            else:
                rec.old_blanks = blanks
                rec.conflict = None               # the text is the notes' own: nothing left to resolve
        elif not hand_edited:
            rec.item, rec.old_blanks = generated, blanks
            rec.fingerprint = gen
            rec.conflict = None
            report.updated.append(item.id)
        else:
            rec.conflict = {"source": item.source, "fields": dict(generated.fields)}
            rec.fingerprint = gen                 # reported once; the edit stays until the user acts
            report.conflicts.append((item.id, f"item {item.id} was edited by hand and its source "
                                     f"changed at {item.source}; kept your edit, the new text is "
                                     "under 'conflict:'"))
        out.append(rec)
    for rec in old:
        if rec.id in seen:
            continue
        if rec.origin == "auto" and rec.status != "retired":
            rec.status = "retired"
            report.retired.append(rec.id)
        out.append(rec)
    return out, report


def stamp(records: list[Record], now: int, checksums: list[str] | None = None) -> None:
    """Move `modified` forward on every record whose shipped content changed.

    Anki updates a note on import only when its modification time is newer,
    so this is what makes real edits arrive and leaves the rest alone.
    ``checksums`` say what the learner sees of each record (the build passes
    digests of the rendered notes, `anki.note_faces`); without them, the
    record's own content is used.
    """
    if checksums is None:
        checksums = [shipped_checksum(rec) for rec in records]
    for rec, checksum in zip(records, checksums):
        if checksum != rec.checksum:
            rec.checksum = checksum
            rec.modified = max(now, rec.modified + 1)


def shipped_checksum(rec: Record) -> str:
    content = rec.item.content()
    content["fields"] = dict(rec.item.fields)        # exact cloze numbers matter to Anki
    content.update(status=rec.status, suspended=rec.suspended, kind=rec.kind)
    if rec.tags_anki:
        content["tags_anki"] = list(rec.tags_anki)
    return fingerprint(content)


def _with_id(item: Item, new_id: str) -> Item:
    return Item(id=new_id, kind=item.kind, fields=dict(item.fields), paper=item.paper,
                papers=list(item.papers), tags=list(item.tags), source=item.source, place=item.place)




def _carry_cloze_numbers(new: Item, old: Item, old_blanks: dict[int, str] | None = None,
                         ours: bool = True) -> tuple[Item, dict[int, str]]:
    """Keep each blank's number across edits: Anki keeps a card's history by its ordinal.

    A blank whose answer was there before (in the old text, or among the
    ``old_blanks`` it lost earlier) gets its old number back; a new blank gets
    a number never used by this item before. A blank papercards made before
    whose words are still in the new text, unblanked, is blanked again with its
    number: otherwise its card, and its history, would be left with an empty
    front. Those are the blanks of the old text when it is papercards' own
    (``ours``; a hand edit's blanks are the user's) and the remembered ones.
    Returns the renumbered item and every blank the notes no longer make
    themselves, ``{number: answer}``, for the store to remember.
    """
    blanks = kind_of(new).blanks
    if not blanks or blanks not in new.fields:
        return new, dict(old_blanks or {})
    remembered = sorted((old_blanks or {}).items())
    in_old_text = [(int(m.group(1)), m.group(2)) for m in CLOZE_BLANK.finditer(old.fields.get(blanks, ""))]
    known: dict[str, int] = {}          # normalised answer -> its number
    answers: dict[int, str] = {}        # every number this item ever used -> its answer
    for n, answer in remembered:
        answers[n] = answer
        known.setdefault(_norm(answer), n)
    for n, answer in in_old_text:
        answers[n] = answer
        known[_norm(answer)] = n        # the text as it stands wins over memory
    if not answers:
        return new, {}
    highest = max(answers)
    used: set[int] = set()
    mapping: dict[int, int] = {}
    for m in CLOZE_BLANK.finditer(new.fields[blanks]):
        n = int(m.group(1))
        if n in mapping:
            continue
        target = known.get(_norm(m.group(2)))
        if target is None or target in used:
            highest += 1
            target = highest
        mapping[n] = target
        used.add(target)
    made = set(used)                    # the numbers of the blanks the notes make
    text = CLOZE_BLANK.sub(lambda m: "{{c%d::%s%s}}" % (mapping[int(m.group(1))], m.group(2),
                                                  f"::{m.group(3)}" if m.group(3) else ""),
                      new.fields[blanks])
    for n, answer in (in_old_text if ours else []) + remembered:
        if n not in used and answer.strip():
            text, found = _blank_again(text, answer, n)
            if found:
                used.add(n)
    item = _with_id(new, new.id)
    item.fields[blanks] = text
    return item, {n: a for n, a in sorted(answers.items()) if n not in made}


def _blank_again(text: str, answer: str, n: int) -> tuple[str, bool]:
    """Wrap the first occurrence of ``answer`` that stands outside every blank."""
    pos = 0
    for m in list(CLOZE_BLANK.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        at = text.find(answer, pos, end)
        if at >= 0:
            return text[:at] + "{{c%d::%s}}" % (n, answer) + text[at + len(answer):], True
        if m is None:
            break
        pos = m.end()
    return text, False


def _norm(answer: str) -> str:
    return re.sub(r"[\s*`]", "", answer).casefold()
