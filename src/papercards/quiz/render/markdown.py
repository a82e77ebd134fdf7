"""Markdown: the questions by section, then "## Answer key" with each answer's source paper.

Text is escaped, never passed through: a question is read like the cards
(`rich.spans`: HTML sanitised, entities decoded, math as clean text) and written
back with ``<`` ``>`` ``&`` as entities and the characters that make emphasis,
code, links and images escaped with a backslash. No renderer (CommonMark,
GitHub, Moodle) can then make a tag, a link or an image from a note; bold,
italic, strike-through and code are kept, a link keeps its text and address.
"""

from __future__ import annotations

import re

from ..model import Quiz
from . import rich
from .plain import SECTIONS, key_line, one_line

# HTML's three as entities, and $ (math on GitHub) and ~ (strike-through), which only some
# Markdowns let a backslash escape; the rest of the syntax with a backslash, as all of them do
_ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;", "~": "&#126;"}
_SYNTAX = re.compile(r"[\\`*_\[\]]")
_BACKTICKS = re.compile("`+")
_WRAP = (("s", "~~"), ("i", "*"), ("b", "**"))


def render(quiz: Quiz, *, paper: str = "A4") -> str:
    out = [f"# {escape(quiz.title)} — Version {quiz.version}", "",
           f"Name 姓名: ______________ Date 日期: __________ Score 得分: ____ / {len(quiz.questions)}", ""]
    section = None
    for q in quiz.questions:
        if q.type != section:
            section = q.type
            out += [f"## {SECTIONS.get(section, section)}", ""]
        if q.type == "cloze":
            single = len(q.blanks) == 1
            out += [f"**{q.number}.** " + inline(q.prompt, lambda n: r"\_\_\_\_\_\_" if single
                                                 else rf"\_\_\_\_\_\_ ({n})"), ""]
        elif q.type == "match":
            out += [f"**{q.number}.** {inline(q.instructions or q.prompt)}", ""]
            out += ["| | | | |", "|---|---|---|---|"]
            for i, (left, _) in enumerate(q.pairs):
                right = q.pairs[q.right_order[i]][1]
                out.append(f"| {i + 1}. | {_cell(left)} | {chr(65 + i)}. | {_cell(right)} |")
            out.append("")
        elif q.type == "tf":
            out += [f"**{q.number}.** {inline(q.prompt)}", "",
                    "- [ ] " + "  - [ ] ".join(inline(o) for o in q.options), ""]
        else:
            out += [f"**{q.number}.** {inline(q.prompt)}", ""]
            out += [f"- {chr(65 + i)}. {inline(opt)}" for i, opt in enumerate(q.options)]
            out.append("")
    out += ["---", "", "## Answer key 答案", ""]
    for q in quiz.questions:
        line = f"{q.number}. {escape(key_line(quiz, q))} — *{escape(quiz.paper_label(q.paper))}*"
        if q.type == "tf" and q.correct != [0] and q.explanation:
            line += f" ({escape(one_line(q.explanation))})"
        out.append(line)
    out.append("")
    return "\n".join(out)


def escape(text: str) -> str:
    """Plain text → Markdown that shows exactly this text, on one line."""
    text = _SYNTAX.sub(r"\\\g<0>", " ".join(text.splitlines()))
    return re.sub(r"[&<>$~]", lambda m: _ENTITY[m.group()], text)


def inline(md: str, blank=None) -> str:
    """Inline Markdown of a question → the same text and styles as escaped Markdown.

    ``blank(n)`` gives the Markdown of cloze blank n."""
    return "".join(_span(s, blank) for s in rich.spans(md))


def _span(s: rich.Span, blank) -> str:
    if "blank" in s:
        return blank(s["blank"]) if blank else r"\_\_\_\_"
    if "br" in s:
        return " "
    text = " ".join(s["t"].splitlines())
    piece = _code(text) if s.get("code") or s.get("tex") else escape(text)
    for style, mark in _WRAP:
        if s.get(style) and piece.strip():
            lead, core, trail = re.match(r"(\s*)(.*?)(\s*)$", piece).groups()
            piece = f"{lead}{mark}{core}{mark}{trail}"
    if s.get("sub") or s.get("sup"):          # π_θ, x^2: Markdown has no sub/superscript
        piece = ("\\_" if s.get("sub") else "^") + piece
    if s.get("href") and s["href"] != text:
        piece += f" ({escape(s['href'])})"
    return piece


def _code(text: str) -> str:
    """A code span: shown as it is by every renderer, so nothing inside is escaped;
    its fence is one backtick longer than any run of backticks in the text."""
    fence = "`" * (max((len(r) for r in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(md: str) -> str:
    return inline(md).replace("|", r"\|")
