"""What a cloze shows under its answer instead of on its front.

A front that carries what the learner should check, not recall (a display
formula that spells the answer out, a gain that computes the blank), asks
nothing. Each rule says what it takes off the front; this moves it to the back
(the item's ``hint``), as long as a blank is left to ask.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..kinds import kind_of
from ..text import CLOZE_BLANK
from .model import Item


def moved_to_back(items: list[Item], off_front: Callable[[str], tuple[str, list[str]]]) -> list[Item]:
    """Each cloze with what ``off_front`` takes off its front (a formula, a gain) shown under
    its answer instead (its ``hint``), as long as a blank is left on the front."""
    out = []
    for item in items:
        kind = kind_of(item)
        if not kind.blanks or "hint" not in kind.fields:
            out.append(item)
            continue
        text, taken = off_front(item.fields.get(kind.blanks, ""))
        if not taken or not CLOZE_BLANK.search(text):
            out.append(item)
            continue
        back = "\n\n".join(filter(None, [item.fields.get("hint", ""), *taken]))
        out.append(replace(item, fields={**item.fields, kind.blanks: text, "hint": back}))
    return out
