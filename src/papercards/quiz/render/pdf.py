"""The printable quiz: a PDF made with Typst (``typst`` wheel), A4 or Letter.

Why Typst rather than WeasyPrint (the other strong candidate):

* the wheel is the whole compiler: no Pango, HarfBuzz, fontconfig or cairo
  from the system, so `pip install` is all a user does, on any OS;
* CJK line breaking per UAX #14 with Chinese punctuation rules (no line
  starting with ，。), CJK/Latin spacing, and `lang: "zh"` shaping;
* it embeds subsets of the fonts it uses (``pdffonts``: all "emb yes", with
  ToUnicode maps, so ``pdftotext`` gives back the Chinese);
* fast: a 40-question quiz compiles in a fraction of a second, and the same
  input gives the same bytes (``document(date: none)``);
* ``block(breakable: false)`` keeps each question on one page.

The data goes in as JSON (``sys.inputs``) and the template places every
string as plain text: nothing from the notes is ever evaluated as Typst
markup. The CJK font comes from the system (`fonts.find_cjk_font`); Latin
text uses Libertinus Serif, built into Typst.
"""

from __future__ import annotations

import json
import tempfile
import unicodedata
from importlib import resources
from pathlib import Path

from ...diagnostics import InputError
from ...text import cjk_ratio
from .. import normalize
from ..model import Question, Quiz
from . import rich
from .fonts import find_cjk_font, link_fonts

PAPERS = {"a4": "a4", "letter": "us-letter", "us-letter": "us-letter"}

SECTIONS = {
    "mcq": ("Multiple choice 选择题", "Circle the letter of the one best answer. 选出唯一正确的答案。"),
    "cloze": ("Fill in the blanks 填空题", "Write the missing word(s) on each line. 在横线上填写缺少的词语。"),
    "match": ("Matching 配对题", "Write the letter of the matching item on each line. 在横线上写出对应的字母。"),
    "tf": ("True or false 判断题", "Circle A (true) or B (false). 判断正误。"),
}
GENERAL_INSTRUCTIONS = ("Multiple choice and true/false: circle one letter. Blanks: write the missing "
                        "words. Matching: write the letter on the line. 请按题目要求作答。")


class PDFError(RuntimeError):
    """Typst could not compile the quiz (a bug in papercards, not in the notes)."""


def render(quiz: Quiz, *, paper: str = "A4", **_opts) -> bytes:
    """The quiz as PDF bytes: questions, then the answer key on a new page."""
    size = PAPERS.get(paper.strip().lower())
    if not size:
        raise ValueError(f"paper size {paper!r}: expected A4 or Letter")
    font = find_cjk_font()
    data = quiz_data(quiz, size, font.family)
    try:
        import typst  # the compiler is loaded only when a PDF is made
    except ImportError:
        raise InputError("--formats", 0, "cannot make PDF files: the typst package is not installed "
                         "(python3 -m pip install typst)") from None

    template = resources.files("papercards.quiz").joinpath("templates", "quiz.typ")
    with resources.as_file(template) as path, \
            tempfile.TemporaryDirectory(prefix="papercards-fonts-") as fonts_dir:
        link_fonts(font.files, Path(fonts_dir))
        try:
            return typst.compile(str(path), root=str(Path(path).parent), font_paths=[fonts_dir],
                                 ignore_system_fonts=True, format="pdf",
                                 sys_inputs={"data": json.dumps(data, ensure_ascii=False)})
        except Exception as exc:       # typst.TypstError: show Typst's own message
            raise PDFError(f"could not make the PDF: {exc}") from exc


def quiz_data(quiz: Quiz, paper: str, cjk_font: str) -> dict:
    """Everything the Typst template shows, as JSON-ready data (strings and span lists)."""
    questions = quiz.questions
    runs = [q.type for i, q in enumerate(questions) if i == 0 or questions[i - 1].type != q.type]
    grouped = len(questions) >= 4 and len(runs) <= len(SECTIONS)
    items: list[dict] = []
    for i, q in enumerate(questions):
        if grouped and (i == 0 or questions[i - 1].type != q.type):
            title, hint = SECTIONS.get(q.type, (q.type, ""))
            items.append({"kind": "section", "title": title, "hint": hint})
        items.append(question_data(q, i + 1))
    n_papers = len({q.paper for q in questions if q.paper})
    subtitle = " · ".join(filter(None, [
        f"{len(questions)} question{'s' * (len(questions) != 1)}",
        f"{n_papers} paper{'s' * (n_papers != 1)}" if n_papers else "",
        f"seed {quiz.seed}",
    ]))
    return {
        "title": quiz.title or "Quiz",
        "version_label": f"Version {quiz.version}" if quiz.version else "",
        "subtitle": subtitle,
        "paper": paper,
        "cjk_font": cjk_font,
        "total": len(questions),
        "instructions": "" if grouped else GENERAL_INSTRUCTIONS,
        "items": items,
        "key": [key_data(quiz, q, i + 1) for i, q in enumerate(questions)],
    }


def question_data(q: Question, n: int) -> dict:
    prompt = rich.spans(q.prompt)
    d: dict = {"kind": "question", "n": q.number or n, "type": q.type,
               "prompt": _with_blank_widths(prompt, q),
               # Chinese reads justified; a mostly English line would stretch its spaces instead
               "justify": cjk_ratio(rich.plain(prompt)) >= 0.3,
               "instructions": rich.spans(q.instructions) if q.instructions != q.prompt else []}
    if q.type in ("mcq", "tf"):
        opts = [rich.spans(o) for o in q.options]
        d["options"] = opts
        d["columns"] = _columns([rich.plain(o) for o in opts], q.type)
    elif q.type == "match":
        d["left"] = [rich.spans(left) for left, _ in q.pairs]
        d["right"] = [rich.spans(q.pairs[i][1]) for i in q.right_order]
    return d


def key_data(quiz: Quiz, q: Question, n: int) -> dict:
    answer: list[dict] = []
    if q.type in ("mcq", "tf"):
        for j, idx in enumerate(q.correct):
            if j:
                answer.append({"t": "; "})
            answer.append({"t": chr(ord("A") + idx), "b": 1})
            answer.append({"t": "  "})
            answer.extend(rich.spans(q.options[idx]))
    elif q.type == "cloze":
        for j, accepted in enumerate(q.blanks):
            if j:
                answer.append({"t": "   "})
            if len(q.blanks) > 1:
                answer.append({"t": f"({j + 1}) ", "b": 1})
            for k, alt in enumerate(accepted):
                if k:
                    answer.append({"t": " / "})
                answer.extend(rich.spans(alt))
    elif q.type == "match":
        letters = q.match_key()
        answer.append({"t": "   ".join(f"{i + 1}–{letter}" for i, letter in enumerate(letters)), "b": 1})
    explanation = rich.spans(q.explanation)
    if _adds_nothing(rich.plain(explanation), rich.plain(answer)):
        explanation = []
    return {"n": q.number or n, "answer": answer, "explanation": explanation,
            "source": quiz.paper_label(q.paper)}


def _adds_nothing(explanation: str, answer: str) -> bool:
    """An explanation that only repeats the answer (with a few words around it) is left out of the key."""
    e, a = normalize.key(explanation), normalize.key(answer)
    return not e or (a in e and len(e) - len(a) <= max(8, len(a) // 4))


def display_width(s: str) -> int:
    """Columns a string takes: CJK and other wide characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _columns(options: list[str], qtype: str) -> int:
    widest = max((display_width(o) for o in options), default=0)
    if qtype == "tf" or widest <= 16:
        return min(4, len(options)) if widest <= 16 else 2
    return 2 if widest <= 38 else 1


def _with_blank_widths(spans: list[dict], q: Question) -> list[dict]:
    """Each cloze blank gets a line long enough for its longest accepted answer (in em)."""
    out = []
    for s in spans:
        if "blank" in s:
            accepted = q.blanks[s["blank"] - 1] if 0 < s["blank"] <= len(q.blanks) else []
            widest = max((display_width(rich.plain(rich.spans(a))) for a in accepted), default=8)
            s = {**s, "w": next(w for w in (6, 9, 12, 15, 18) if w >= min(18, widest * 0.55 + 2)),
                 "label": len(q.blanks) > 1}
        out.append(s)
    return out
