"""The rubric (CARDS.md) as small named checks: which generated cards are doubtful, and why.

Extraction already avoids these defects; what it cannot rule out (notes it
was not written for, hand edits in cards/) is listed by ``papercards check``
with the item's id and its place in cards/, so the learner can suspend or
edit it. Each check is a pure function of one item (or of all items, for
duplicates) returning a reason or None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..kinds import kind_of
from ..text import CLOZE_BLANK
from ..text.lang import overlap_features
from .fronts import GENERIC_QUESTIONS, strip_section_number
from .model import Item

MAX_ANSWER = 200          # characters of an answer (per blank for an enumeration)
MIN_BLANK_RARITY = 2000   # a one-word blank this frequent in jieba's dictionary is a common word
DUPLICATE_SHARE = 0.8


@dataclass(frozen=True, order=True)
class Doubt:
    item_id: str
    reason: str


def _plain(text: str) -> str:
    return re.sub(r"\*\*|`|\s+", " ", text or "").strip()


def too_long(item: Item) -> str | None:
    kind = kind_of(item)
    if kind.blanks:
        longest = max((len(_plain(m.group(2))) for m in CLOZE_BLANK.finditer(item.fields.get(kind.blanks, ""))),
                      default=0)
        return f"a blank of {longest} characters: too much to recall as one answer" if longest > MAX_ANSWER else None
    n = len(_plain(item.fields.get(kind.answer) or ""))
    return f"answer of {n} characters: more than one fact" if n > MAX_ANSWER else None


def generic_front(item: Item) -> str | None:
    """A question that fits any paper (``作用效果？``), e.g. after a hand edit."""
    question = kind_of(item).question
    if not question:
        return None
    q = strip_section_number(item.fields.get(question, "")).rstrip("？?：: ")
    key = "".join(ch for ch in q.casefold() if ch.isalnum())
    return f"generic front '{item.fields.get(question)}': name the paper or ask what it says" \
        if key in GENERIC_QUESTIONS else None


def weak_blank(item: Item) -> str | None:
    blanks = kind_of(item).blanks
    if not blanks:
        return None
    from ..text.segment import word_frequency
    text = item.fields.get(blanks, "")
    for m in CLOZE_BLANK.finditer(text):
        answer = _plain(m.group(2))
        rest = CLOZE_BLANK.sub(lambda x: x.group(2), text[: m.start()] + text[m.end():])
        if len(answer) >= 2 and answer in _plain(rest):
            return f"blank '{answer}' is printed elsewhere on the card"
        if re.fullmatch(r"[\u3400-\u9fff]{1,4}", answer) and word_frequency(answer) >= MIN_BLANK_RARITY:
            return f"blank '{answer}' is a common word"
    return None


def several_translations(item: Item) -> str | None:
    if kind_of(item).glossary and " / " in item.fields.get("chinese", ""):
        return f"term '{item.fields.get('term')}' has several translations: {item.fields['chinese']}"
    return None


CHECKS: list[Callable[[Item], str | None]] = [too_long, generic_front, weak_blank, several_translations]


def _features(text: str) -> set[str]:
    return overlap_features(_plain(CLOZE_BLANK.sub(lambda m: m.group(2), text)))


def likely_duplicates(items: Iterable[Item]) -> list[Doubt]:
    """Two items of one paper that say nearly the same thing."""
    by_paper: dict[str, list[tuple[Item, set[str]]]] = {}
    for item in items:
        if item.paper and not kind_of(item).glossary:
            text = " ".join(v for v in item.fields.values() if v)
            by_paper.setdefault(item.paper, []).append((item, _features(text)))
    out = []
    for group in by_paper.values():
        for i, (a, fa) in enumerate(group):
            for b, fb in group[i + 1:]:
                small = min(len(fa), len(fb))
                if small >= 4 and len(fa & fb) >= DUPLICATE_SHARE * small:
                    out.append(Doubt(b.id, f"likely duplicate of {a.id}"))
    return out


def review(items: list[Item]) -> list[Doubt]:
    """Every doubt about these items, in item order."""
    doubts = [Doubt(item.id, reason) for item in items for check in CHECKS
              if (reason := check(item)) is not None]
    return doubts + likely_duplicates(items)


def translation_disagreements(chinese: str, abstract_zh: str) -> list[str]:
    """Spellings in the paper's Chinese abstract one inner character away from a
    translation: ``显示奖励`` in the notes, ``显式奖励`` in the abstract. One pass over the
    abstract, comparing the windows that start and end like the translation."""
    n = len(chinese)
    if n < 3 or not re.fullmatch(r"[\u3400-\u9fff]+", chinese):
        return []
    found: list[str] = []
    start = abstract_zh.find(chinese[0])
    while start != -1:
        window = abstract_zh[start:start + n]
        if len(window) == n and window[-1] == chinese[-1] and window != chinese \
                and sum(a != b for a, b in zip(window, chinese)) == 1 and _is_han(window) and window not in found:
            found.append(window)
        start = abstract_zh.find(chinese[0], start + 1)
    return found


def _is_han(text: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" for ch in text)
