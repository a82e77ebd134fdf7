"""``**用大白话说**：…`` (the author's plain-language explanation) is the back of a
"what is the idea of X" card, X being the sub-heading it explains, else the paper.

Only where it is all its part says: beside the part's own text it retells the facts
that text is carded for (reviewers deleted every such card as the same fact twice),
and it is reported instead."""

from __future__ import annotations

import re

from ...notes import strip_marks
from ..context import PaperContext
from ..fronts import strip_section_number
from ..model import Item, short_hash
from .claims import _join
from .clauses import paper_name
from .walk import content_blocks

PLAIN_WORDS = re.compile(r"^\s*\*{0,2}(?:用大白话说|大白话|通俗地说|通俗来说|简单来说|In plain words|Put simply)\*{0,2}"
                         r"\s*[：:]\s*\*{0,2}\s*(?P<body>\S.*)$", re.S | re.I)


def extract(pc: PaperContext):
    name = paper_name(pc)
    blocks = list(content_blocks(pc.paper))
    told: dict[str, int] = {}           # heading → blocks of its own text besides plain words
    for block, heading, _ in blocks:
        if block.kind in ("paragraph", "list", "table") and not PLAIN_WORDS.match(block.text):
            told[heading] = told.get(heading, 0) + 1
    for block, heading, under_sub in blocks:
        if block.kind != "paragraph" or block.line in pc.consumed:
            continue
        m = PLAIN_WORDS.match(block.text)
        if not m:
            continue
        if told.get(heading):
            pc.consumed.add(block.line)
            pc.ctx.note(pc.paper.file, block.line, f"the plain-language retelling under '{heading}' says again what "
                        "its part says: not carded")
            continue
        topic = strip_section_number(strip_marks(heading)) if under_sub else ""
        question = f"{name}：「{topic}」的想法是什么？（用大白话说）" if topic else f"{name} 的想法是什么？（用大白话说）"
        pc.consumed.add(block.line)
        yield Item(id=f"{pc.info.key}/claim/{short_hash(question)}", kind="claim", paper=pc.info.key,
                   fields={"question": question, "answer": _join(m.group("body")).strip()},
                   source=pc.where(block.line))
