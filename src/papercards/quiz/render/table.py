"""CSV and TSV: one flashcard per row, front then back.

TSV is what Anki's text importer and Quizlet's import both read: term⇥definition
per line. The two ``#`` lines tell Anki the separator and that fields are
plain text. CSV is RFC 4180 (quoted when needed), header-free, for
spreadsheets and Anki. Fields are plain text on one line: no tab or newline
can break a row. A matching question gives one row per pair.
"""

from __future__ import annotations

import csv
import io

from ..model import Quiz
from .plain import answer_text, one_line, with_blanks


def rows(quiz: Quiz) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for q in quiz.questions:
        if q.type == "match":
            out += [(one_line(left), one_line(right)) for left, right in q.pairs]
        elif q.type == "cloze":
            out.append((one_line(with_blanks(q.prompt, lambda n: "____" if len(q.blanks) == 1 else f"____({n})")),
                        answer_text(q)))
        elif q.type == "tf":
            back = answer_text(q)
            if q.correct != [0] and q.explanation:
                back += f" — {one_line(q.explanation)}"
            out.append((one_line(q.prompt), back))
        else:
            out.append((one_line(q.prompt), answer_text(q)))
    return out


def render_tsv(quiz: Quiz, **_) -> str:
    lines = ["#separator:tab", "#html:false"]
    lines += [f"{front}\t{back}" for front, back in rows(quiz)]
    return "\n".join(lines) + "\n"


def render_csv(quiz: Quiz, **_) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(rows(quiz))
    return buf.getvalue()


def render(quiz: Quiz, *, paper: str = "A4", fmt: str = "tsv") -> str:
    return render_csv(quiz) if fmt == "csv" else render_tsv(quiz)
