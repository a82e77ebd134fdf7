"""An abstract section's two halves: which lines are English, which Chinese, and which sentences match.

The notes paste the English abstract and then its (machine) translation into
one Markdown paragraph. Lines are told apart by their share of CJK
characters, not by "contains any CJK": the English line may quote a Chinese
word, and every Chinese line is full of DPO, RLHF, NS-DPO.

The sentence aligner is Gale–Church's length-based dynamic programme
(sentence lengths in the two languages are proportional, with a variance that
grows with length), allowing 1-1, 1-2, 2-1, 1-0 and 0-1 steps, plus an
*anchor* term: the Latin tokens a translation keeps verbatim (acronyms,
method names, numbers such as 4.5%, the occasional English word) pull
sentences that share them together and push apart those that do not. The
translation is a machine one with glitches (dropped clauses, a sentence split
in two, numbers the English lacks), which is exactly what 1-2/2-1 steps and
anchors absorb.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from .lang import CJK_RE, cjk_ratio
from .sentences import split_sentences

# A line is Chinese when at least this share of its letters are CJK. Chinese
# lines of the shipped abstracts score above 0.6 even with many acronyms;
# English lines score below 0.05 even when they quote a Chinese word.
CHINESE_LINE = 0.3
# Lines between these bounds hold both languages in earnest: they are split
# into sentences and each sentence is classified on its own.
_MIXED_LOW, _MIXED_HIGH = 0.1, 0.6


def split_abstract(text: str) -> tuple[str, str]:
    """Return ``(english, chinese)`` from an abstract's raw lines (order kept, lines joined by newlines)."""
    english: list[str] = []
    chinese: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        ratio = cjk_ratio(line)
        if _MIXED_LOW < ratio < _MIXED_HIGH:
            parts = split_sentences(line)
            if len(parts) > 1:
                en = [p for p in parts if cjk_ratio(p) < CHINESE_LINE]
                zh = [p for p in parts if cjk_ratio(p) >= CHINESE_LINE]
                if en:
                    english.append(" ".join(en))
                if zh:
                    chinese.append("".join(zh))
                continue
        (chinese if ratio >= CHINESE_LINE else english).append(line)
    return "\n".join(english), "\n".join(chinese)


# --- alignment ---------------------------------------------------------------

# Prior probability of each step (Gale & Church 1993, Table 5).
_PRIOR = {(1, 1): 0.89, (1, 0): 0.0099 / 2, (0, 1): 0.0099 / 2, (2, 1): 0.089 / 2, (1, 2): 0.089 / 2}
# Lengths are compared in English characters: a Chinese character counts as
# ``w`` of them, fitted per document (≈3.3 on every shipped abstract), while
# Latin text inside the Chinese (DPO, Bradley-Terry) counts as itself, since
# it is copied rather than translated. The variance of the difference per
# English character measured on the shipped abstracts is ≈1.0; 2.0 leaves
# room for freer translations.
_VARIANCE = 2.0
_DEFAULT_WEIGHT, _MIN_WEIGHT, _MAX_WEIGHT = 3.3, 2.0, 5.0
# Weight of the anchor evidence relative to the length evidence (in nats).
_ANCHOR_WEIGHT = 3.0
# Sentences of each side that are aligned (the rest are left out).
MAX_SENTENCES = 200

_MACRO = re.compile(r"\\[A-Za-z]+")
_ANCHOR = re.compile(r"\d+(?:\.\d+)?%?|[A-Za-z][A-Za-z0-9]*(?:[-/.][A-Za-z0-9]+)*")
_SPACE = re.compile(r"\s+")
_PAREN = re.compile(r"[(（]")
_MARK_AFTER_CAPITAL = re.compile(r"(?<=[A-Z])(?:s|\d)$")     # LLMs, NS-DPO1


def _length_parts(sentence: str) -> tuple[int, int]:
    """(CJK characters, other non-space characters), LaTeX macro names left out."""
    s = _SPACE.sub("", _MACRO.sub("", sentence))
    cjk = len(CJK_RE.findall(s))
    return cjk, len(s) - cjk


@lru_cache(maxsize=1 << 16)
def _token_anchors(token: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(forms, key forms) of one Latin word or number, casefolded; cached, since
    the same words recur in every sentence.

    ``NS-DPO1`` (a footnote mark) and ``LLMs`` (a plural) also yield
    ``NS-DPO`` and ``LLM``, so they still meet their bare form on the other side.
    """
    token = token.rstrip(".")
    if not token:
        return (), ()
    forms = [token]
    if _MARK_AFTER_CAPITAL.search(token):
        forms.append(_MARK_AFTER_CAPITAL.sub("", token))
    return tuple(f.casefold() for f in forms), tuple(f.casefold() for f in forms if _is_key(f))


def _is_key(token: str) -> bool:
    """English tokens a translation keeps verbatim: acronyms and names (DPO, NS-DPO), numbers."""
    return token[0].isdigit() or sum(map(str.isupper, token)) >= 2


def _anchor_sets(sentence: str) -> tuple[set[str], set[str]]:
    """(all Latin tokens, key tokens) of a sentence, casefolded, LaTeX macro names left out.

    The number of parenthesised groups counts as one more key: translations
    keep brackets, ``(NS-DPO)`` → ``（NS-DPO）``.
    """
    words: set[str] = set()
    keys: set[str] = set()
    for token in _ANCHOR.findall(_MACRO.sub(" ", sentence)):
        forms, key_forms = _token_anchors(token)
        words.update(forms)
        keys.update(key_forms)
    parens = len(_PAREN.findall(sentence))
    if parens:
        words.add(f"({parens})")
        keys.add(f"({parens})")
    return words, keys


def _anchor_row(en_words: int, en_keys: int, zh_spans: list[int]) -> list[float | None]:
    """Anchor agreement of one English span with each Chinese span, in [0, 1]: the
    Chinese side's Latin tokens found in the English, and the English keys found in
    the Chinese, over both counts; None when there is nothing to compare (no keys,
    no Latin in the Chinese). Token sets are bit masks (`_Aligner`)."""
    keys = en_keys.bit_count()
    row: list[float | None] = []
    for zh_words in zh_spans:
        total = zh_words.bit_count() + keys
        row.append((((zh_words & en_words).bit_count() + (en_keys & zh_words).bit_count()) / total)
                   if total else None)
    return row


def align_sentences(en: list[str], zh: list[str]) -> list[tuple[str, str, float]]:
    """Pair English with Chinese sentences; return ``(english, chinese, confidence)`` for matched pairs.

    Merged sentences are joined (English with a space, Chinese directly).
    Sentences left without a partner (1-0, 0-1 steps) are not returned.
    Confidence in [0, 1] mixes how well the lengths fit and how well the
    anchors agree; a 2-1 or 1-2 merge is discounted slightly. Pairs below
    about 0.3 are usually wrong.

    Two passes: the first uses a Chinese-character weight fitted on the
    totals (or the default when the sentence counts differ, since a missing
    sentence would bias the totals), the second refits it on the 1-1 pairs
    the first pass found.

    Only the first ``MAX_SENTENCES`` of each side are aligned: the programme
    takes time and memory in the product of the two counts (an abstract has
    a dozen or two; a line of megabytes could have tens of thousands).
    """
    if not en or not zh:
        return []
    en, zh = en[:MAX_SENTENCES], zh[:MAX_SENTENCES]
    aligner = _Aligner(en, zh)
    weight = aligner.fit_weight([(i, i) for i in range(len(en))]) if len(en) == len(zh) else _DEFAULT_WEIGHT
    steps = aligner.run(weight)
    refit = aligner.fit_weight([(i, j) for i, j, di, dj, _ in steps if di == dj == 1])
    if refit != weight:                 # the same weight would find the same path again
        steps = aligner.run(refit)
    return [(" ".join(en[i:i + di]), "".join(zh[j:j + dj]), round(conf, 3))
            for i, j, di, dj, conf in steps if di and dj]


class _Aligner:
    """The dynamic programme over one abstract's sentences.

    Everything a step costs apart from the weight (the English span lengths,
    the anchor agreement) is computed once per abstract in tables, not once
    per step and pass: the programme visits every (i, j, step) in both passes.
    Token sets are bit masks over the abstract's tokens: a union is an ``|``
    and an intersection's size a ``bit_count``, with no sets built per step.
    """

    def __init__(self, en: list[str], zh: list[str]):
        self.en, self.zh = en, zh
        self.en_len = [sum(_length_parts(s)) for s in en]
        self.zh_parts = [_length_parts(s) for s in zh]
        bit: dict[str, int] = {}

        def mask(tokens: set[str]) -> int:
            m = 0
            for tok in tokens:
                m |= bit.setdefault(tok, 1 << len(bit))
            return m

        en_anc = [tuple(map(mask, _anchor_sets(s))) for s in en]
        zh_anc = [mask(_anchor_sets(s)[0]) for s in zh]
        n, m = len(en), len(zh)
        # le[di][i]: English length of sentences i…i+di-1; the same spans' words and keys
        self.le = {di: [sum(self.en_len[i:i + di]) for i in range(n - di + 1)] for di in (1, 2)}
        en_words = {1: [w for w, _ in en_anc], 2: [en_anc[i][0] | en_anc[i + 1][0] for i in range(n - 1)]}
        en_keys = {1: [k for _, k in en_anc], 2: [en_anc[i][1] | en_anc[i + 1][1] for i in range(n - 1)]}
        zh_words = {1: zh_anc, 2: [zh_anc[j] | zh_anc[j + 1] for j in range(m - 1)]}
        # anchors[(di, dj)][i][j]: agreement of that step's spans, or None
        self.anchors = {(di, dj): [_anchor_row(ew, ek, zh_words[dj]) for ew, ek in zip(en_words[di], en_keys[di])]
                        for di, dj in _PRIOR if di and dj}
        self.prior = {step: -math.log(p) for step, p in _PRIOR.items()}

    def fit_weight(self, pairs: list[tuple[int, int]]) -> float:
        """English characters per Chinese character, from sentence pairs believed to match."""
        cjk = sum(self.zh_parts[j][0] for _, j in pairs)
        if not cjk:
            return _DEFAULT_WEIGHT
        other = sum(self.zh_parts[j][1] for _, j in pairs)
        weight = (sum(self.en_len[i] for i, _ in pairs) - other) / cjk
        return min(_MAX_WEIGHT, max(_MIN_WEIGHT, weight))

    def run(self, weight: float) -> list[tuple[int, int, int, int, float]]:
        """Best path as steps ``(i, j, di, dj, confidence)`` in order.

        A step's cost is its prior plus how badly the lengths fit (a normal
        tail probability) plus the anchor disagreement; its confidence mixes
        the length fit and the anchors, and merges are discounted. Written out
        inline: this loop runs for every cell of every abstract, twice.
        """
        n, m = len(self.en), len(self.zh)
        # the Chinese span lengths under this weight
        lz = {dj: [sum(c * weight + o for c, o in self.zh_parts[j:j + dj]) for j in range(m - dj + 1)]
              for dj in (1, 2)}
        steps = [(di, dj, self.prior[(di, dj)], (di, dj) != (1, 1), self.le.get(di), lz.get(dj),
                  self.anchors.get((di, dj)))
                 for di, dj in _PRIOR]
        sqrt, exp, log, erfc, root2 = math.sqrt, math.exp, math.log, math.erfc, math.sqrt(2)
        inf = float("inf")
        best = [[inf] * (m + 1) for _ in range(n + 1)]
        back: list[list[tuple[int, int, float] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
        best[0][0] = 0.0
        for i in range(n + 1):
            row = best[i]
            for j in range(m + 1):
                here = row[j]
                if here == inf:
                    continue
                for di, dj, prior, merge, le, lzd, anchors in steps:
                    ii, jj = i + di, j + dj
                    if ii > n or jj > m:
                        continue
                    if di == 0 or dj == 0:
                        if here + prior < best[ii][jj] - 1e-12:
                            best[ii][jj] = here + prior
                            back[ii][jj] = (di, dj, 0.0)
                        continue
                    a, b = le[i], lzd[j]
                    half = (a + b) / 2
                    z = (b - a) / sqrt((half if half > 1.0 else 1.0) * _VARIANCE)
                    p_len = erfc(abs(z) / root2)                      # two-sided normal tail
                    cost = prior - log(p_len if p_len > 1e-12 else 1e-12)
                    anchor = anchors[i][j]
                    if anchor is not None:
                        cost += _ANCHOR_WEIGHT * (0.5 - anchor)
                    if here + cost < best[ii][jj] - 1e-12:
                        # the confidence, only for a step that is kept
                        fit = exp(-z * z / 8)      # 1σ → 0.88, 2σ → 0.61, 3σ → 0.32
                        conf = fit if anchor is None else 0.5 * fit + 0.5 * anchor
                        if merge:
                            conf *= 0.9
                        best[ii][jj] = here + cost
                        back[ii][jj] = (di, dj, min(1.0, max(0.0, conf)))
        steps = []
        i, j = n, m
        while i or j:
            di, dj, conf = back[i][j]  # type: ignore[misc]
            i, j = i - di, j - dj
            steps.append((i, j, di, dj, conf))
        steps.reverse()
        return steps
