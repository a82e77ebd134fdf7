"""No two notes of a note type with the same first field, over the whole deck.

Anki (and the learner) tell notes apart by their first field: two cards that
ask the same question, one of them a dead one, or the same abstract sentence
carded under two papers, are a duplicate to them. Where the notes alone give
two notes the same first field, the deck adds what tells them apart, just as
much as needed: ``（retired）`` on a note whose item is gone when a live note
asks the same, then the paper's short name, its title, the heading the item
comes from, and last the item id, which no other note has. Each note carries
its own list of such words (`RenderedNote.which`), most telling first.

The result depends on the deck alone (not on the order of the notes, nor on
earlier builds), so a rebuild gives the same fields; the GUIDs never change.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

from ..text.inline import escape_text
from .blocks import html_text
from .render import RenderedNote
from .tags import RETIRED_TAG


def distinct_first_fields(notes: Sequence[RenderedNote]) -> list[RenderedNote]:
    """The notes, with the first field of those that share one told apart (see module)."""
    levels = [0] * len(notes)
    while True:
        raised = False
        for group in _clashes(notes, levels):
            live = [i for i in group if not _retired(notes[i])]
            # a live note and retired copies of its question: only the retired ones change
            for i in (group if len(live) != 1 else [i for i in group if i not in live]):
                if levels[i] < len(notes[i].which):
                    levels[i] += 1
                    raised = True
        if not raised:
            break
    return [_told_apart(note, level) if level else note for note, level in zip(notes, levels)]


@lru_cache(maxsize=1 << 16)
def first_field_key(text_html: str) -> str:
    """A first field as Anki compares it (HTML stripped), spacing and case ignored too.
    Kept per text: each pass over the deck asks again for every note, and a build tells
    the deck's notes apart twice (for the store's checksums and for the package)."""
    return re.sub(r"\s+", " ", html_text(text_html)).casefold()


def _clashes(notes: Sequence[RenderedNote], levels: list[int]) -> list[list[int]]:
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, (note, level) in enumerate(zip(notes, levels)):
        groups[note.model.model_id, first_field_key(_first(note, level))].append(i)
    return [group for group in groups.values() if len(group) > 1]


def _retired(note: RenderedNote) -> bool:
    return RETIRED_TAG in note.tags


def _first(note: RenderedNote, level: int) -> str:
    first = note.field_list[0]
    if not level:
        return first
    words = " · ".join(escape_text(w) for w in note.which[:level])
    return f'{first} <span class="pc-which">（{words}）</span>'


def _told_apart(note: RenderedNote, level: int) -> RenderedNote:
    name = note.model.fields[0]["name"]
    return dataclasses.replace(note, fields={**note.fields, name: _first(note, level)})
