"""One fact, one card within a paper: a blank never asks what an earlier card asks.

The notes often say a thing twice: a bullet ("UNA将RLHF/PPO, DPO, KTO统一为…")
and the abstract sentence it paraphrases ("UNA unifies RLHF/PPO, DPO and
KTO"). Both are good clozes, and both blank ``KTO``: the learner would answer
the same fact twice. Cards come in chain order (the author's own notes before
the abstract), so the first card keeps the blank; a later sentence cloze loses
that blank (the others keep their numbers: a cloze number is a card's ordinal in
Anki), and is dropped (with a note) when no blank is left.
"""

from __future__ import annotations

import re

from ..kinds import kind_of
from ..text import CLOZE_BLANK, cloze_answers
from ..notes import strip_marks
from .blanks import baselines
from .context import PaperContext, sentence_key
from .model import Item


def answer_key(answer: str) -> str:
    """An answer compared across cards: marks, spaces, case and a unit sign aside (31.2 = 31.2%)."""
    return "".join(strip_marks(answer).casefold().split()).rstrip("%")


# a result as a value: 51.7% (a share), 0.98 (a score), 50 points; a count (64个样本) is no result
_RESULT_VALUE = re.compile(r"(?<![\w.])\d+\.\d+%?(?![\d.])|(?<![\w.])\d+%")
_SCORE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:points?|pts|分)")
# a whole number a sentence may state a score by ("reaches 50 with half the steps"); not a year
_WHOLE = re.compile(r"(?<![\w.$\\-])(?!(?:19|20)\d\d(?!\d))[1-9]\d{1,3}(?![\w.%])")


def _results_shown(text: str) -> set[str]:
    """The values a card shows outside its blanks: results, and whole numbers (compared
    only with the scores other cards ask)."""
    plain = strip_marks(CLOZE_BLANK.sub(" ", text))
    return {v.rstrip("%") for v in _RESULT_VALUE.findall(plain)} | set(_WHOLE.findall(plain))


def _result_of(answer: str) -> str:
    """The value a blank asks when it is a result (``51.7%``, ``0.98``, ``50 points``, or a
    table cell's ``87`` under a ``(%)`` header), else ''."""
    plain = strip_marks(answer).strip()
    m = _RESULT_VALUE.fullmatch(plain) or _WHOLE.fullmatch(plain)
    if m:
        return m.group(0).rstrip("%")
    m = _SCORE.fullmatch(plain)
    return m.group(1) if m else ""


def _other_names(answer: str, pc: PaperContext) -> set[str]:
    return pc.ctx.other_names.get(strip_marks(answer).strip().casefold(), set())


def asked_once(items: list[Item], pc: PaperContext) -> list[Item]:
    asked: set[str] = set()
    results_asked: set[str] = set()    # result values blanked by an earlier card of the paper
    results_shown: set[str] = set()    # …and shown on an earlier card's front
    answered: list[tuple[str, Item]] = []     # the paper's Q&As, their answers compared as pasted text
    out: list[Item] = []
    for item in items:
        kind = kind_of(item)
        if kind.answer:
            answered.append((sentence_key(item.fields.get(kind.answer, "")), item))
        if not kind.blanks:
            out.append(item)
            continue
        text = item.fields.get(kind.blanks, "")
        said = sentence_key(CLOZE_BLANK.sub(lambda m: m.group(2), text))
        # a cloze stating a Q&A's whole answer asks it better (a key word, not the sentence
        # under a heading): the Q&A goes, reported where it stood
        for key, claim in answered:
            if len(said) >= 20 and len(key) >= 20 and key in said and claim in out:
                out.remove(claim)
                file, _, line = claim.source.rpartition(":")
                asks = kind_of(claim)
                question = claim.fields.get(asks.question or asks.defines, "")
                what = f"'{question}'" if question else asks.about
                pc.ctx.note(file or claim.source, int(line) if line.isdigit() else 0,
                            f"{what} is asked by a cloze of the same sentence: one card")
        # "[排序损失]让 p_i 的顺序…" then the abstract's "…through [ranking loss]": one term, asked
        # in either of its languages (the glossary's names for it)
        found = cloze_answers(text)
        answers = {n: {answer_key(name) for a in blank for name in (a, *_other_names(a, pc))}
                   for n, blank in found.items()}
        # "MATH [51.7%]是不用外部工具…" after "GSM8K 82.9% → [88.2%]，MATH 46.8% → 51.7%": the
        # learner has read the answer on the other card
        again = {n for n, keys in answers.items() if keys & asked or
                 any(value and value in results_shown for value in map(_result_of, found[n]))}
        text, gives = _without_results_asked(text, results_asked)
        if gives:
            file, _, line = item.source.rpartition(":")
            pc.ctx.note(file or item.source, int(line) if line.isdigit() else 0,
                        f"a sentence that shows '{gives}', which another card of this paper asks: not carded twice")
            continue
        if again and (len(again) == len(answers) or _only_baselines_left(text, again)):
            shown = "、".join(sorted({strip_marks(a) for n in again for a in found[n]}))
            file, _, line = item.source.rpartition(":")
            pc.ctx.note(file or item.source, int(line) if line.isdigit() else 0,
                        f"a sentence that asks '{shown}' again, which another card of this paper asks: not carded twice")
            continue
        if again:
            # a baseline ("from {{c1::55.6%}} to 81.6%") goes with the result it leads to
            again |= baselines(text)
            text = _unwrap(text, again)
        item.fields[kind.blanks] = text
        asked.update(k for n, keys in answers.items() if n not in again for k in keys)
        results_asked.update(filter(None, (_result_of(a) for found in cloze_answers(text).values() for a in found)))
        results_shown.update(_results_shown(text))
        out.append(item)
    return out


_CLAUSE = re.compile(r"[^，,；;。]+[，,；;。]?")
_AND_ALSO = re.compile(r"^\s*(?:同时|而且|并且|此外|另外|and\s+|while\s+)")


def _without_results_asked(text: str, results_asked: set[str]) -> tuple[str, str]:
    """(``text``, '') when it shows no result an earlier card asks. A clause that shows one
    and holds no blank is cut ("…从 25.4% 提升到 31.2%，同时训练开销只增加约 {{c1::3%}}" keeps
    its second clause, after its stem); when the blank's own clause shows it, the card
    says the other card's answer: (text, the result)."""
    shown = _results_shown(text) & results_asked
    if not shown:
        return text, ""
    stem, sep, body = text.partition("：")
    if not sep or CLOZE_BLANK.search(stem):
        stem, sep, body = "", "", text
    kept = []
    for clause in _CLAUSE.findall(body):
        holds = _results_shown(clause) & shown
        if holds and CLOZE_BLANK.search(clause):
            return text, "、".join(sorted(holds))
        if not holds:
            kept.append(clause)
    if _results_shown(stem) & shown or not kept:
        return text, "、".join(sorted(shown))
    first = _AND_ALSO.sub("", kept[0])
    return stem + sep + first[:1].upper() + first[1:] + "".join(kept[1:]), ""


def _only_baselines_left(text: str, again: set[int]) -> bool:
    """"from {{c1::55.6%}} to {{c2::81.6%}}" with 81.6% asked elsewhere: what is left is the
    starting point, which says nothing alone."""
    left = {n for n in cloze_answers(text) if n not in again}
    return bool(left) and left <= baselines(text)


def _unwrap(text: str, numbers: set[int]) -> str:
    """The blanks ``numbers`` turned back into their text. The others keep their numbers:
    a cloze number is the card's ordinal in Anki, and its review history goes with it."""
    return CLOZE_BLANK.sub(lambda m: m.group(2) if int(m.group(1)) in numbers else m.group(0), text)
