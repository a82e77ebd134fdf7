"""A stored item: the extracted `Item` plus what the store knows about its life."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..items.model import Item


@dataclass
class Record:
    item: Item
    origin: str = "auto"         # "auto" (extracted) or "manual" (written by hand: never touched)
    suspended: bool = False      # user says: ship it suspended / leave it out of quizzes
    # tags the learner gave the note in Anki (`papercards pull`): shipped with the note, so
    # that a rebuild never strips them; never touched by a build
    tags_anki: list[str] = field(default_factory=list)
    status: str = "active"       # "active" or "retired" (its source is gone; kept, tagged)
    conflict: str | None = None  # hand edit and source both changed: what the source says now
    fingerprint: str = ""        # hash of the content papercards last generated for this item
    modified: int = 0            # epoch seconds when the content last changed: Anki note mod time
    checksum: str = ""           # hash of the content as of `modified` (tells a new hand edit)
    # cloze: blanks the notes no longer have, {number: answer}. A number is never given
    # to another answer (Anki keeps the card's history by its ordinal), and a blank that
    # comes back gets its old number, and its card, back.
    old_blanks: dict[int, str] = field(default_factory=dict)
    line: int = field(default=0, compare=False)   # where it stands in its YAML file
    home: str = field(default="", compare=False)  # the store file it lives in (relative to cards/)
    # anki.memo: a build renders each record once, for its checksum and for the deck
    rendered: tuple | None = field(default=None, compare=False, repr=False)

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def kind(self) -> str:
        return self.item.kind
