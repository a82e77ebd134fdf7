"""Where a blank asks nothing or gives itself away: one home for the placement rules
every cloze rule applies (the notes' sub-headings, their sentences, the abstract).

Each is a pure check on the card's text around one blank: inside brackets (an
aside, an example), one name of a list (any name fits), a Chinese blank an
acronym right after it spells out, and the starting point of a ``from → to``
result (the result is what was reached).
"""

from __future__ import annotations

import re

from ..text import CLOZE_BLANK
from ..text.lang import CJK_CLASS, CJK_RE

# "55.6% → 81.6%", "from 55.6% to 81.6%", "从22.9%提升到51.7%", "10至20"
_ARROW = r"(?:→|->|\bto\b|(?:提升|提高)?到|至)"
LEADS_TO = re.compile(r"\s*" + _ARROW, re.I)          # right after a starting number
REACHED_FROM = re.compile(_ARROW + r"\s*$", re.I)     # right before the number reached

# a blank between list separators: Chinese joins, or English ones with a name on their far side
_BEFORE_JOIN = re.compile(r"(?:、|和|及|与|以及)\s*$|[A-Z0-9][\w.+-]*\)?\s*(?:,|/|\band|\bor)\s*(?:and\s+)?$")
_AFTER_JOIN = re.compile(r"^\s*(?:、|和|及|与|以及)|^\s*(?:,|/|and\b|or\b)\s*(?:and\s+)?[A-Z0-9]")
_ACRONYM_AFTER = re.compile(rf"[\w{CJK_CLASS}-]{{1,8}}\s*[(（][A-Z][A-Za-z0-9-]{{1,10}}[)）]")


# a name: SimPO, GSM8K, Bradley-Terry, ΨPO; not a year (2024), not a bare acronym of two letters (RL)
_NAME_PATTERN = (r"(?=\w{3})[A-Za-z]*[A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9-]*|[A-Z][a-z]+(?:-[A-Z][a-z]+)+"
                 r"|(?=[\w-]*[A-Za-z])(?=[\w-]*\d)[A-Za-z0-9][\w-]{2,}")
NAME = re.compile(_NAME_PATTERN)
_NAME_IN_TEXT = re.compile(_NAME_PATTERN, re.ASCII)      # in running text a CJK neighbour is no part of it


def names_in(text: str) -> set[str]:
    """The names a text holds, casefolded (``Bradley-Terry`` in "用Bradley-Terry模型")."""
    return {m.group(0).casefold() for m in _NAME_IN_TEXT.finditer(text)}


def furniture_names(texts: list[str]) -> set[str]:
    """The names a good share of the papers use (Bradley-Terry, AlpacaEval in a DPO deck:
    three papers, and a tenth of them in a big collection): every paper's default, so a
    blank on one asks nothing about the paper it is on. ``texts``: one per paper."""
    return furniture_names_of([names_in(text) for text in texts])


def furniture_names_of(names: list[set[str]]) -> set[str]:
    """`furniture_names` from the names each paper uses (`names_in` of its text)."""
    counts: dict[str, int] = {}
    for used in names:
        for name in used:
            counts[name] = counts.get(name, 0) + 1
    return {name for name, n in counts.items() if n >= max(3, len(names) / 10)}


def bracket_depth(text: str, end: int) -> int:
    """How many brackets are open before ``end``: a blank inside one asks for an aside
    ("（跟后面那篇{{c1::likelihood displacement}}说的…）"), not for the fact."""
    depth = 0
    for ch in text[:end]:
        if ch in "(（":
            depth += 1
        elif ch in ")）" and depth:
            depth -= 1
    return depth


def in_brackets(cloze_text: str) -> bool:
    """The first blank stands inside brackets (``(比如{{c1::Self-Rewarding}})``)."""
    m = CLOZE_BLANK.search(cloze_text)
    return bool(m) and bracket_depth(cloze_text, m.start()) > 0


def one_of_a_list(before: str, after: str) -> bool:
    """A blank between ``before`` and ``after`` that is one name of a list ("MT-Bench、[…] 和Open
    LLM Leaderboard", "GSM8K, MATH, and […]"): any of them fits the gap. "和[…]的最优解一样"
    compares with one thing: no list."""
    if _COMPARED_WITH.search(before) and _COMPARISON.match(after):
        return False
    return bool(_BEFORE_JOIN.search(before) or _AFTER_JOIN.match(after))


_COMPARED_WITH = re.compile(r"(?:^|[^、,，])\s*(?:和|与|跟|同)\s*$")
_COMPARISON = re.compile(r"^[^、,，。；;]{0,12}?(?:一样|相同|等价|相当|类似|相似|相比|不同|一致|差不多)")


def acronym_after(answer: str, after: str) -> bool:
    """"{{c1::多目标}}RLHF(MORLHF)": an acronym a few characters on spells a Chinese blank out."""
    return bool(CJK_RE.match(answer[:1] or " ") and _ACRONYM_AFTER.match(after))


def around(text: str, m: re.Match) -> tuple[str, str]:
    """The text before and after the blank ``m``, the other blanks read as their answers."""
    plain = lambda part: CLOZE_BLANK.sub(lambda x: x.group(2), part)     # noqa: E731
    return plain(text[: m.start()]), plain(text[m.end():])


def baselines(cloze_text: str) -> set[int]:
    """The cloze numbers of blanks on a starting point: ``from {{c1::55.6%}} to 81.6%``."""
    return {int(m.group(1)) for m in CLOZE_BLANK.finditer(cloze_text)
            if re.fullmatch(r"[\d.,\s%]+", m.group(2)) and LEADS_TO.match(cloze_text, m.end())}


# "**自己生成的数据**(in-distribution)", "**特权学习**(privileged learning)": a gloss in the
# other language right after a blank gives it away, so the blank takes it in
_GLOSS_AFTER = re.compile(r"\s*(?P<bracket>[(（](?P<inner>[^()（）\d][^()（）]{0,40})[)）])")


def gloss_after(answer: str, after: str) -> str:
    """The bracketed gloss at the start of ``after`` when it says ``answer`` in the other
    language (one has Chinese, the other not), else ''."""
    m = _GLOSS_AFTER.match(after)
    if m and bool(CJK_RE.search(m.group("inner"))) != bool(CJK_RE.search(answer)):
        return m.group(0)
    return ""
