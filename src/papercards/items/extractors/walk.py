"""Walking the content of a paper as (text, line, heading) units."""

from __future__ import annotations

from ...notes import ABSTRACT, KEYWORDS, LINKS, Paper

SKIP_ROLES = (KEYWORDS, LINKS, ABSTRACT)


def content_texts(paper: Paper):
    """(text, line, sub-heading, "paragraph"|"item") for the content sections."""
    for section in paper.sections:
        if section.role in SKIP_ROLES:
            continue
        units = [(section.heading, b) for b in section.blocks]
        units += [(sub.heading, b) for sub in section.subsections for b in sub.blocks]
        for heading, block in units:
            if block.kind == "paragraph":
                yield block.text, block.line, heading, "paragraph"
            elif block.kind == "list":
                for _, item in block.walk_items():
                    if item.text.strip():
                        yield item.text, item.line, heading, "item"
