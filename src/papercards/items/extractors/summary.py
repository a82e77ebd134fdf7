"""The author's one-line summary: ``一句话：…`` anywhere, or a summary section."""

from __future__ import annotations

import re

from ...notes import SUMMARY
from ..context import PaperContext
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
        yield Item(id=f"{pc.info.key}/summary/one-line", kind="summary", paper=pc.info.key,
                   fields={"summary": text}, source=pc.where(found[0][1]))
