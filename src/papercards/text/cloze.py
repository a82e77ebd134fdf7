"""Cloze deletions on whole words: ``文章提出的{{c1::在线采样器}}实现二次收敛``.

What makes a blank acceptable (each rule answers a defect seen on real cards):

* it covers whole jieba tokens (as cut by the caller's Segmenter, which
  knows the glossary), and whole Latin words: ``偏好优{{c1::化}}`` and
  ``{{c1::state}}-of-the-art`` are impossible; hyphen/slash/dot-joined Latin
  (NS-DPO, RLHF/PPO, 4.5) counts as one word, and a suffix jieba cuts off
  (正则|化, 数据|集) stays with its word;
* it is never a function word (see ``stopwords``), never inside math, never
  only part of a bold/link span (it may cover whole spans or sit inside one);
* it is not one of the ``avoid`` words (the paper's title words when the
  front shows the title);
* an out-of-dictionary Chinese token (jieba's HMM guessed it) that contains a
  function character (集来, 仍会), or a rare dictionary entry that glues one
  to a word (对模型, 万亿个), is not a word and is never blanked; a word that
  appears again elsewhere in the text (its answer is visible) is demoted, and
  two blanks never have the same answer;
* at least ~40 % of the content words stay visible, there are at least three
  content words, and two blanks are never adjacent (a content word between).

Preference, best first: the author's ``**bold**``/`` `code` `` spans (when
they fall on word boundaries; ``**D**rastic`` does not), then ``prefer``
terms (glossary terms, method names), then numbers with units (4.5%, 3D),
then the longest content words (≥2 Chinese characters, or an English word of
≥5 letters), rarer ones first (jieba's dictionary frequency). Blanks are
numbered in that order from ``start``: c1 is the most important blank.

Bold marks are dropped when a blank covers exactly a bold span:
``**在线采样器**`` becomes ``{{c1::在线采样器}}`` (the blank itself is now the
emphasis, and the answer compares as plain text); code keeps its backticks
inside the blank, since code font is part of the answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from .lang import CJK_RE, has_cjk, normalize
from .markup import ATOM_COUNT, ATOM_FIRST, Markup, cloze_safe, scan
from .segment import Segmenter, dictionary_total, is_word, term_regex, word_frequency
from .stopwords import ZH_STOPWORDS, is_stopword
from .termfind import loose_key

MIN_CONTENT_WORDS = 3          # fewer than this: nothing left to answer from
MAX_HIDDEN_SHARE = 0.6         # at most this share of the content words blanked
MAX_BLANK_CHARS = 24           # a longer marked span is a phrase, not an answer
_FUNCTION_CHARS = frozenset(w for w in ZH_STOPWORDS if len(w) == 1)
# Word-forming suffixes jieba often cuts off (正则|化, 数据|集): joined back to their word.
_SUFFIXES = frozenset("化性率器度型式者法论量值界集")
_JUNK_FREQ = 10                # below this a dictionary entry is too rare to judge by
_GLUE_FREQ = 100               # rare entries starting/ending with a function character are glue
_CONNECTORS = frozenset("-/._")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:\s?%|[A-Za-z]{1,2}(?![A-Za-z])|[xX×倍])?")
_BLANK = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)


class _Blanks:
    """One blank: ``{{cN::answer}}`` or ``{{cN::answer::hint}}`` (groups: N, answer, hint or None).

    Anki's own pattern, searched only up to the last ``}}``: past it no blank can
    close, and each ``{{c1::`` there read to the end of the text before failing
    (quadratic on a long line of them). Before it every opener closes, and the
    text is read about once.
    """

    pattern = _BLANK.pattern

    @staticmethod
    def _end(text: str) -> int:
        last = text.rfind("}}")
        return last + 2 if last >= 0 else 0

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return _BLANK.finditer(text, 0, self._end(text))

    def search(self, text: str) -> re.Match[str] | None:
        return _BLANK.search(text, 0, self._end(text))

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str) -> str:
        end = self._end(text)
        return _BLANK.sub(repl, text[:end]) + text[end:]


CLOZE_BLANK = _Blanks()


@dataclass
class _Unit:
    """A word as the learner sees it: one or more jieba tokens."""
    start: int
    end: int
    text: str
    content: bool
    weight: int = 0                # content tokens inside (state-of-the-art: state, art)


@dataclass
class _Candidate:
    start: int
    end: int
    rank: tuple


def make_cloze(text: str, segmenter: Segmenter, *, prefer: Iterable[str] = (),
               avoid: Iterable[str] = (), max_blanks: int = 2, start: int = 1) -> str | None:
    """``text`` (inline Markdown) with up to ``max_blanks`` ``{{cN::…}}`` blanks, or None.

    None when no acceptable blank exists (too short, only function words,
    everything avoided).
    """
    if max_blanks < 1 or not text or not text.strip():
        return None
    markup, units = _read(text, segmenter)
    prefer = [p.strip() for p in prefer if p and len(p.strip()) >= 2]
    marked = [s for s in markup.spans if s.kind == "bold"]
    # Bold spans and preferred terms are *not* added to the segmentation: a
    # blank must fall on the boundaries jieba (with the caller's glossary)
    # finds on its own, so a bold piece of a word (**D**rastic, 偏好**优**化)
    # is never blanked; a bold phrase of several words (**在线采样器** = 在线|采样器) is.
    content_total = sum(u.weight for u in units)
    if content_total < MIN_CONTENT_WORDS:
        return None
    chooser = _Chooser(markup, units, segmenter.normalized_terms(), _avoid_words(avoid, segmenter))
    candidates = chooser.candidates(marked, prefer)
    chosen: list[_Candidate] = []
    hidden = 0
    for cand in candidates:
        if len(chosen) >= max_blanks:
            break
        if not chooser.acceptable(cand):
            continue
        if any(_too_close(cand, c, units) for c in chosen):
            continue
        if any(normalize(markup.plain[c.start:c.end]) == normalize(markup.plain[cand.start:cand.end])
               for c in chosen):
            continue
        words_inside = chooser.content_in(cand)
        if (hidden + words_inside) / content_total > MAX_HIDDEN_SHARE:
            continue
        chosen.append(cand)
        hidden += words_inside
    if not chosen:
        return None
    return cloze_safe(_write(markup, chosen, start))


def cloze_answers(cloze_text: str) -> dict[int, list[str]]:
    """``{n: [answer, …]}`` for every ``{{cn::answer}}`` / ``{{cn::answer::hint}}`` in the text."""
    out: dict[int, list[str]] = {}
    for m in CLOZE_BLANK.finditer(cloze_text):
        out.setdefault(int(m.group(1)), []).append(m.group(2))
    return dict(sorted(out.items()))


# --- words -------------------------------------------------------------------

def _is_atom_char(ch: str) -> bool:
    return ATOM_FIRST <= ord(ch) < ATOM_FIRST + ATOM_COUNT


def _units(markup: Markup, seg: Segmenter) -> list[_Unit]:
    """Tokens of the plain text, Latin pieces joined across -/._ into one word."""
    plain = markup.plain
    tokens = seg.spans(plain)
    units: list[_Unit] = []
    i = 0
    while i < len(tokens):
        s, e, _ = tokens[i]
        j = i
        # join "state" "-" "of" …, "RLHF" "/" "PPO", "NS-DPO" "1"
        while True:
            last = plain[e - 1]
            if j + 1 < len(tokens) and _latin_edge(last) and _latin_edge(tokens[j + 1][2][0]):
                j += 1
            elif (j + 2 < len(tokens) and tokens[j + 1][2] in _CONNECTORS and _latin_edge(last)
                  and _latin_edge(tokens[j + 2][2][0])):
                j += 2
            else:
                break
            e = tokens[j][1]
        weight = sum(_is_content(tokens[k][2], markup) for k in range(i, j + 1))
        prev = units[-1] if units else None
        if (prev is not None and e - s == 1 and plain[s] in _SUFFIXES and prev.end == s
                and len(prev.text) >= 2 and all(CJK_RE.match(ch) for ch in prev.text)):
            units[-1] = _Unit(prev.start, e, plain[prev.start:e], True, prev.weight + weight)
        else:
            text = plain[s:e]
            content = _is_content(text, markup)
            units.append(_Unit(s, e, text, content, max(weight, int(content))))
        i = j + 1
    return units


def _latin_edge(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _is_content(tok: str, markup: Markup) -> bool:
    """A word that carries meaning: code atoms yes; math, punctuation, stopwords, lone letters no."""
    if len(tok) == 1 and _is_atom_char(tok):
        return _atom_kind(markup, tok) == "code"
    if len(tok) == 1 and tok.isascii() and tok.isalpha():
        return False
    if not is_word(tok) or is_stopword(tok):
        return False
    # 结果表明 = 结果 + 表明: a compound of function words is one too
    return not (len(tok) >= 4 and all(CJK_RE.match(ch) for ch in tok) and any(
        is_stopword(tok[:k]) and is_stopword(tok[k:]) for k in range(1, len(tok))))


def _glued(word: str) -> bool:
    """A rare dictionary entry that is a function character glued to a word (对模型, 万亿个)."""
    if len(word) < 3 or word_frequency(word) >= _GLUE_FREQ:
        return False
    head, tail = word[0], word[-1]
    return ((head in _FUNCTION_CHARS and word_frequency(word[1:]) >= _JUNK_FREQ)
            or (tail in _FUNCTION_CHARS and word_frequency(word[:-1]) >= _JUNK_FREQ))


def _atom_kind(markup: Markup, ch: str) -> str:
    return markup.atoms[ord(ch) - ATOM_FIRST].kind


@lru_cache(maxsize=256)
def _read(text: str, segmenter: Segmenter) -> tuple[Markup, tuple[_Unit, ...]]:
    """The text's markup and words, read once: a caller trying one blank after another on
    the same sentence (`items.extractors.claims.keyword_blank`) reads it once. Read-only."""
    markup = scan(text)
    return markup, tuple(_units(markup, segmenter))


def _avoid_words(avoid: Iterable[str], segmenter: Segmenter) -> tuple[set[str], list[str]]:
    """(normalised content words of the avoid texts, normalised avoid texts)."""
    words: set[str] = set()
    texts: list[str] = []
    for a in avoid:
        if not a or not a.strip():
            continue
        text, found = _avoided(a, segmenter)
        texts.append(text)
        words |= found
    return words, texts


@lru_cache(maxsize=4096)
def _avoided(a: str, segmenter: Segmenter) -> tuple[str, frozenset[str]]:
    """One avoid text, normalised, and its content words (NS-DPO: ns, dpo…)."""
    words = {normalize(w) for w in segmenter.words(a) if not is_stopword(w)}
    words |= {w.casefold() for w in re.findall(r"[A-Za-z0-9]+", a) if not is_stopword(w)}   # parts of NS-DPO
    return normalize(a), frozenset(words)


class _Chooser:
    def __init__(self, markup: Markup, units: list[_Unit], terms: frozenset[str],
                 avoid: tuple[set[str], list[str]]):
        """``terms``: the segmenter's terms, already normalised."""
        self.markup, self.units, self.terms = markup, units, terms
        self.avoid_words, self.avoid_texts = avoid
        self.starts = {u.start: k for k, u in enumerate(units)}
        self.ends = {u.end: k for k, u in enumerate(units)}
        self.total = max(1, dictionary_total())

    # -- candidates, best first -----------------------------------------------
    def candidates(self, marked, prefer: list[str]) -> list[_Candidate]:
        plain = self.markup.plain
        out: list[_Candidate] = []
        for n, span in enumerate(marked):
            out.append(_Candidate(span.start, span.end, (0, n)))
        for n, atom in enumerate(a for a in self.markup.atoms if a.kind == "code"):
            out.append(_Candidate(atom.start, atom.end, (0, len(marked) + n)))
        plain_key = loose_key(plain)
        for n, term in enumerate(sorted(set(prefer), key=lambda t: (-len(t), t))):
            if loose_key(term) not in plain_key:
                continue                  # cannot match: skip the regex (thousands of terms)
            for m in term_regex(term).finditer(plain):
                out.append(_Candidate(m.start(), m.end(), (1, n, m.start())))
        for m in _NUMBER.finditer(plain):
            tok = m.group()
            if re.search(r"[.%A-Za-z×倍]", tok) or len(tok) >= 3:
                out.append(_Candidate(m.start(), m.end(), (2, m.start())))
        for u in self.units:
            weight = self.weight(u)
            if weight is not None:
                out.append(_Candidate(u.start, u.end, (3, -weight, u.start)))
        out.sort(key=lambda c: c.rank)
        return out

    def weight(self, unit: _Unit) -> float | None:
        """How good a lone word is as an answer (None: not a candidate)."""
        text = unit.text
        if not unit.content or (len(text) == 1 and _is_atom_char(text)):
            return None
        cjk = len(CJK_RE.findall(text))
        letters = sum(ch.isascii() and ch.isalpha() for ch in text)
        is_term = normalize(text) in self.terms
        if cjk and letters:
            return 3.0 + len(text) / 3 if is_term else None
        if cjk:
            if cjk < 2 or cjk != len(text):
                return None
            freq = word_frequency(text)
            if not is_term:
                if not freq and any(ch in _FUNCTION_CHARS for ch in text):
                    return None                   # HMM glue such as 集来, 仍会
                if _glued(text):
                    return None
            rarity = math.log(self.total / (max(freq, _JUNK_FREQ) + 1))
            return cjk + 0.15 * rarity + (2.0 if is_term else 0.0) - self.repeat_penalty(text)
        if letters >= 5 or (is_term and letters >= 2):
            return letters / 2.5 + (2.0 if is_term else 0.0) - self.repeat_penalty(text)
        return None

    def repeat_penalty(self, text: str) -> float:
        """A word that also appears elsewhere in the text gives its own answer away."""
        return 3.0 if self.markup.plain.count(text) > 1 else 0.0

    # -- checks -----------------------------------------------------------------
    def acceptable(self, cand: _Candidate) -> bool:
        a, b = cand.start, cand.end
        if a not in self.starts or b not in self.ends or b <= a:
            return False                                    # not on word boundaries
        if b - a > MAX_BLANK_CHARS:
            return False
        plain = self.markup.plain
        for k in range(a, b):
            if _is_atom_char(plain[k]) and _atom_kind(self.markup, plain[k]) == "math":
                return False
        if any(a < p < b for p in self.markup.barriers):
            return False
        if a > 0 and _latin_edge(self.visible(a - 1, last=True)) and _latin_edge(self.visible(a)):
            return False                  # glued to a Latin word: NS-DPO`loss` reads as one word
        if b < len(plain) and _latin_edge(self.visible(b - 1, last=True)) and _latin_edge(self.visible(b)):
            return False
        for span in self.markup.spans:
            inside = a <= span.start and span.end <= b
            contains = span.start <= a and b <= span.end
            disjoint = span.end <= a or b <= span.start
            if not (inside or contains or disjoint):
                return False
        if not self.content_in(cand):
            return False
        return not self.avoided(plain[a:b])

    def visible(self, pos: int, last: bool = False) -> str:
        """The character a reader sees at plain position ``pos`` (an atom shows its content)."""
        ch = self.markup.plain[pos]
        if _is_atom_char(ch):
            atom = self.markup.atoms[ord(ch) - ATOM_FIRST]
            inner = self.markup.source[atom.inner_start:atom.inner_end].strip()
            return (inner[-1] if last else inner[0]) if inner else " "
        return ch

    def content_in(self, cand: _Candidate) -> int:
        return sum(u.weight for u in self.units if cand.start <= u.start and u.end <= cand.end)

    def avoided(self, text: str) -> bool:
        if not self.avoid_texts:
            return False
        key = normalize(text)
        if not key:
            return True
        if key in self.avoid_words or key in self.avoid_texts:
            return True
        for w in re.findall(r"[a-z0-9]+", key):
            if w in self.avoid_words:
                return True
        if has_cjk(key):
            cjk_key = "".join(CJK_RE.findall(key))
            if len(cjk_key) >= 2 and any(cjk_key in t for t in self.avoid_texts):
                return True
            if any(has_cjk(w) and len(w) >= 2 and w in key for w in self.avoid_words):
                return True
        return False


def _too_close(c1: _Candidate, c2: _Candidate, units: list[_Unit]) -> bool:
    """Overlapping, or with no content word between them."""
    if c1.start < c2.end and c2.start < c1.end:
        return True
    lo, hi = (c1.end, c2.start) if c1.end <= c2.start else (c2.end, c1.start)
    return not any(u.content and lo <= u.start and u.end <= hi for u in units)


def _write(markup: Markup, chosen: list[_Candidate], start: int) -> str:
    src = markup.source
    edits: list[tuple[int, int, str]] = []
    for n, cand in enumerate(chosen):
        tag = f"c{start + n}"
        bold = next((s for s in markup.spans if s.kind == "bold" and s.start == cand.start
                     and s.end == cand.end), None)
        if bold is not None:
            edits.append((bold.src_start, bold.src_end,
                          f"{{{{{tag}::{src[bold.inner_start:bold.inner_end]}}}}}"))
            continue
        s = markup.src_starts[cand.start]
        e = markup.src_ends[cand.end - 1]
        for span in markup.spans:                 # whole spans at the edges go inside the blank
            if cand.start <= span.start and span.end <= cand.end:
                if span.start == cand.start:
                    s = min(s, span.src_start)
                if span.end == cand.end:
                    e = max(e, span.src_end)
        edits.append((s, e, f"{{{{{tag}::{src[s:e]}}}}}"))
    out = src
    for s, e, rep in sorted(edits, reverse=True):
        out = out[:s] + rep + out[e:]
    return out
