"""What the rules for one-paper-per-file notes share: the paper's name for a front,
the facts a sentence marks (the author's **bold**, a number with its unit) and the
clause that carries one.

Such notes are long prose under numbered sections (``## 二、核心方法``): a card
holds one fact, so a sentence is trimmed to the clause around what it asks.
"""

from __future__ import annotations

import re

from ...notes import strip_marks
from ...text.markup import replace_math
from ..dangling import GOES_ON_FROM_BEFORE
from ..context import PaperContext

# a number worth asking: with its unit, a percentage, a factor or a count of things
# (25.4%, 1.9×, 2.1 个百分点, 30 ms, 12,000, 20K); never a year, a version, a section number
# or a piece of a model's name (Qwen2.5-32B); a range is one number ("1 到 10 分", never half of it)
NUMBER = re.compile(r"(?<![\w.$\\^_{])(?:约|超过|近)?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d.])"
                    r"|(?<![\w.$\\^_{])(?<!\w-)(?:约|超过|近)?(?:\d+(?:\.\d+)?\s*(?:到|至|~|–)\s*)?\d+(?:\.\d+)?\s*"
                    r"(?:%|个百分点|百分点|倍|×|x\b|[KMB]\b|ms\b|s\b|cm\b"
                    r"|points?\b|pp\b|轮|步|条|个|次|层|秒|毫秒|分(?![钟之类布]))")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
BOLD = re.compile(r"\*\*([^*\n]+?)\*\*")
_CLAUSE_END = re.compile(r"(?<=[，；;：:])|(?<=,)\s|(?<=;)\s")
# a clause that points back ("这就是…", "This is why…") needs the clause before it
_POINTS_BACK = re.compile(r"^\s*(?:这|那|该|其|它|此|而|但|并|且|也|同时|从而|因此|结果|which\b|this\b|it\b|these\b|and\b|but\b|so\b|"
                          + GOES_ON_FROM_BEFORE + ")", re.I)
# a clause whose subject is the one before: "…, it collapses quickly", "…，它就会崩掉"
_GOES_ON = re.compile(r"(?:it|they|which)\s+\w|[它其]", re.I)
SHORT_CLAUSE = 14        # characters: a clause shorter than this takes its neighbour
MAX_CLAUSE = 110         # characters: a longer sentence is cut to the clause that carries the fact


def paper_name(pc: PaperContext) -> str:
    """What a front calls the paper: its short name (``MarginPO``), not its 中文 title."""
    short = pc.info.short or pc.paper.title
    return re.split(r"\s*[：:]\s*", short, maxsplit=1)[0].strip() or short


def outside_math(text: str) -> str:
    """``text`` with its formulas blanked out (same length): a number in `$m_{\\max} = 2.0$` is TeX."""
    return replace_math(text, lambda formula: " " * len(formula))


def numbers_in(text: str) -> list[re.Match]:
    return [m for m in NUMBER.finditer(outside_math(text)) if not _YEAR.match(m.group(0))]


def asked_spans(text: str, names: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, answer) of what a sentence asks: the author's bold phrases first
    (not the paper's own name, not ``用大白话说``), then numbers outside bold and math."""
    spans = []
    plain_math = outside_math(text)
    for m in BOLD.finditer(text):
        inner = m.group(1).strip()
        if plain_math[m.start():m.end()].strip() and inner.casefold() not in {n.casefold() for n in names} \
                and "大白话" not in inner and len(strip_marks(inner)) >= 2:
            spans.append((m.start(), m.end(), inner))
    for m in numbers_in(text):
        if not any(s <= m.start() < e for s, e, _ in spans):
            spans.append((m.start(), m.end(), m.group(0).strip()))
    return sorted(spans)


def clause_around(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The span of the clause of ``sentence`` that holds [start, end): the whole sentence
    when it is short, else its clause (cut at ，；: and English , ;), with the clause
    before when this one is too short to stand alone or points back to it."""
    if len(strip_marks(sentence)) <= MAX_CLAUSE:
        return 0, len(sentence)
    cuts = [0] + [m.start() for m in _CLAUSE_END.finditer(outside_math(sentence))] + [len(sentence)]
    bounds = [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]
    i = next(k for k, (a, b) in enumerate(bounds) if a <= start < b)
    j = i
    while j + 1 < len(bounds) and end > bounds[j][1]:
        j += 1
    lo, hi = bounds[i][0], bounds[j][1]
    asked = len(strip_marks(sentence[start:end]))

    def bare(lo: int, hi: int) -> bool:
        """Too little around the asked words to say what they are ("Data: [DAPO-Math-17K],")."""
        return len(strip_marks(sentence[lo:hi])) - asked < SHORT_CLAUSE

    while i > 0 and (bare(lo, hi) or _POINTS_BACK.match(sentence[lo:hi])):
        i -= 1
        lo = bounds[i][0]
    while bare(lo, hi) and j + 1 < len(bounds):
        j += 1
        hi = bounds[j][1]
    # "…but with pairwise noise correlated with length, it collapses quickly": the clause
    # after says what happens to it, and the card without it stops mid-sentence
    while j + 1 < len(bounds) and _GOES_ON.match(sentence[bounds[j + 1][0]:bounds[j + 1][1]].lstrip("，,；; ")) \
            and len(strip_marks(sentence[bounds[j + 1][0]:bounds[j + 1][1]])) < SHORT_CLAUSE * 2:
        j += 1
        hi = bounds[j][1]
    return lo, hi


# "(Sun et al., 2025)", "（Rafailov et al., 2023）", "(Gao & Hilton, 2023)": a pointer into the reference list
CITATION = re.compile(r"\s*[(（][^()（）\n]{0,60}?(?:et al\.?|&|, )[^()（）\n]{0,20}?(?:19|20)\d\d[a-z]?[)）]")


def tidy_clause(text: str) -> str:
    """A clause as a card line: no citation, no trailing comma or colon, the full stop kept."""
    text = CITATION.sub("", text).strip()
    text = re.sub(r"^[，,；;：:\s]+", "", text)
    return re.sub(r"[，,；;：:\s]+$", "", text)
