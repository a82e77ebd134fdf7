"""CSV and TSV: one flashcard per row, front then back.

TSV is what Anki's text importer and Quizlet's import both read: term⇥definition
per line. The two ``#`` lines tell Anki the separator and that fields are
plain text. CSV is RFC 4180 with every cell quoted, header-free, for
spreadsheets and Anki. Fields are plain text on one line: no tab or newline
can break a row. A matching question gives one row per pair.

Both are opened by spreadsheets, which run a cell starting with ``=`` ``+``
``-`` ``@`` (or tab, CR) as a formula: ``=HYPERLINK(…)`` in a title would be a
live link. Such a cell gets a leading ``'`` (OWASP's advice on CSV injection),
also when spaces or a full-width ``＝`` come first, and also for a number such as
``-3.5%``: every cell is text here, so a spreadsheet shows ``'-3.5%`` as the
text -3.5%, one rule with no guess about what is a number. TSV quotes only a
cell with a ``"`` in it (quoting every cell would put quote marks into a
Quizlet paste); a tab cannot occur in a cell, so no cell can split in two.
"""

from __future__ import annotations

import csv
import io
import unicodedata

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


FORMULA_START = frozenset("=+-@\t\r")


def cell(text: str) -> str:
    """``text`` as a spreadsheet cell that can never run as a formula."""
    return "'" + text if _starts_formula(text) else text


def _starts_formula(text: str) -> bool:
    if text[:1] in FORMULA_START:
        return True
    first = text.lstrip()[:1]        # " =1+1" and "＝1+1" are formulas to some spreadsheets too
    return bool(first) and unicodedata.normalize("NFKC", first)[:1] in FORMULA_START


def _write(rows_: list[tuple[str, str]], **dialect) -> str:
    buf = io.StringIO()
    csv.writer(buf, **dialect).writerows([cell(c) for c in row] for row in rows_)
    return buf.getvalue()


def render_tsv(quiz: Quiz, **_) -> str:
    return "#separator:tab\n#html:false\n" + _write(rows(quiz), delimiter="\t", lineterminator="\n")


def render_csv(quiz: Quiz, **_) -> str:
    return _write(rows(quiz), quoting=csv.QUOTE_ALL, lineterminator="\r\n")


def render(quiz: Quiz, *, paper: str = "A4", fmt: str = "tsv") -> str:
    return render_csv(quiz) if fmt == "csv" else render_tsv(quiz)
