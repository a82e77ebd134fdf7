"""Chinese/English word segmentation: jieba, made lazy, quiet, and aware of the notes' terms.

Why a wrapper and not ``jieba.cut``:

* **lazy** – jieba is imported and its dictionary loaded on the first
  ``cut`` (≈0.3 s), never when ``papercards`` is imported, so commands that do
  not segment stay fast;
* **quiet** – jieba logs "Building prefix dict…" to stderr at DEBUG level; its
  logger is set to WARNING before the dictionary is loaded;
* **one dictionary load per process** – a private ``jieba.Tokenizer`` (not the
  global one, which other code may mutate) is built once and shared by every
  ``Segmenter``; loading it again per instance would cost ≈0.3 s each;
* **terms stay whole** – names like ``NS-DPO``, ``Dr. DPO``, ``RLHF/PPO``,
  ``multi-armed bandit`` contain spaces, dots, slashes or hyphens, which
  jieba's dictionary cannot hold. Every known term is therefore *masked*:
  occurrences are replaced by a private-use placeholder character (longest term
  first), jieba cuts the rest, and the placeholders are turned back into the
  original text. Chinese terms (直接偏好优化) are masked the same way instead of
  being added with ``add_word``: masking guarantees the term comes out whole
  (a high frequency only makes it likely), costs nothing per instance, and
  keeps each Segmenter's words to itself, since the shared dictionary is never
  modified.

HMM is on. Measured on the shipped notes (every line with Chinese, cut both
ways and diffed): HMM keeps numbers with units whole (``4.5%``, ``3.0%``;
without it ``4 . 5 %``) and joins ten out-of-dictionary words the plain
dictionary cut leaves as single characters (近端, 后验, 隐式, 显式, 多臂,
鲁棒, 最坏, 这一, 显着), against six wrong joins, all a function character
glued to a neighbour (集来, 集上, 但预, 仍会, 其抗, 中起), which the cloze
refuses to blank. Everything else is cut identically.

Cost: the first ``cut`` in a process imports jieba (≈0.1 s) and loads its
dictionary: ≈0.2 s from papercards' own cache (`jiebadict`), ≈0.7 s the
first time on a machine, as jieba loads it; afterwards the whole shipped
notes file segments in ≈30 ms.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from .lang import CJK_RE
from .termfind import TermFinder, loose_key

_base: Any = None
_MEMO_SIZE = 50_000
_base_lock = threading.Lock()

# Placeholders come from the private-use area, which jieba never joins to a
# neighbour: characters outside its "Han/alnum" class are emitted one by one.
_PUA_FIRST, _PUA_LAST = 0xE000, 0xF8FF


def base_tokenizer():
    """The process-wide jieba tokenizer with the default dictionary, loaded on first use."""
    global _base
    if _base is None:
        with _base_lock:
            if _base is None:
                jieba = _import_jieba()
                from .jiebadict import load_dictionary
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                load_dictionary(tokenizer, jieba)     # papercards' cache: 0.2 s, not jieba's 0.7 s
                _base = tokenizer
    return _base


def _import_jieba():
    """jieba, imported without setuptools' pkg_resources (0.1 s of every build): jieba
    only uses it to open its own files, and opens them by path when it is missing."""
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None         # `import pkg_resources` raises ImportError
    try:
        import jieba  # deferred: loading jieba is the slow part
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    return jieba


def word_frequency(word: str) -> int:
    """How often jieba's dictionary has seen ``word`` (0 if unknown): a cheap rarity measure."""
    return base_tokenizer().FREQ.get(word, 0) or 0


def dictionary_total() -> int:
    """Sum of all dictionary frequencies (the denominator for ``word_frequency``)."""
    return base_tokenizer().total


def _is_alnum_ascii(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@lru_cache(maxsize=8192)
def term_regex(term: str) -> re.Pattern[str]:
    """``term_pattern`` compiled once per term (re's own cache holds only 512 patterns)."""
    return re.compile(term_pattern(term))


def term_pattern(term: str) -> str:
    """Regex for one term: flexible inner whitespace, Latin edges not glued to letters."""
    parts = [re.escape(p) for p in term.split()]
    body = r"\s+".join(parts)
    # Acronyms and symbols (DPO, NS-DPO, RLHF/PPO) are matched case-sensitively,
    # so the term "UNA" does not hit "una"; names with lowercase letters
    # (multi-armed bandit, Direct Preference Optimization) are not.
    if any(ch.islower() for ch in term):
        body = f"(?i:{body})"
    if _is_alnum_ascii(term[0]):
        body = r"(?<![A-Za-z0-9])" + body
    if _is_alnum_ascii(term[-1]):
        # a footnote digit may follow a word (NS-DPO1), but not a letter (LLMs)
        body += r"(?![A-Za-z0-9])" if term[-1].isdigit() else r"(?![A-Za-z])"
    return body


class Segmenter:
    """Cuts mixed Chinese/English text into tokens that concatenate back to the input.

    ``terms`` are kept as single tokens wherever they occur. Terms shorter
    than two characters are ignored (masking one character would cut words
    apart everywhere).
    """

    def __init__(self, terms: Iterable[str] = (), *, hmm: bool = True):
        self.hmm = hmm
        self._terms: set[str] = set()
        self._finder: TermFinder | None = None
        self._normalized: frozenset[str] | None = None
        self._memo: dict[str, tuple[str, ...]] = {}
        self.add_terms(terms)

    @property
    def terms(self) -> frozenset[str]:
        return frozenset(self._terms)

    def add_terms(self, terms: Iterable[str]) -> None:
        """Make each term come out as one token from now on (this Segmenter only)."""
        if isinstance(terms, str):
            terms = [terms]
        for term in terms:
            term = " ".join(unicodedata.normalize("NFC", term).split())
            if len(term) >= 2:
                self._terms.add(term)
        self._finder = self._normalized = None
        self._memo = {}

    def normalized_terms(self) -> frozenset[str]:
        """``normalize(term)`` of every term, computed once (the cloze asks per sentence)."""
        if self._normalized is None:
            from .lang import normalize
            self._normalized = frozenset(normalize(t) for t in self._terms)
        return self._normalized

    def with_terms(self, terms: Iterable[str]) -> "Segmenter":
        """A new Segmenter knowing this one's terms plus ``terms`` (cheap: no reload)."""
        other = Segmenter(self._terms, hmm=self.hmm)
        other.add_terms(terms)
        return other

    def _term_spans(self, text: str) -> list[tuple[int, int]]:
        """Where the terms occur, exactly as one regex alternation of every term
        (longest first, then alphabetical) scanning left to right would find them.

        Not one alternation: with thousands of terms it tries each of them at every
        character of every text. Instead a `TermFinder` picks the few terms that can
        occur in this text, each is searched with its own compiled pattern, and the
        alternation's choice is replayed: at the leftmost start, the first term in
        that order wins, and the scan goes on after its end.
        """
        if not self._terms:
            return []
        if self._finder is None:
            self._finder = TermFinder(self._terms, key=loose_key)
        first_end: dict[int, int] = {}          # start -> end of the first term (in order) there
        for term in sorted(self._finder.found_in(text), key=lambda t: (-len(t), t)):
            rx = term_regex(term)
            m = rx.search(text)
            while m:
                first_end.setdefault(m.start(), m.end())
                m = rx.search(text, m.start() + 1)
        spans, pos = [], 0
        for start in sorted(first_end):
            if start >= pos:
                spans.append((start, first_end[start]))
                pos = first_end[start]
        return spans

    def cut(self, text: str) -> list[str]:
        """Tokens of ``text``; ``"".join(result) == text`` always holds.

        Remembered per Segmenter (up to `_MEMO_SIZE` texts): the same short
        texts (a paper's name, its methods) are cut for every sentence.
        """
        if not text:
            return []
        known = self._memo.get(text)
        if known is None:
            known = tuple(self._cut(text))
            if len(self._memo) < _MEMO_SIZE:
                self._memo[text] = known
        return list(known)

    def _cut(self, text: str) -> list[str]:
        tokenizer = base_tokenizer()
        originals: list[str] = []
        masked, mark = text, ""
        spans = self._term_spans(text)
        if spans:
            mark = _free_placeholder(text)
            pieces, last = [], 0
            for start, end in spans:
                pieces.append(text[last:start])
                pieces.append(mark)
                originals.append(text[start:end])
                last = end
            pieces.append(text[last:])
            masked = "".join(pieces)
        tokens = tokenizer.lcut(masked, HMM=self.hmm)
        if not originals:
            return tokens
        restored = iter(originals)
        return [next(restored) if tok == mark else tok for tok in tokens]

    def words(self, text: str) -> list[str]:
        """Content-bearing tokens: the cut without whitespace and punctuation-only tokens."""
        return [tok for tok in self.cut(text) if is_word(tok)]

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, token)`` for every token of ``cut(text)``."""
        out, pos = [], 0
        for tok in self.cut(text):
            out.append((pos, pos + len(tok), tok))
            pos += len(tok)
        return out


def _free_placeholder(text: str) -> str:
    for cp in range(_PUA_FIRST, _PUA_LAST + 1):
        ch = chr(cp)
        if ch not in text:
            return ch
    raise ValueError("text uses every private-use character; cannot mask terms")


def is_word(token: str) -> bool:
    """True when a token has a letter, digit or CJK character (not space or punctuation)."""
    return any(ch.isalnum() or CJK_RE.match(ch) for ch in token)


_default: Segmenter | None = None


def words(text: str) -> list[str]:
    """Content tokens of ``text`` with a term-less Segmenter (see ``Segmenter.words``)."""
    global _default
    if _default is None:
        _default = Segmenter()
    return _default.words(text)


_pos: Any = None


def pos_tags(text: str) -> list[tuple[str, str]]:
    """``(word, part of speech)`` pairs from jieba's tagger (``v`` verb, ``a`` adjective, ``n`` noun…).

    Loaded on first use only (≈0.4 s): few builds need it, and those only for the odd
    heading that might be a sentence rather than a topic."""
    global _pos
    if _pos is None:
        import jieba.posseg
        base = base_tokenizer()          # takes `_base_lock` itself: not under it
        with _base_lock:
            _pos = _pos or _tagger(jieba.posseg, base)
    return [(pair.word, pair.flag) for pair in _pos.cut(text)]


def _tagger(posseg: Any, base: Any) -> Any:
    """jieba's tagger over ``base``. Importing ``jieba.posseg`` already read the words' tags
    from the default dictionary (its own tagger, ``posseg.dt``): a tagger over ``base``, which
    has that dictionary, takes the same table instead of reading the 350,000 lines again
    (0.17 s of every process that tags). The table is only read: papercards adds no words."""
    if base.dictionary != posseg.dt.tokenizer.dictionary:
        return posseg.POSTokenizer(base)
    tagger = object.__new__(posseg.POSTokenizer)
    tagger.tokenizer, tagger.word_tag_tab = base, posseg.dt.word_tag_tab
    return tagger
