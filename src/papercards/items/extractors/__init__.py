"""The extractor chain: one small module per rule, run in this order for each paper.

Like markdown-it's rule chains: each rule sees the paper, the shared context
and what earlier rules consumed (a line used as a definition is not also a
claim), and yields items. Add a rule by adding a module and a line here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..context import PaperContext
from ..model import Item
from . import (abstract, bold_definitions, claims, cloze, definitions, facts, list_facts, methods, plain_idea,
               prose_facts, qa_pairs, result_tables, summary, summary_results, unreported)

Rule = Callable[[PaperContext], Iterable[Item]]

RULES: list[tuple[str, Rule]] = [
    ("paper", facts.extract),          # title ↔ 中文标题
    ("method", methods.extract),       # NS-DPO → the paper that proposes it
    ("author Q&A", qa_pairs.extract),  # **Q:** … **A:** … → the author's question and its answer
    ("summary", summary.extract),      # 一句话： one-line summary
    ("definition", definitions.extract),  # "COV是指 …", "X是一种 …"
    ("claim", claims.extract),         # #### sub-heading → its bullets
    ("cloze", cloze.extract),          # key sentences with blanks on whole words
    ("sentence", abstract.extract),    # aligned English/中文 abstract sentences
]

# One paper per file (``# 简称：中文标题`` then numbered ``##`` sections of long prose):
# a section is cut into facts, clause by clause, instead of one card per sub-heading.
DOCUMENT_RULES: list[tuple[str, Rule]] = [
    ("paper", facts.extract),
    ("method", methods.extract),
    ("author Q&A", qa_pairs.extract),          # **Q:** … **A:** …
    ("summary", summary.extract),              # 一句话总结: the summary card
    ("summary result", summary_results.extract),   # …and its numbers as clozes
    ("definition", definitions.extract),
    ("plain words", plain_idea.extract),       # **用大白话说**：… → what is the idea of X
    ("bold definition", bold_definitions.extract),  # **term**：definition
    ("result table", result_tables.extract),   # a bold row or the paper's method → its numbers
    ("list", list_facts.extract),              # a list → an enumeration
    ("prose", prose_facts.extract),            # a clause with bold or a number → a cloze
    ("sentence", abstract.extract),
    ("unreported", unreported.extract),        # what is left: reported with its reason
]


def rules_for(paper) -> list[tuple[str, Rule]]:
    """The chain for a paper: a paper that is the whole file (its heading is the H1) is prose."""
    return DOCUMENT_RULES if paper.level == 1 else RULES
