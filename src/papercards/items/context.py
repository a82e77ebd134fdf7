"""What every extractor may look at besides the paper itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import re
from functools import cached_property, lru_cache

from ..config import Config
from ..diagnostics import Diagnostic
from ..notes import Paper
from .model import PaperInfo


@dataclass
class Glossary:
    """Terms known across all papers: what segmentation keeps whole and clozes prefer."""
    words: set[str] = field(default_factory=set)      # every surface form (abbr, en, zh)


@dataclass
class Context:
    config: Config
    glossary: Glossary = field(default_factory=Glossary)
    chinese_of: dict[str, str] = field(default_factory=dict)    # term label → its 中文 name
    # a term's name (casefolded) → its names in the other language (Nash equilibrium → 纳什均衡)
    other_names: dict[str, set[str]] = field(default_factory=dict)
    common: set[str] = field(default_factory=set)               # terms in two papers or more
    widespread: set[str] = field(default_factory=set)           # terms in three papers or more
    furniture: set[str] = field(default_factory=set)            # names most papers use (casefolded)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    keyword_users: dict[str, set[str]] = field(default_factory=dict)   # casefolded keyword → paper keys
    # casefolded names of the keyword acronyms the notes expand (KTO = Kahneman-Tversky
    # Optimization): a blank may ask one inside a list; a bare name (GSM8K, MT-Bench) may not
    named_terms: set[str] = field(default_factory=set)
    # a sentence (`sentence_key`) → the papers that hold it, its owner first (`slips`): the
    # abstracts' sentences, then the sections'; text pasted under another paper is carded once
    abstract_owners: dict[str, list[str]] = field(default_factory=dict)
    # memo(step, fn): ``fn`` with its results kept by its arguments across builds (the build's
    # cache, `BuildCache.step`), for work across papers that depends only on what it is given
    memo: Callable[[str, Callable], Callable] = field(default=lambda step, fn: fn, repr=False)

    @cached_property
    def segmenter(self):
        """One jieba-backed segmenter for the whole build, taught the glossary."""
        from ..text import Segmenter
        return Segmenter(sorted(self.glossary.words, key=lambda w: (-len(w), w)))

    @cached_property
    def specific_terms(self) -> frozenset[str]:
        """Glossary words not used all over the deck (DPO in a DPO deck) nor known to everyone
        (RL): what clozes may blank.
        Read after the survey, like `segmenter`: the glossary is complete by then."""
        knows = self.config.glossary.knows
        return frozenset(t for t in self.glossary.words if t not in self.widespread and not knows(t))

    @cached_property
    def term_finder(self):
        """`specific_terms` of two characters or more, as exact substrings of a text."""
        from ..text.termfind import TermFinder
        return TermFinder(t for t in self.specific_terms if len(t) >= 2)

    @cached_property
    def loose_term_finder(self):
        """`specific_terms` that may match a text under `term_pattern` (spacing, case)."""
        from ..text.termfind import TermFinder, loose_key
        return TermFinder(self.specific_terms, key=loose_key)

    def warn(self, file: str, line: int, message: str) -> None:
        self.diagnostics.append(Diagnostic(file, line, message))

    def note(self, file: str, line: int, message: str) -> None:
        """Something the notes say that no card asks (a cue, a document): not a problem."""
        self.diagnostics.append(Diagnostic(file, line, message, "note"))


_NOT_ALNUM = re.compile(r"[\W_]+")


@lru_cache(maxsize=65536)
def sentence_key(text: str) -> str:
    """A sentence compared as pasted text: letters, digits and CJK only, case folded.
    (Cached: the paste checks ask for the same sentences many times.)"""
    return _NOT_ALNUM.sub("", text.casefold())


@dataclass
class PaperContext:
    """Per-paper state shared by the extractors of one paper, in chain order."""
    paper: Paper
    info: PaperInfo
    ctx: Context
    consumed: set[int] = field(default_factory=set)   # source lines an earlier rule already used
    methods: list = field(default_factory=list)       # paperinfo.Method, found in the first pass
    # its keyword acronyms the title spells out (DPOP under "…with DPO-Positive"): its own
    # method's name, which a blank on the paper's card asks nothing about
    title_acronyms: list[str] = field(default_factory=list)
    # what its own names (short name, methods) stand for, in English and 中文: a blank on one
    # is answered by the name on the front (`blanks.expands_own_name`)
    long_names: list[str] = field(default_factory=list)
    abstract_en: list[tuple[str, int]] = field(default_factory=list)   # (sentence, line)
    abstract_zh: list[tuple[str, int]] = field(default_factory=list)
    # the sentences of its sections (sentence, line): found once, in the first pass, which
    # the build keeps per paper, for the pasted-text checks across papers (`slips`)
    section_sentences: list[tuple[str, int]] = field(default_factory=list)
    # the names it uses (`blanks.names_in`) and how well its Chinese abstract translates its
    # English one (`slips.own_agreement`): first-pass facts of the paper alone, kept with them
    names: set[str] = field(default_factory=set)
    own_agreement: float | None = None
    # its English abstract's sentences paired with its Chinese one's (`text.align_sentences`,
    # found in the first pass): the abstract extractor cards the same pairs, unless some
    # sentences were pasted from another paper (aligning costs a tenth of a cold build)
    abstract_pairs: list[tuple[str, str, float]] = field(default_factory=list)
    claim_answers: set[str] = field(default_factory=set)  # Q&A answers and enumeration items carded
    earlier: list = field(default_factory=list)            # items the rules before this one made

    def own_names(self) -> list[str]:
        """The names the paper goes by on its cards: its short name and its methods' (a
        blank on one asks nothing, the front says it)."""
        return [self.info.short or "", *(m.name for m in self.methods)]

    def where(self, line: int) -> str:
        return f"{self.paper.file}:{line}"

    def pasted_from(self, sentence: str) -> str | None:
        """The paper this sentence belongs to (its abstract's, or the first to say it),
        when it is not this paper."""
        owners = self.ctx.abstract_owners.get(sentence_key(sentence), [])
        return owners[0] if owners and owners[0] != self.info.key else None
