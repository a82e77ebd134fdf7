"""Paper facts: the English title and its 中文标题 (carded both ways)."""

from __future__ import annotations

from ..context import PaperContext
from ..model import Item


def extract(pc: PaperContext):
    paper = pc.paper
    if paper.title and paper.title_zh:
        yield Item(id=f"{pc.info.key}/paper/title", kind="paper", paper=pc.info.key,
                   fields={"english": paper.title, "chinese": paper.title_zh},
                   source=pc.where(paper.line))
