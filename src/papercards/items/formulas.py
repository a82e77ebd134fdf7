"""A display formula goes to the back of a cloze.

``Smaug：在DPO里加一个{{c1::hinge形式的惩罚}}，只要…就罚： $$\\mathcal{L}_{DPOP}=…\\max(0,…)…$$``:
the front is four phone lines of LaTeX, and the formula spells the answer out (its
``max(0, ·)`` is the hinge). Reviewers marked every such card "too long" or "answer
visible". The sentence asks its word; the formula is shown under the answer, where
the learner checks it. A formula that holds the blank is what is asked and stays.
"""

from __future__ import annotations

from ..text import CLOZE_BLANK, has_cjk
from ..text.markup import display_formulas
from .backs import moved_to_back
from .model import Item


def formula_off_front(text: str) -> tuple[str, list[str]]:
    """(``text`` without its display formulas that hold no blank, the formulas taken off)."""
    taken: list[str] = []
    while True:
        span = next(((s, e) for s, e in display_formulas(text) if not CLOZE_BLANK.search(text[s:e])), None)
        if not span:
            return text, taken
        taken.append(text[span[0]:span[1]])
        before, after = text[:span[0]].rstrip(), text[span[1]:].strip()
        lead_in = before.endswith(("：", ":"))
        if lead_in:
            before = before[:-1].rstrip()     # "就罚：" led into the formula, not into what follows it
        if after and before and not before.endswith(("，", "。", "；", ",", ";", "\n")):
            before += "，" if lead_in or has_cjk(after[:1]) else ", "
        text = before + after


def formulas_to_back(items: list[Item]) -> list[Item]:
    """Each cloze with its display formulas (outside its blanks) moved to its back."""
    return moved_to_back(items, formula_off_front)
