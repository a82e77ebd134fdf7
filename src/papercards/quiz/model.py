"""The quiz's domain model: what every generator makes and every renderer reads.

Question text is inline Markdown (as in ``cards/``); each renderer turns it into
its own form (HTML, Typst, plain text). A question is self-contained: a
renderer never looks at the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..items.model import PaperInfo

QUESTION_TYPES = ("mcq", "cloze", "match", "tf")
DIRECTIONS = ("en-zh", "zh-en", "mixed")
BLANK = "{{%d}}"              # cloze blanks in `Question.prompt`: {{1}}, {{2}}, … in reading order
BLANK_RE = re.compile(r"\{\{(\d+)\}\}")    # …and how renderers find them (group 1: the number)
TRUE_FALSE = ("True 对", "False 错")


@dataclass
class Question:
    id: str                   # stable across versions: "<type>-<hash of sources and prompt>"
    type: str                 # one of QUESTION_TYPES
    prompt: str               # inline Markdown; cloze: the sentence with {{1}}, {{2}} … blanks
    options: list[str] = field(default_factory=list)      # mcq: the choices (A, B, …); tf: TRUE_FALSE
    correct: list[int] = field(default_factory=list)      # mcq/tf: index of the right option(s)
    blanks: list[list[str]] = field(default_factory=list)  # cloze: accepted answers, per blank
    pairs: list[tuple[str, str]] = field(default_factory=list)  # match: true (left, right) pairs, left column order
    right_order: list[int] = field(default_factory=list)   # match: right column as shown, as indices into pairs
    sources: list[str] = field(default_factory=list)      # ids of the items in cards/ it was made from
    paper: str | None = None  # key of the paper the answer comes from (None: glossary)
    explanation: str = ""     # shown in the key: the true statement, the full sentence, …
    instructions: str = ""    # e.g. "Match each term with its Chinese name." (match questions)
    number: int = 0           # 1-based position in its quiz version

    def answer_letters(self) -> list[str]:
        """mcq/tf: the right options as letters (A, B, …)."""
        return [chr(ord("A") + i) for i in self.correct]

    def match_key(self) -> list[str]:
        """match: for each left item (in order) the letter of its partner in the right column."""
        return [chr(ord("A") + self.right_order.index(i)) for i in range(len(self.pairs))]


@dataclass
class QuizOptions:
    questions: int = 40
    types: tuple[str, ...] = QUESTION_TYPES
    papers: tuple[str, ...] = ()       # filters: key, title substring or method name; empty = all
    direction: str = "mixed"
    seed: int = 1
    versions: int = 1                  # A, B, …: same questions, other order, shuffled options
    title: str = ""
    fit: bool = False                  # fewer questions than asked when no more are fair (-n not given)


@dataclass
class Quiz:
    title: str
    version: str                        # "A", "B", …
    seed: int
    direction: str
    questions: list[Question]
    papers: dict[str, PaperInfo] = field(default_factory=dict)   # the papers questions come from

    def paper_label(self, key: str | None) -> str:
        """Short name of a paper for the answer key ("NS-DPO"), "Glossary" for terms."""
        if not key:
            return "Glossary 术语"
        info = self.papers.get(key)
        return (info.short or info.title) if info else key
