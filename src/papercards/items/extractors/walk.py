"""Walking the content of a paper as (text, line, heading) units."""

from __future__ import annotations

from ...notes import ABSTRACT, KEYWORDS, LINKS, REFERENCES, Paper

SKIP_ROLES = (KEYWORDS, LINKS, ABSTRACT, REFERENCES)   # a reference list is never a term nor a card


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


def content_blocks(paper: Paper):
    """(block, heading, under a sub-heading?) for every block of the content sections:
    the heading is the sub-heading it stands under, or its section's before any."""
    for section in paper.sections:
        if section.role in SKIP_ROLES:
            continue
        for block in section.blocks:
            yield block, section.heading, False
        for sub in section.subsections:
            for block in sub.blocks:
                yield block, sub.heading or section.heading, bool(sub.heading)
