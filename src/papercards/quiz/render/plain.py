"""Plain-text helpers shared by the plain renderers (Markdown, tables, GIFT)."""

from __future__ import annotations

from .. import normalize
from ..model import BLANK_RE, Question, Quiz

SECTIONS = {"mcq": "Multiple choice 选择题", "cloze": "Fill in the blanks 填空题",
            "match": "Matching 配对题", "tf": "True or false 判断题"}


def one_line(text: str) -> str:
    """Plain text on one line: no tabs, no line breaks (they would break a table row)."""
    return " ".join(normalize.plain(text).split())


def with_blanks(prompt: str, fill=None) -> str:
    """The prompt with each {{n}} replaced by ``fill(n)`` (default: a numbered line)."""
    return BLANK_RE.sub(lambda m: fill(int(m.group(1))) if fill else f"_____({m.group(1)})", prompt)


def cloze_answer(q: Question) -> str:
    """"在线采样器" or "1: 在线采样器 / online sampler; 2: …" (accepted answers joined by " / ")."""
    parts = [" / ".join(one_line(a) for a in accepted) for accepted in q.blanks]
    if len(parts) == 1:
        return parts[0]
    return "; ".join(f"{n}: {p}" for n, p in enumerate(parts, 1))


def answer_text(q: Question) -> str:
    """The right answer in words (not letters): what a flashcard's back shows."""
    if q.type in ("mcq", "tf"):
        return " | ".join(one_line(q.options[i]) for i in q.correct)
    if q.type == "cloze":
        return cloze_answer(q)
    if q.type == "match":
        return "; ".join(f"{one_line(l)} = {one_line(r)}" for l, r in q.pairs)
    return ""


def key_line(quiz: Quiz, q: Question) -> str:
    """The answer key entry: letters where there are letters, then the answer in words."""
    if q.type == "mcq":
        return f"{', '.join(q.answer_letters())}. {answer_text(q)}"
    if q.type == "tf":
        return q.options[q.correct[0]] if q.correct else ""
    if q.type == "match":
        return ", ".join(f"{n}–{letter}" for n, letter in enumerate(q.match_key(), 1))
    return answer_text(q)
