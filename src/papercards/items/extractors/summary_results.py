"""The numbers of the one-line summary (``一句话总结``) as result clozes.

The summary itself is the paper's summary card (`summary`); a clause of it with a
number (``…长度控制胜率从 DPO 的 25.4% 提升到 **31.2%**``) is also asked on its own.
"""

from __future__ import annotations

from ...notes import SUMMARY
from ...text import split_sentences
from ..context import PaperContext
from .claims import _join
from .prose_facts import sentence_clozes


def extract(pc: PaperContext):
    for section in pc.paper.sections_by(SUMMARY):
        for block in section.blocks:
            if block.kind == "paragraph":
                for sentence in split_sentences(_join(block.text)):
                    yield from sentence_clozes(pc, sentence, block.line, numbers_only=True)
