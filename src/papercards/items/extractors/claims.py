"""Sub-heading → its content, as a question and answer.

``#### DPO不稳定的来源`` with its bullet becomes "DPO不稳定的来源？" →
"选择和拒绝响应的梯度之间的相互作用会导致不稳定". Lists keep their items; lines
an earlier rule used (definitions, the one-line summary) are left out.
"""

from __future__ import annotations

import re

from ...notes import OTHER, Block, Subsection
from ..context import PaperContext
from ..model import Item, short_hash
from .walk import SKIP_ROLES

MAX_ANSWER = 320      # characters; longer content is not one fact: left to cloze items


_STATEMENT = re.compile(r"^(?:提出|探索|针对|使用|引入|研究|分析|证明|设计|构建|Propos|Introduc|Explor)")


def question_of(heading: str) -> str:
    """A heading as a question: a topic gets "？", a statement asks for its points."""
    q = heading.strip().rstrip("：:。.")
    if q.endswith(("?", "？")):
        return q
    if _STATEMENT.match(q):
        return q + "：要点？"
    return q + "？"


def unused_blocks(blocks: list[Block]) -> list[Block]:
    """Blocks no rule turns into text: code, raw HTML (links are read elsewhere), images."""
    out = []
    for block in blocks:
        if block.kind == "code" or (block.kind == "html" and "<a" not in block.text.lower()):
            out.append(block)
        elif block.kind == "paragraph" and block.text.strip().startswith("!["):
            out.append(block)
    return out


def answer_lines(blocks: list[Block], consumed: set[int]) -> list[str]:
    """The answer, one line per paragraph or list item.

    Paragraphs another rule used (a definition, the summary) are left out; list
    items stay, since the list as a whole is the answer, except nested detail
    that became its own card.
    """
    lines: list[str] = []
    for block in blocks:
        if block.line in consumed and block.kind != "list":
            continue
        if block.kind == "paragraph" and not block.text.strip().startswith("!["):
            lines.append(_join(block.text))
        elif block.kind == "list":
            counters: dict[int, int] = {}
            for depth, item in block.walk_items():
                if (depth > 0 and item.line in consumed) or not item.text.strip():
                    continue
                ordered = block.ordered if depth == 0 else False
                counters[depth] = counters.get(depth, 0) + 1
                mark = f"{counters[depth]}." if ordered else "-"
                lines.append("  " * depth + f"{mark} {_join(item.text)}")
        elif block.kind == "table" and block.rows:
            for row in block.rows[1:]:
                lines.append("- " + " | ".join(c.strip() for c in row))
    return lines


def _join(text: str) -> str:
    """Soft line breaks: nothing between CJK characters, a space elsewhere."""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    out = ""
    for p in parts:
        # look at the last character only: a search anchored at `$` rescans all of `out`
        # each time, quadratic on a 10,000-line bullet
        if out and not (re.match(r"[\u3400-\u9fff，。：；]", out[-1]) and re.match(r"[\u3400-\u9fff]", p)):
            out += " "
        out += p
    return out


def extract(pc: PaperContext):
    units: list[tuple[str, int, list[Block]]] = []
    for section in pc.paper.sections:
        if section.role in SKIP_ROLES:
            continue
        if section.role == OTHER and section.heading and section.blocks:
            units.append((section.heading, section.line, section.blocks))
        for sub in section.subsections:
            units.append(_unit(sub))
    seen: set[str] = set()
    for section in pc.paper.sections:
        if section.role not in SKIP_ROLES:
            for block in unused_blocks(section.blocks + [b for sub in section.subsections for b in sub.blocks]):
                what = {"code": "code block", "html": "raw HTML block"}.get(block.kind, "image")
                pc.ctx.warn(pc.paper.file, block.line, f"{what} is not carded")
    for heading, line, blocks in units:
        if not heading:
            continue
        lines = answer_lines(blocks, pc.consumed)
        if len(lines) == 1 and lines[0].rstrip().endswith(("：", ":")):
            lines = []
        if not lines:
            if not blocks:
                pc.ctx.warn(pc.paper.file, line, f"sub-heading '{heading}' has no content; no card made")
            continue
        answer = "\n".join(lines)
        if len(answer) > MAX_ANSWER:
            pc.ctx.warn(pc.paper.file, line, f"'{heading}' is too long for one card "
                        f"({len(answer)} characters); split it under #### sub-headings to card it")
            continue
        question = question_of(heading)
        anchor = short_hash(question)
        while anchor in seen:
            anchor = short_hash(anchor + question)
        seen.add(anchor)
        if len(lines) == 1:
            pc.claim_answers.add(lines[0].lstrip("-0123456789. "))
        yield Item(id=f"{pc.info.key}/claim/{anchor}", kind="claim", paper=pc.info.key,
                   fields={"question": question, "answer": answer}, source=pc.where(line))


def _unit(sub: Subsection):
    return sub.heading, sub.line, sub.blocks
