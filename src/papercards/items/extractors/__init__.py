"""The extractor chain: one small module per rule, run in this order for each paper.

Like markdown-it's rule chains: each rule sees the paper, the shared context
and what earlier rules consumed (a line used as a definition is not also a
claim), and yields items. Add a rule by adding a module and a line here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..context import PaperContext
from ..model import Item
from . import abstract, claims, cloze, definitions, facts, methods, summary

Rule = Callable[[PaperContext], Iterable[Item]]

RULES: list[tuple[str, Rule]] = [
    ("paper", facts.extract),          # title ↔ 中文标题
    ("method", methods.extract),       # NS-DPO → the paper that proposes it
    ("summary", summary.extract),      # 一句话： one-line summary
    ("definition", definitions.extract),  # "COV是指 …", "X是一种 …"
    ("claim", claims.extract),         # #### sub-heading → its bullets
    ("cloze", cloze.extract),          # key sentences with blanks on whole words
    ("sentence", abstract.extract),    # aligned English/中文 abstract sentences
]
