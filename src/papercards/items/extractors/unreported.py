"""Nothing the author wrote is dropped silently: every block of a one-paper-per-file
note that no rule carded is reported (level note) with its line and why."""

from __future__ import annotations

from ...notes import REFERENCES
from ..context import PaperContext
from .prose_facts import is_prose
from .walk import content_blocks, report_setup


def extract(pc: PaperContext):
    for section in pc.paper.sections_by(REFERENCES):
        pc.ctx.note(pc.paper.file, section.line, f"reference list '{section.heading}' is not carded")
    report_setup(pc)
    for block, heading, _ in content_blocks(pc.paper):
        if block.line not in pc.consumed:
            pc.ctx.note(pc.paper.file, block.line, f"{_reason(block)} is not carded (under '{heading}')")
    return ()


def _reason(block) -> str:
    if block.kind == "code":
        return "code block"
    if block.kind == "html":
        return "raw HTML block"
    if block.kind == "quote":
        return "quote"
    if block.kind == "paragraph" and block.text.strip().startswith("!["):
        return "image"
    if block.kind == "paragraph" and not is_prose(block.text):
        return "formula"
    return f"{block.kind} with nothing to ask"
