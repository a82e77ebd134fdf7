"""Markdown: the questions by section, then "## Answer key" with each answer's source paper."""

from __future__ import annotations

from ..model import Quiz
from .plain import SECTIONS, key_line, one_line, with_blanks


def render(quiz: Quiz, *, paper: str = "A4") -> str:
    out = [f"# {quiz.title} — Version {quiz.version}", "",
           f"Name 姓名: ______________ Date 日期: __________ Score 得分: ____ / {len(quiz.questions)}", ""]
    section = None
    for q in quiz.questions:
        if q.type != section:
            section = q.type
            out += [f"## {SECTIONS.get(section, section)}", ""]
        if q.type == "cloze":
            single = len(q.blanks) == 1
            out += [f"**{q.number}.** " + with_blanks(q.prompt, lambda n: r"\_\_\_\_\_\_" if single
                                                      else rf"\_\_\_\_\_\_ ({n})"), ""]
        elif q.type == "match":
            out += [f"**{q.number}.** {q.instructions or q.prompt}", ""]
            out += ["| | | | |", "|---|---|---|---|"]
            for i, (left, _) in enumerate(q.pairs):
                right = q.pairs[q.right_order[i]][1]
                out.append(f"| {i + 1}. | {_cell(left)} | {chr(65 + i)}. | {_cell(right)} |")
            out.append("")
        elif q.type == "tf":
            out += [f"**{q.number}.** {q.prompt}", "", "- [ ] " + "  - [ ] ".join(q.options), ""]
        else:
            out += [f"**{q.number}.** {q.prompt}", ""]
            out += [f"- {chr(65 + i)}. {opt}" for i, opt in enumerate(q.options)]
            out.append("")
    out += ["---", "", "## Answer key 答案", ""]
    for q in quiz.questions:
        line = f"{q.number}. {key_line(quiz, q)} — *{quiz.paper_label(q.paper)}*"
        if q.type == "tf" and q.correct != [0] and q.explanation:
            line += f" ({one_line(q.explanation)})"
        out.append(line)
    out.append("")
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", r"\|").replace("\n", " ")
