"""JSON: every question with its type, prompt, options, answers and sources; what other tools read.

Stable: keys sorted, two-space indent, UTF-8 (``ensure_ascii=False``), so the
same seed gives the same bytes.
"""

from __future__ import annotations

import json

from ..model import Quiz
from .plain import answer_text, one_line


def to_dict(quiz: Quiz) -> dict:
    questions = []
    for q in quiz.questions:
        d = {
            "number": q.number, "id": q.id, "type": q.type, "prompt": q.prompt, "prompt_text": one_line(q.prompt),
            "options": list(q.options), "correct": list(q.correct),
            "answer": answer_text(q), "sources": list(q.sources), "paper": q.paper,
            "paper_label": quiz.paper_label(q.paper), "explanation": q.explanation,
        }
        if q.type in ("mcq", "tf"):
            d["answer_letters"] = q.answer_letters()
        if q.type == "cloze":
            d["blanks"] = [list(b) for b in q.blanks]
        if q.type == "match":
            d["instructions"] = q.instructions
            d["pairs"] = [[l, r] for l, r in q.pairs]
            d["right_order"] = list(q.right_order)
            d["match_key"] = q.match_key()
        questions.append(d)
    papers = {k: {"title": p.title, "title_zh": p.title_zh, "short": p.short, "pdf": p.pdf,
                  "openreview": p.openreview} for k, p in quiz.papers.items()}
    return {"title": quiz.title, "version": quiz.version, "seed": quiz.seed, "direction": quiz.direction,
            "count": len(questions), "papers": papers, "questions": questions}


def render(quiz: Quiz, *, paper: str = "A4") -> str:
    return json.dumps(to_dict(quiz), ensure_ascii=False, sort_keys=True, indent=2) + "\n"
