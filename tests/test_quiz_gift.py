"""The Moodle GIFT export parses by the GIFT grammar and carries the right answers.

A small GIFT reader, written from Moodle's description of the format:
questions are separated by blank lines, ``//`` starts a comment line,
``::title::`` is optional, answers sit between ``{`` and ``}``: ``=right``,
``~wrong``, ``=left -> right`` for matching, ``TRUE``/``FALSE`` (or T/F) for
true/false, only ``=`` answers for short answer; ``~ = # { } :`` are escaped
with a backslash everywhere else.
"""

from __future__ import annotations

import pytest

from papercards.quiz import normalize
from papercards.quiz.model import Question, Quiz
from papercards.quiz.render import gift
from papercards.quiz.render.plain import one_line

from quiz_helpers import built_project, quizzes

SPECIAL = "~=#{}:"


class GiftError(ValueError):
    pass


def _find(text: str, target: str, start: int = 0) -> int:
    """Index of the first unescaped ``target`` at or after ``start`` (-1 when none)."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(target, i):
            return i
        i += 1
    return -1


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
        else:
            if text[i] in SPECIAL:
                raise GiftError(f"unescaped {text[i]!r} in {text!r}")
            out.append(text[i])
            i += 1
    return "".join(out).strip()


def _split_answers(body: str) -> list[tuple[str, str]]:
    """``=a ~b =c -> d`` → [("=", "a"), ("~", "b"), ("=", "c -> d")] (still escaped)."""
    marks = [i for i in range(len(body)) if body[i] in "=~" and (i == 0 or body[i - 1] != "\\"
                                                                   or _escaped_backslash(body, i))]
    if not marks or body[: marks[0]].strip():
        raise GiftError(f"answer list must start with = or ~: {body!r}")
    out = []
    for a, b in zip(marks, marks[1:] + [len(body)]):
        out.append((body[a], body[a + 1:b].strip()))
    return out


def _escaped_backslash(body: str, i: int) -> bool:
    n, j = 0, i - 1
    while j >= 0 and body[j] == "\\":
        n, j = n + 1, j - 1
    return n % 2 == 0


def parse(text: str) -> list[dict]:
    blocks, current = [], []
    for line in text.splitlines():
        if line.strip().startswith("//"):
            continue
        if not line.strip():
            if current:
                blocks.append("\n".join(current))
                current = []
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current))
    out = []
    for block in blocks:
        title = None
        rest = block.strip()
        if rest.startswith("::"):
            end = _find(rest, "::", 2)
            if end < 0:
                raise GiftError(f"unclosed title: {rest!r}")
            title, rest = unescape(rest[2:end]), rest[end + 2:]
        open_ = _find(rest, "{")
        close = _find(rest, "}", open_ + 1) if open_ >= 0 else -1
        if open_ < 0 or close < 0 or _find(rest, "{", open_ + 1) not in (-1,) and _find(rest, "{", open_ + 1) < close:
            raise GiftError(f"no answer block: {rest!r}")
        if _find(rest, "{", close + 1) >= 0:
            raise GiftError(f"two answer blocks: {rest!r}")
        before, body, after = rest[:open_], rest[open_ + 1:close].strip(), rest[close + 1:]
        q = {"title": title, "text": unescape(before), "after": unescape(after)}
        if body.upper() in ("T", "TRUE", "F", "FALSE"):
            q.update(kind="tf", value=body.upper().startswith("T"))
        else:
            answers = _split_answers(body)
            if all(" -> " in a for m, a in answers if m == "="):
                if any(m != "=" for m, _ in answers):
                    raise GiftError("matching answers are all =")
                pairs = []
                for _, a in answers:
                    cut = _find(a, " -> ")
                    pairs.append((unescape(a[:cut]), unescape(a[cut + 4:])))
                q.update(kind="match", pairs=pairs)
            elif all(m == "=" for m, _ in answers):
                q.update(kind="short", answers=[unescape(a) for _, a in answers])
            else:
                right = [unescape(a) for m, a in answers if m == "="]
                q.update(kind="mc", right=right, options=[unescape(a) for _, a in answers])
        out.append(q)
    return out


@pytest.fixture(scope="module")
def quiz(tmp_path_factory):
    root = built_project(tmp_path_factory.mktemp("gift") / "proj")
    return quizzes(root)[0]


def test_gift_parses_and_round_trips_the_answers(quiz):
    parsed = parse(gift.render(quiz))
    by_title = {p["title"]: p for p in parsed}
    written = [q for q in quiz.questions if q.type != "cloze" or len(q.blanks) == 1]
    assert len(parsed) == len(written)
    for q in written:
        p = by_title[f"Q{q.number}"]
        if q.type == "mcq":
            assert p["kind"] == "mc"
            assert p["right"] == [one_line(q.options[q.correct[0]])]
            assert p["options"] == [one_line(o) for o in q.options]
            assert p["text"] == one_line(q.prompt)
        elif q.type == "tf":
            assert p["kind"] == "tf" and p["value"] == (q.correct == [0])
        elif q.type == "match":
            assert p["kind"] == "match"
            assert p["pairs"] == [(one_line(l), one_line(r)) for l, r in q.pairs]
        elif q.type == "cloze":
            assert p["kind"] == "short"
            assert p["answers"] == [one_line(a) for a in q.blanks[0]]
            before, _, after = q.prompt.partition("{{1}}")
            assert normalize.same(p["text"], before) and normalize.same(p["after"], after)


def test_special_characters_are_escaped():
    tricky = "a ~ b = c # d {e} f: g \\ h"
    q = Question(id="mcq-x", type="mcq", prompt=f"Which is {tricky}?", options=[tricky, "plain", "x=y", "{}"],
                 correct=[0], number=1)
    m = Question(id="match-x", type="match", prompt="Match", instructions="Match: these", number=2,
                 pairs=[("k:1", "v=1"), ("k#2", "v~2"), ("k{3}", "v}3")], right_order=[2, 0, 1])
    c = Question(id="cloze-x", type="cloze", prompt="x = {{1}} : y", blanks=[["a=b", "c"]], number=3)
    t = Question(id="tf-x", type="tf", prompt="1 = 1: {yes}", options=["True 对", "False 错"], correct=[0], number=4)
    parsed = parse(gift.render(Quiz(title="T: {x}", version="A", seed=1, direction="mixed",
                                    questions=[q, m, c, t])))
    assert parsed[0]["right"] == [tricky] and parsed[0]["options"] == [tricky, "plain", "x=y", "{}"]
    assert parsed[0]["text"] == f"Which is {tricky}?"
    assert parsed[1]["pairs"] == [("k:1", "v=1"), ("k#2", "v~2"), ("k{3}", "v}3")]
    assert parsed[1]["text"] == "Match: these"
    assert parsed[2]["answers"] == ["a=b", "c"] and parsed[2]["text"] == "x =" and parsed[2]["after"] == ": y"
    assert parsed[3]["kind"] == "tf" and parsed[3]["value"] is True and parsed[3]["text"] == "1 = 1: {yes}"


def test_parser_rejects_unescaped_specials():
    with pytest.raises(GiftError):
        parse("::Q1:: a = b {=x ~y}")
    with pytest.raises(GiftError):
        parse("::Q1:: no answers here")
