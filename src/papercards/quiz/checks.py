"""What makes a question weak, as tests on text: giveaways, odd-one-out options.

A teacher's rules, made mechanical:

* the wording shown must not hand over the answer: a word the prompt shares
  with the right option and with none of the wrong ones is a giveaway
  ("Which paper proposes UNA?" — "UNA: Unifying Alignments …");
* no option stands out: all in the same language, none much longer or
  shorter than the rest;
* an acronym is never asked against its spelled-out form (initials answer it).
"""

from __future__ import annotations

import functools
import re

from ..text import is_stopword
from ..text.lang import CJK_CLASS, CJK_RE, has_cjk
from . import normalize

_EN_STOP = frozenset("""
a an the of in on at to for from by with and or as is are be was were this that these those it its
we our us via into than then which what who how why does do did not no can may paper method model
""".split())
STEM = 6                        # Latin words compare by their first six letters
_CJK_RUN = re.compile(f"[{CJK_CLASS}]{{2,}}")
_LATIN = re.compile(r"[A-Za-z0-9]+(?:[-.'/][A-Za-z0-9]+)*")


@functools.lru_cache(maxsize=1 << 16)   # every option is compared with every question of its kind
def lang(text: str) -> str:
    """"zh" when Chinese carries at least half the text (a character counts as two letters), else "en"."""
    s = normalize.plain(text)
    cjk = len(CJK_RE.findall(s))
    return "zh" if cjk and 2 * cjk >= len(re.findall(r"[A-Za-z]", s)) else "en"


def tokens(text: str, segmenter) -> frozenset[str]:
    """Content words: Latin words (whole and their hyphen parts, casefolded), Chinese words of 2+
    characters and Chinese character pairs."""
    return _tokens(text, segmenter)


@functools.lru_cache(maxsize=1 << 16)
def _tokens(text: str, segmenter) -> frozenset[str]:
    s = normalize.plain(text)
    out: set[str] = set()
    for m in _LATIN.finditer(s):
        word = m.group().casefold()
        parts = [word] + re.split(r"[-./']", word)
        for p in parts:
            if p and p not in _EN_STOP and (len(p) >= 2 or p.isdigit()):
                out.add(p[:STEM] if p.isalpha() else p)     # corrupted ~ corruption, stationary ~ stationarity
    for w in segmenter.words(s):
        if has_cjk(w) and len(w) >= 2 and not is_stopword(w):
            out.add(w)
    for run in _CJK_RUN.findall(s):            # bigrams too: jieba may cut 分布稳健性 and 分布稳健 apart
        for a, b in zip(run, run[1:]):
            if not (is_stopword(a) or is_stopword(b)):
                out.add(a + b)
    return frozenset(out)


def spelled_out(shown: str, text: str) -> bool:
    """An acronym of ``shown`` spelled out in ``text``: NS-DPO in "Non-Stationary DPO"."""
    initials = _initials(text)
    return any(letters in run for letters in _acronyms(shown) for run in initials)


@functools.lru_cache(maxsize=1 << 16)
def _acronyms(shown: str) -> tuple[str, ...]:
    """The acronyms of ``shown`` (3+ letters, casefolded, letters only)."""
    found = (re.sub(r"[^A-Za-z]", "", abbr).casefold() for abbr in _ACRONYM.findall(normalize.plain(shown)))
    return tuple(letters for letters in found if len(letters) >= 3)


_ACRONYM = re.compile(r"[A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z]*(?:[-. ]+[A-Za-z]*[A-Z][A-Za-z]*)*")


@functools.lru_cache(maxsize=1 << 16)
def _initials(text: str) -> tuple[str, ...]:
    """Per run of Latin words: first letters, acronyms kept whole ("Non-Stationary DPO" → "nsdpo")."""
    runs = []
    for run in re.findall(r"[A-Za-z][A-Za-z0-9'./ -]*", normalize.plain(text)):
        parts = [w for w in re.split(r"[\s\-/.]+", run) if w]
        runs.append("".join(w.casefold() if sum(c.isupper() for c in w) >= 2 else w[0].casefold()
                            for w in parts))
    return tuple(runs)


def gives_away(shown: str, answer: str, wrong: list[str], segmenter) -> bool:
    """True when a word of ``shown`` is in the answer and in none of the wrong options,
    or the answer alone spells out an acronym of ``shown``."""
    if spelled_out(shown, answer) and not any(spelled_out(shown, w) for w in wrong):
        return True
    seen = tokens(shown, segmenter)
    in_answer = seen & tokens(answer, segmenter)
    if not in_answer:
        return False
    in_wrong: set[str] = set()
    for w in wrong:
        in_wrong |= tokens(w, segmenter)
    return bool(in_answer - in_wrong)


def odd_one_out(answer: str, wrong: list[str]) -> bool:
    """The answer is the only one in its language, or much longer/shorter than every wrong option."""
    if any(lang(w) != lang(answer) for w in wrong):
        return True
    n = len(normalize.plain(answer))
    lens = sorted(len(normalize.plain(w)) for w in wrong)
    median = lens[len(lens) // 2]
    return n > 1.4 * lens[-1] + 4 or n < lens[0] / 1.4 - 4 or n > 2 * median + 4 or n < 0.5 * median - 4


def is_acronym_of(abbr: str, text: str) -> bool:
    """True when ``abbr`` (COV, UNA, NS-DPO) can be read off the initials of ``text``."""
    letters = re.sub(r"[^A-Za-z]", "", abbr).casefold()
    if not letters or len(letters) > 8 or has_cjk(text):
        return False
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", text)).casefold()
    caps = "".join(re.findall(r"[A-Z]", text)).casefold()
    return letters in (initials, caps) or _subsequence(letters, caps)


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return len(short) >= 2 and all(ch in it for ch in short)


def latin(text: str) -> set[str]:
    """The Latin words of a text (casefolded, with their hyphen parts)."""
    out: set[str] = set()
    for m in _LATIN.finditer(normalize.plain(text)):
        word = m.group().casefold()
        out.update(p for p in [word] + re.split(r"[-./']", word) if p and p not in _EN_STOP)
    return out


def common_tokens(texts: list[str], segmenter, at_least: int = 3) -> set[str]:
    """Tokens found in ``at_least`` of the texts: too common to give anything away."""
    counts: dict[str, int] = {}
    for t in texts:
        for tok in tokens(t, segmenter):
            counts[tok] = counts.get(tok, 0) + 1
    return {tok for tok, n in counts.items() if n >= at_least}


@functools.lru_cache(maxsize=1 << 16)
def codes(text: str) -> frozenset[str]:
    """Acronyms and numbers (DPO, KTO, 3D): words a translation keeps as they are."""
    out: set[str] = set()
    for m in _LATIN.finditer(normalize.plain(text)):
        for p in re.split(r"[-./']", m.group()):
            if sum(c.isupper() for c in p) >= 2 or any(c.isdigit() for c in p):
                out.add(p.casefold())
    return frozenset(out)


def statement_fair(shown: str, partner: str, common: set[str], segmenter, *, compare_codes: bool = True) -> bool:
    """A true/false pairing that neither looks true nor looks false from its words alone.

    No uncommon word is shared by the two sides (an echo says "true"), and no
    uncommon acronym or number is on one side only (its absence on the other,
    translated side says "false").
    """
    shared = tokens(shown, segmenter) & tokens(partner, segmenter)
    if shared - common or spelled_out(shown, partner) or spelled_out(partner, shown):
        return False
    return not compare_codes or not ((codes(shown) ^ codes(partner)) - common)
