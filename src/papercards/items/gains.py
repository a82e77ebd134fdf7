"""A gain that computes the blank goes to the back.

``第一次 52.6% → 第二次 [41.4%]，改完反而更差(Δ = −11.2%)``: the front shows the
start and the change, so the blank is a subtraction. Reviewers marked every such
card "answer visible"; a second blank on the gain instead was "arithmetic from
the first". The gain (``(Δ = −11.2%)``, ``，绝对提升26%``) is shown under the
answer, where the learner checks it, and the front asks the number reached.
"""

from __future__ import annotations

import re

from ..text import CLOZE_BLANK, cloze_answers
from .blanks import derivable
from .backs import moved_to_back
from .model import Item

_GAIN_WORD = (r"Δ|∆|提升|提高|增加|增长|上涨|下降|降低|减少|高出|低了|多了|少了|绝对|相对"
              r"|\bgains?\b|\bimprove\w*|\bincrease\w*|\bdrops?\b|\bdecrease\w*|\bup\b|\bdown\b|[+−]\s*\d")
# a gain in brackets, "(Δ = −11.2%)", or a clause of its own, "，绝对提升26%"
_GAIN_IN_BRACKETS = re.compile(r"\s*[(（](?=[^()（）]*(?:" + _GAIN_WORD + r"))[^()（）{}]*\d[^()（）{}]*[)）]", re.I)
_GAIN_CLAUSE = re.compile(r"[，,；;]\s*(?=[^，,；;。]*(?:" + _GAIN_WORD + r"))[^，,；;。{}]*\d[^，,；;。{}]*(?=[，,；;。]|$)",
                          re.I)


def gain_off_front(text: str) -> tuple[str, list[str]]:
    """(``text`` without the gain that computes a number it asks, [that gain]) or (``text``, [])."""
    rest = CLOZE_BLANK.sub(" ", text)
    for answers in cloze_answers(text).values():
        for answer in answers:
            if not re.search(r"\d", answer) or not derivable(answer, rest):
                continue
            # the brackets alone before a whole clause ("改完反而更差(Δ = −11.2%)" keeps its finding)
            for m in [*_GAIN_IN_BRACKETS.finditer(text), *_GAIN_CLAUSE.finditer(text)]:
                if CLOZE_BLANK.search(m.group(0)):
                    continue
                cut = text[:m.start()] + text[m.end():]
                if not derivable(answer, CLOZE_BLANK.sub(" ", cut)):
                    return cut, [m.group(0).strip(" ，,；;()（）")]
    return text, []


def gains_to_back(items: list[Item]) -> list[Item]:
    """Each cloze whose front computes its blank, with the gain that does it moved to its back."""
    return moved_to_back(items, gain_off_front)
