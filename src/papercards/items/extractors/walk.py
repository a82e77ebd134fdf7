"""Walking the content of a paper as (text, line, heading) units."""

from __future__ import annotations

from ...notes import ABSTRACT, GLOSSARY, KEYWORDS, LINKS, REFERENCES, Paper
from ..fronts import is_commentary, is_setup


def not_carded(heading: str) -> bool:
    """A part that holds setup details (`fronts.is_setup`) or the author's own view
    (`fronts.is_commentary`): reported once, never carded."""
    return is_setup(heading) or is_commentary(heading)

SKIP_ROLES = (KEYWORDS, GLOSSARY, LINKS, ABSTRACT, REFERENCES)   # a reference list is never a term nor a card


def content_texts(paper: Paper):
    """(text, line, sub-heading, "paragraph"|"item") for the content sections."""
    for section in paper.sections:
        if section.role in SKIP_ROLES:
            continue
        units = [(section.heading, b) for b in section.blocks if not not_carded(section.heading or "")]
        units += [(sub.heading, b) for sub in section.subsections for b in sub.blocks
                  if not not_carded(sub.heading or section.heading or "")]
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
            if not not_carded(section.heading or ""):
                yield block, section.heading, False
        for sub in section.subsections:
            if not not_carded(sub.heading or section.heading or ""):
                for block in sub.blocks:
                    yield block, sub.heading or section.heading, bool(sub.heading)


def setup_headings(paper: Paper):
    """(heading, line) of the parts never carded (`not_carded`): reported once each."""
    for section in paper.sections:
        if section.role in SKIP_ROLES:
            continue
        if section.heading and not_carded(section.heading):
            yield section.heading, section.line
        for sub in section.subsections:
            if sub.heading and not_carded(sub.heading):
                yield sub.heading, sub.line


def report_setup(pc) -> None:
    """Each part never carded (`setup_headings`) reported once where it stands."""
    for heading, line in setup_headings(pc.paper):
        why = ("holds setup details (epochs, learning rates, base models): what the paper was trained with, "
               "not what it found") if is_setup(heading) else "holds your own view of the paper, not its facts"
        pc.ctx.note(pc.paper.file, line, f"'{heading}' {why}; not carded")
