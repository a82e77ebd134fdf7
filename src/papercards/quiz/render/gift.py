"""Moodle GIFT: multiple choice, true/false, matching, and one-blank fill-ins as short answer.

Special characters ``~ = # { } :`` (and the backslash) are escaped with a
backslash. Text is plain, but Moodle shows GIFT text as HTML: ``<`` ``>`` ``&``
are written as ``&lt;`` ``&gt;`` ``&amp;`` (no GIFT special in them), so a
``<script>`` in the notes, or ``&lt;script&gt;`` decoded to one, stays text.
A fill-in with more than one blank has no GIFT form and is left out with a
comment saying so.
"""

from __future__ import annotations

import html
import re

from ..model import BLANK_RE, Quiz
from .plain import one_line

_SPECIAL = re.compile(r"([\\~=#{}:])")


def escape(text: str) -> str:
    """Inline Markdown → GIFT text: plain, HTML-escaped, GIFT specials escaped."""
    return _SPECIAL.sub(r"\\\1", html.escape(one_line(text), quote=False))


def render(quiz: Quiz, *, paper: str = "A4") -> str:
    out = [f"// {one_line(quiz.title)}, version {quiz.version} (papercards, seed {quiz.seed})", ""]
    for q in quiz.questions:
        title = f"::Q{q.number}::"
        if q.type == "mcq":
            answers = [("=" if i in q.correct else "~") + escape(o) for i, o in enumerate(q.options)]
            out.append(f"{title} {escape(q.prompt)} {{")
            out += [f"\t{a}" for a in answers]
            out.append("}")
        elif q.type == "tf":
            out.append(f"{title} {escape(q.prompt)} {{{'TRUE' if q.correct == [0] else 'FALSE'}}}")
        elif q.type == "match":
            out.append(f"{title} {escape(q.instructions or q.prompt)} {{")
            out += [f"\t={escape(left)} -> {escape(right)}" for left, right in q.pairs]
            out.append("}")
        elif q.type == "cloze":
            parts = BLANK_RE.split(q.prompt)
            if len(q.blanks) != 1 or len(parts) != 3:
                out.append(f"// Q{q.number}: a fill-in with {len(q.blanks)} blanks has no GIFT form")
                out.append("")
                continue
            answers = " ".join("=" + escape(a) for a in q.blanks[0])
            out.append(f"{title} {escape(parts[0])} {{{answers}}} {escape(parts[2])}".rstrip())
        out.append("")
    return "\n".join(out)
