"""A card as the learner will see it in Anki, as plain terminal text.

Built from the Anki renderer's own fields (`anki.render.render_fields`), so what
`review` and `status --weak` show is what the deck holds: the front, the back, the
paper. A cloze shows its blanks as ``[...]`` (or the hint) on the front and its
answers in brackets on the back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..anki.render import SkipRecord, render_fields, short_name
from ..items.model import PaperInfo
from ..store.model import Record
from .screen import plain

_BLANK = re.compile(r"\{\{c\d+::(.*?)(?:::(.*?))?\}\}", re.S)


@dataclass(frozen=True)
class Face:
    front: str
    back: str
    paper: str          # the paper(s) as the back names them ("" when the answer is the paper)
    problem: str = ""   # why Anki would get no card from it (empty front, no blank, …)


def face_of(record: Record, papers: Mapping[str, PaperInfo]) -> Face:
    try:
        model, fields = render_fields(record, papers)
    except SkipRecord as why:
        return Face(front="", back="", paper=paper_name(record, papers), problem=str(why))
    paper = plain(fields.get("Papers") or fields.get("Paper") or "")
    context = plain(fields.get("Context", ""))
    if "Text" in fields:                                        # cloze
        front = _BLANK.sub(lambda m: f"[{m.group(2) or '...'}]", fields["Text"])
        back = _BLANK.sub(lambda m: f"[{m.group(1)}]", fields["Text"])
        extra = plain(fields.get("Extra", ""))
        return Face(_join(context, plain(front)), _join(plain(back), extra), paper)
    if "Term" in fields:
        answer = " · ".join(t for t in (plain(fields["English"]), plain(fields["Chinese"])) if t)
        return Face(plain(fields["Term"]), _join(answer, plain(fields["Note"])), paper)
    return Face(_join(context, plain(fields["Front"])), plain(fields["Back"]), paper)


def paper_name(record: Record, papers: Mapping[str, PaperInfo]) -> str:
    """The paper's short name (a glossary term: "glossary")."""
    key = record.item.paper
    return short_name(papers.get(key), key) if key else "glossary"


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)
