"""Question generators, one module per question type, run in this order.

Like the extractor chain in `papercards.items`: each generator reads the pool
and yields every fair `Candidate` of its type; `papercards.quiz.compose`
picks from them. Add a type by adding a module and a line here.
"""

from __future__ import annotations

from collections.abc import Callable

from . import cloze, match, mcq, tf
from .base import Candidate, Ctx

Generator = Callable[[Ctx], list[Candidate]]

GENERATORS: list[tuple[str, Generator]] = [
    ("mcq", mcq.generate),        # one right option, three of the same kind
    ("cloze", cloze.generate),    # fill in the blank: whole jieba words
    ("match", match.generate),    # 5–8 terms ↔ their 中文 names
    ("tf", tf.generate),          # true/false where a false statement is safe to make
]

__all__ = ["GENERATORS", "Candidate", "Ctx"]
