"""The author's one-line summary: ``一句话：…`` anywhere, or a summary section."""

from __future__ import annotations

import re

from ...notes import SUMMARY, strip_marks
from ...text import split_sentences
from ..context import PaperContext
from ..judge import MAX_ANSWER
from ..model import Item

_ONE_LINE = re.compile(r"^\s*(?:\*\*)?(?:一句话(?:总结|概括)?|TL;?DR|One[- ]line(?: summary)?)(?:\*\*)?\s*[:：]\s*(?:\*\*)?\s*",
                       re.I)


def extract(pc: PaperContext):
    found: list[tuple[str, int]] = []
    for section in pc.paper.sections:
        blocks = [(b, section) for b in section.blocks]
        blocks += [(b, section) for sub in section.subsections for b in sub.blocks]
        for block, sec in blocks:
            if block.kind != "paragraph":
                continue
            m = _ONE_LINE.match(block.text)
            if m:
                text = block.text[m.end():].strip()
                if text:
                    found.append((text, block.line))
                    pc.consumed.add(block.line)
            elif sec.role == SUMMARY:
                found.append((block.text.strip(), block.line))
                pc.consumed.add(block.line)
    if found:
        text = " ".join(t for t, _ in found).replace("\n", " ")
        summary = Item(id=f"{pc.info.key}/summary/one-line", kind="summary", paper=pc.info.key,
                       fields={"summary": text}, source=pc.where(found[0][1]))
        if pc.paper.level != 1:         # a document's summary is cut after its results left it (`summary_results`)
            fit(pc, summary, found[0][1])
        yield summary


def fit(pc: PaperContext, summary: Item, line: int) -> None:
    """Cut a summary too long for one card; what it leaves off is reported (a TL;DR says
    again what the paper's sections say: asked from there, its clauses were the same fact
    twice, cut from the sentence that said whose fact it was)."""
    summary.fields["summary"], rest = _leading_sentences(summary.fields["summary"])
    if rest:
        pc.ctx.note(pc.paper.file, line, f"{len(rest)} sentence(s) of the one-line summary are too much for its "
                    "card: not carded (its first sentences are)")


def _leading_sentences(text: str) -> tuple[str, list[str]]:
    """A summary too long for one card (a TL;DR paragraph of several facts) answers with
    its leading sentences up to `MAX_ANSWER` (at least the first): (those, the rest)."""
    if len(strip_marks(text)) <= MAX_ANSWER:
        return text, []
    sentences = split_sentences(text)
    n = 1
    while n < len(sentences) and len(strip_marks(" ".join(sentences[:n + 1]))) <= MAX_ANSWER:
        n += 1
    return " ".join(sentences[:n]), sentences[n:]
