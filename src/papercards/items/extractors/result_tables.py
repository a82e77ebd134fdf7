"""A table of results (method × benchmark) as result cards, never as a raw pipe table.

One cloze note per row the author marks (**bold**) or that names the paper's own
method: ``MarginPO 的结果：`` then ``AlpacaEval 2 LC (%)：{{c1::31.2}}（DPO 25.4）``,
a blank per benchmark and the closest other row of the table beside it as baseline.
"""

from __future__ import annotations

import re

from ...notes import strip_marks
from ...text import split_sentences
from ..context import PaperContext
from ..fronts import names_paper
from ..model import Item, short_hash
from .clauses import paper_name
from .walk import content_blocks

_VALUE = re.compile(r"^[~≈<>±]?\s*(\d[\d,]*(?:\.\d+)?)\s*(?:%|×|x|[KMBk]|s|ms|cm|m/s)?$")
MAX_BLANKS = 9            # c1…c9, like an enumeration


def extract(pc: PaperContext):
    name = paper_name(pc)
    names = [n for n in (name, pc.info.short, *pc.info.methods) if n]
    blocks = [b for b, _, _ in content_blocks(pc.paper)]
    for at, block in enumerate(blocks):
        if block.kind != "table" or block.line in pc.consumed:
            continue
        pc.consumed.add(block.line)
        header, rows = (block.rows[0], block.rows[1:]) if block.rows else ([], [])
        if len(header) < 2 or not all(strip_marks(c) for c in header[1:]):
            pc.ctx.note(pc.paper.file, block.line, "table without a header: not carded")
            continue
        own = [r for r in rows if _marked(r, names)]
        if not own:
            header, rows, own = by_columns(header, rows, names, pc)
        if not own:
            pc.ctx.note(pc.paper.file, block.line, "table with no row in bold or naming the paper's method: "
                        "not carded")
            continue
        others = [r for r in rows if r not in own]
        caption = caption_of(blocks, at)
        if caption:
            pc.consumed.add(blocks[at + 1].line)      # said on the table's cards: no card of its own
        for row in own:
            item = _row_card(pc, name, names, header, row, others, block.line, caption)
            if item:
                yield item


def by_columns(header: list[str], rows: list[list[str]], names: list[str], pc: PaperContext):
    """The table turned so that its methods are rows, when they are its columns (``| 任务 |
    指标 | SFT | RLHF | RLAIF |``): (header, rows, own rows). A column is the paper's own
    when its header is in bold, names the paper, or is a word of the paper's short name (before
    its "vs.") that no other paper uses (RLAIF in "RLAIF vs. RLHF"). The leading columns without numbers label
    the new columns ("摘要（相对 SFT 的胜率）"). Nothing turned when no column is the paper's."""
    width = len(header)
    labels = 0
    while labels < width - 1 and all(value_of(r[labels]) is None for r in rows if labels < len(r)):
        labels += 1
    if labels == 0:
        return header, rows, []
    # "RLAIF vs. RLHF": what the paper puts first is its own, the rest what it compares with
    short_words = set(re.findall(r"[\w-]+", re.split(r"\s+(?:vs\.?|versus|对比)\s+", pc.info.short or "")[0]))

    def own(cell: str) -> bool:
        plain = strip_marks(cell)
        return "**" in cell or names_paper(plain, names) or (
            plain in short_words and plain.casefold() not in pc.ctx.furniture and plain not in pc.ctx.common)

    def label(row: list[str]) -> str:
        cells = [strip_marks(c) for c in row[:labels] if strip_marks(c)]
        return cells[0] + (f"（{'，'.join(cells[1:])}）" if cells[1:] else "") if cells else ""

    turned_header = ["", *(label(r) for r in rows)]
    turned = [[header[j], *(r[j] if j < len(r) else "" for r in rows)] for j in range(labels, width)]
    mine = [t for t in turned if own(t[0])]
    return (turned_header, turned, mine) if mine else (header, rows, [])


def _marked(row: list[str], names: list[str]) -> bool:
    """The paper's own row: its label in bold or naming the method. A bold cell in another
    row marks the best of a column, not the paper's result."""
    return "**" in row[0] or names_paper(strip_marks(row[0]), names)


NEAR_TIE = 0.05           # a result within 5 % of its baseline is not worth a card (7.6 vs 7.3)


def _worth_asking(row: list[str], j: int, value: float, base: list[str] | None) -> bool:
    """A cell the author marked (when the row marks any), clearly apart from its baseline."""
    if any("**" in cell for cell in row[1:]) and "**" not in row[j]:
        return False
    other = value_of(base[j]) if base else None
    return other is None or abs(value - other) > NEAR_TIE * max(abs(other), 1e-9)


def value_of(cell: str) -> float | None:
    m = _VALUE.match(strip_marks(cell))
    return float(m.group(1).replace(",", "")) if m else None


MAX_CAPTION = 60          # characters: a longer paragraph beside a table is prose, not its caption


def caption_of(blocks: list, at: int) -> str:
    """What the table's numbers are, when the author says it in a short line right under
    the table (``胜率(%)为相对 SFT 的 GPT-4 评判胜率。``): a row's ``Noise 20%：58.4`` says
    nothing without it. The paragraph above a table is the section's prose (an
    explanation, a 用大白话说), not a caption."""
    if at + 1 < len(blocks) and blocks[at + 1].kind == "paragraph" and not _PLAIN_WORDS.match(blocks[at + 1].text):
        first = split_sentences(strip_marks(blocks[at + 1].text).replace("\n", " "))[:1]
        if first and len(first[0]) <= MAX_CAPTION and not first[0].rstrip().endswith(("：", ":")):
            return first[0].strip().rstrip("。.")
    return ""


_PLAIN_WORDS = re.compile(r"\s*\*\*用大白话说\*\*")


def _row_card(pc: PaperContext, name: str, names: list[str], header: list[str], row: list[str],
              others: list[list[str]], line: int, caption: str = "") -> Item | None:
    method = strip_marks(row[0])
    who = method if names_paper(method, names) else f"{name} — {method}"
    lines, answers = [f"{who} 的结果" + (f"（{caption}）" if caption else "") + "："], set()
    for j in range(1, min(len(header), len(row))):
        value = value_of(row[j])
        shown = strip_marks(row[j])
        if value is None or shown in answers or len(answers) >= MAX_BLANKS:
            continue
        base = _baseline(others, j, value)
        if not _worth_asking(row, j, value, base):
            continue
        answers.add(shown)
        beside = f"（{strip_marks(base[0])} {strip_marks(base[j])}）" if base else ""
        lines.append(f"- {strip_marks(header[j])}：{{{{c{len(answers)}::{shown}}}}}{beside}")
    if not answers:
        return None
    text = "\n".join(lines)
    return Item(id=f"{pc.info.key}/cloze/{short_hash(strip_marks(lines[0]))}", kind="cloze", paper=pc.info.key,
                fields={"text": text, "hint": ""}, source=pc.where(line))


def _baseline(others: list[list[str]], j: int, value: float) -> list[str] | None:
    """The other row closest to ``value`` in column ``j``: the comparison that matters."""
    scored = [(abs(v - value), k, r) for k, r in enumerate(others)
              if j < len(r) and (v := value_of(r[j])) is not None and strip_marks(r[0])]
    return min(scored)[2] if scored else None
