"""Where a blank asks nothing or gives itself away: one home for the placement rules
every cloze rule applies (the notes' sub-headings, their sentences, the abstract).

Each is a pure check on the card's text around one blank: inside brackets (an
aside, an example), one name of a list (any name fits), a Chinese blank an
acronym right after it spells out, and the starting point of a ``from → to``
result (the result is what was reached).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..text import CLOZE_BLANK
from ..text.lang import CJK_CLASS, CJK_RE, CJK_RUN
from ..text.markup import ATOM_CLASS
from ..text.segment import words
from ..text.stopwords import is_stopword

# "55.6% → 81.6%", "from 55.6% to 81.6%", "从22.9%提升到51.7%", "10至20"
_ARROW = r"(?:→|->|\bto\b|(?:提升|提高)?到|至)"
LEADS_TO = re.compile(r"\s*" + _ARROW, re.I)          # right after a starting number
REACHED_FROM = re.compile(_ARROW + r"\s*$", re.I)     # right before the number reached

# a number with its unit (72.4%, 6.4 points, 3倍, 10至20个百分点): a result worth a blank
NUMBER_BLANK = re.compile(r"(?<![A-Za-z0-9_.])\d+(?:\.\d+)?(?:\s*[-–~至]\s*\d+(?:\.\d+)?)?\s*"
                          r"(?:%|个百分点|倍|分(?![钟之类布])|[xX×](?![A-Za-z])|\s(?:points?|pp)\b)")
# a number's label: math (as written, or the scanner's one-character atom for it), or a word
# ("→ 第二次 41.4%": four Chinese characters at most, right after an arrow)
_LABEL_BEFORE = re.compile(rf"(?:\\\([^\\]*\\\)|\$[^$]*\$|[{ATOM_CLASS}]|[A-Za-z][\w.-]*|(?:(?<=→)|(?<=→ ))[{CJK_CLASS}]{{1,4}})\s*[：:]?\s*$")


_ARROWED = re.compile(r"(?<=→ )\d+(?:\.\d+)?(?![\d.%])|(?<=→)\d+(?:\.\d+)?(?![\d.%])")


def result_numbers(plain: str) -> list[str]:
    """The numbers worth a blank, the result first: in ``55.6% → 81.6%`` or ``从22.9%提升到51.7%``
    what the method reached is the later number, the earlier one is the baseline."""
    # a number with its unit, or any number an arrow leads to ("相关性 0.94 → 0.98")
    found = sorted([*NUMBER_BLANK.finditer(plain), *(m for m in _ARROWED.finditer(plain)
                                                     if not NUMBER_BLANK.match(plain, m.start()))],
                   key=lambda m: m.start())
    # "→ 81.6%", "→ $M_2$ 15.38%": an arrow right before, or before a label of the number
    reached = [m for m in found if REACHED_FROM.search(_LABEL_BEFORE.sub("", plain[max(0, m.start() - 24): m.start()]))]
    # a chain ("9.94% → 15.38% → 20.44%") is asked at its end, not at a step it passes
    reached = [m for m in reached if not LEADS_TO.match(plain, m.end())]
    return [m.group(0) for m in reached + [m for m in found if m not in reached]]


# a blank between list separators: Chinese joins, or English ones with a name on their far side
_BEFORE_JOIN = re.compile(r"(?:、|和|及|与|以及)\s*$|[A-Z0-9][\w.+-]*\)?\s*(?:,|/|\band|\bor)\s*(?:and\s+)?$")
_AFTER_JOIN = re.compile(r"^\s*(?:、|和|及|与|以及)|^\s*(?:,|/|and\b|or\b)\s*(?:and\s+)?[A-Z0-9]")
_ACRONYM_AFTER = re.compile(rf"[\w{CJK_CLASS}-]{{1,8}}\s*[(（][A-Z][A-Za-z0-9-]{{1,10}}[)）]")


# a name: SimPO, GSM8K, Bradley-Terry, ΨPO; not a year (2024), not a bare acronym of two letters (RL)
_NAME_PATTERN = (r"(?=\w{3})[A-Za-z]*[A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9-]*|[A-Z][a-z]+(?:-[A-Z][a-z]+)+"
                 r"|(?=[\w-]*[A-Za-z])(?=[\w-]*\d)[A-Za-z0-9][\w-]{2,}")
NAME = re.compile(_NAME_PATTERN)
_NAME_IN_TEXT = re.compile(_NAME_PATTERN, re.ASCII)      # in running text a CJK neighbour is no part of it


# a name of several capitalized words in Chinese text: "Chat Hard", "Prior Sets", "Anthropic HH"
PHRASE_NAME = re.compile(rf"(?:^|(?<=[{CJK_CLASS}(（、，,]))(?!(?:The|A|An|In|On|For|With|And|Of) )"
                         r"[A-Z][A-Za-z]+(?: [A-Z][A-Za-z0-9]+){1,3}(?=[" + CJK_CLASS + r"(（)）、，,。；;：:]|$)")


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


# what a blank labels when a colon follows it closely: the items of a list after the colon
_LABELS_A_LIST = re.compile(r"^[^，,。；;：:\n]{0,12}[：:]\s*(?P<items>[^。；;\n]*)")


def labels_a_list(before: str, after: str) -> bool:
    """A blank on the label of the list after its colon ("从[不同来源]拿多个回答：模型自己采样的、
    别的LLM的、人写的"): the items spell out what the label says, so the label is guessed
    from them. ``before``/``after``: the text around the blank (`around`)."""
    m = _LABELS_A_LIST.match(after)
    if not m:
        return False
    return m.group("items").count("、") >= 2       # a list, not a description ("很长的轨迹不用一次生成完，…")


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


_EN_WORD = re.compile(r"[A-Za-z]{3,}")


def _en_words(text: str) -> set[str]:
    """Content words of English text, casefolded, a plural's ``s`` dropped."""
    out = set()
    for w in _EN_WORD.findall(text):
        w = w.casefold()
        if not is_stopword(w):
            out.add(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w)
    return out


def _zh_words(text: str) -> list[str]:
    """The Chinese words of two characters or more (jieba's cut) in ``text``."""
    return [w for run in CJK_RUN.findall(text) for w in words(run) if len(w) >= 2 and not is_stopword(w)]


def hinted(answer: str, rest: str, names: list[str] = ()) -> bool:
    """The rest of the card half-spells a blank's answer, so the blank asks nothing:
    ``derive the [preference label] … inherent preference`` (half its English words printed:
    the other half is the one to recall), ``不需要显式[奖励模型]`` beside "奖励是…" and
    "Bradley-Terry模型" (every Chinese word printed; ``目标奖励间隔`` beside 目标 and 奖励
    still asks 间隔),
    ``[文生图]…图文对`` (two of its three characters together), ``ORPO：… [odds ratio] loss``
    (the paper's name spells its initials). A blank with no word printed elsewhere is not."""
    en = _en_words(answer)
    if len(en) >= 2 and 2 * len(en & _en_words(rest)) >= len(en):
        return True
    # its acronym printed beside it: "[LC win rate] … LC胜率"
    if len(answer.split()) >= 2 and any(re.search(rf"(?<![A-Za-z]){a}(?![A-Za-z])", rest, re.I)
                                        for a in re.findall(r"\b[A-Z]{2,}\b", answer)):
        return True
    zh = _zh_words(answer)
    if len(zh) >= 2 and set(zh) <= set(_zh_words(rest)):
        return True
    word = answer.strip()
    if len(word) == 3 and CJK_RUN.fullmatch(word):
        # two of its characters side by side, in either order (图文 for 文生图)
        if any(a + b in rest or b + a in rest for i, a in enumerate(word) for b in word[i + 1:]):
            return True
    return _spelled_by_initials(answer, names)


def expands_own_name(answer: str, long_names: Sequence[str], other_names: Mapping[str, set[str]]) -> bool:
    """The blank is what the paper's own name stands for, in either language: ``SCoRe：
    [自我纠错]是很想要的能力`` (SCoRe = Self-Correction via RL; self-correction = 自我纠错),
    ``Cal-DPO：…[校准项]`` (Cal-DPO = 校准DPO). The name is on the front: it answers.
    ``long_names`` are the long forms of the paper's names and their Chinese names; a
    Chinese answer counts when two thirds of it are words of one of them, an English one
    (or the English name of a Chinese one) when all of its two words or more are."""
    cjk = sum(len(run) for run in CJK_RUN.findall(answer))
    zh = _zh_words(answer) if cjk >= 2 else []
    english = [n for n in (answer, *other_names.get(answer.casefold(), ())) if len(_en_words(n)) >= 2]
    for long in long_names:
        if CJK_RUN.search(long) and zh:
            if 3 * sum(len(w) for w in zh if w in long) >= 2 * cjk:
                return True
        elif any(_stems(n) <= _stems(long) for n in english):
            return True
    return False


def _stems(text: str) -> set[str]:
    """English content words cut to seven letters: self-correction and Self-Correcting meet."""
    return {w[:7] for w in _en_words(text)}


def named_in_other_words(answer: str, names: list[str], other_names: Mapping[str, set[str]]) -> bool:
    """The paper's name says the answer in the other language: "RewardBench" on the front,
    "[奖励模型]" (reward model) asked; "…Help Mitigate Overoptimization", "[过度优化]"."""
    words = " ".join(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", n) for n in names if n)
    return any(hinted(other, words) if " " in other else
               len(other) >= 6 and re.search(rf"(?<![A-Za-z]){re.escape(other)}(?![A-Za-z])", words, re.I)
               for other in other_names.get(answer.casefold(), ()))


def _spelled_by_initials(answer: str, names: list[str]) -> bool:
    """An English phrase of two words or more whose initials stand in a name on the card
    (``odds ratio`` in ORPO, ``direct preference`` in NS-DPO)."""
    words = [w for w in re.split(r"[\s-]+", answer.strip()) if w]
    if len(words) < 2 or not all(re.fullmatch(r"[A-Za-z][A-Za-z]*", w) for w in words):
        return False
    initials = "".join(w[0] for w in words).upper()
    tokens = (t for name in names for t in re.findall(r"[\w-]+", name or "", re.ASCII))
    return any(initials in re.sub(r"[^A-Z]", "", t) for t in tokens)


_BOLD_SPAN = re.compile(r"\*\*(?P<inner>[^*\n]{1,40})\*\*")
_MAY_HOLD_ADVERB = re.compile(r"[非很就都也最更太才已尤极十相较比]")
_NOUNISH = ("n", "eng", "vn", "b", "an", "x")          # jieba's tags of a noun phrase's words


_EN_PREDICATE = re.compile(r"\s+(?:is|are|was|were|has|have|had|can|cannot|does|do|did|will|would|should|must)\s+\w", re.I)
# a pronoun or determiner with at most a short noun after it: 任何, 别的模型, 其他方法 (a closed class
# of words, listed: not worth loading the part-of-speech tagger for)
_DETERMINED = re.compile(r"(?:任何|别的|其他|其它|所有|这些|那些|这个|那个|这种|那种|每个|各种|某些|自己|它们?|他们)"
                         rf"[{CJK_CLASS}]{{0,2}}")
_NEGATION = re.compile(rf"[不没无非未][{CJK_CLASS}]?")
_ORDINAL = re.compile(r"第[一二三四五六七八九十\d]{1,3}[个次名位]?")
# one or two Chinese characters in bold: a word stressed (**模拟**, **相对**, **差**), which the
# sentence around it gives away or any other word fits; a term is longer
_ONE_WORD = re.compile(rf"[{CJK_CLASS}]{{1,2}}")


def narrow_bold(text: str) -> str:
    """The author's bold as the word to ask. ``**NLL项非常关键**`` → ``**NLL项**非常关键``:
    bold around a claim (a noun phrase, an adverb, what is said of it) marks its subject;
    a blank on the whole claim asks the learner to reproduce a sentence. Bold that only
    stresses (``比**任何**竞争策略``, ``**别的模型**生成的``, ``是**第一个**``: a pronoun or a
    determiner with a short noun after it, an ordinal, a lone negation) is no word to ask: it
    is unbolded. Bold that opens on a verb (``**缺少主动探索**``) is left as written. English
    alike: ``**KL penalty is removed**`` asks "KL penalty". Bold around a change of a number
    (``**16.8% → 12.7%**``) asks the number reached."""
    return _BOLD_SPAN.sub(lambda m: _narrowed(m.group("inner")), text)


def _narrowed(inner: str) -> str:
    """One bold span's text (``inner``) as `narrow_bold` writes it back."""
    stop = re.search(r"[.:：。]+$", inner)
    if stop and stop.start() >= 2:                 # "**Clip-Higher.**": the stop is no part of the name
        return _narrowed(inner[:stop.start()]) + stop.group(0)
    reached = result_numbers(inner)
    if len(reached) >= 2 and inner.count(reached[0]) == 1:     # "**16.8% → 12.7%**" asks where it went
        at = inner.index(reached[0])
        return f"{inner[:at]}**{reached[0]}**{inner[at + len(reached[0]):]}"
    if not CJK_RE.search(inner):
        said = _EN_PREDICATE.search(inner)         # "**KL penalty is removed**" asks "KL penalty"
        if said and said.start() >= 3:
            return f"**{inner[:said.start()].rstrip()}** {inner[said.start():].lstrip()}"
        return f"**{inner}**"
    if _ORDINAL.fullmatch(inner.strip()) or _NEGATION.fullmatch(inner.strip()) or _DETERMINED.fullmatch(inner.strip()) \
            or _ONE_WORD.fullmatch(inner.strip()):
        return inner                               # "是**第一个**", "**不用**MCTS", "比**任何**", "**模拟**": stress
    if not _MAY_HOLD_ADVERB.search(inner):
        return f"**{inner}**"
    from ..text.segment import pos_tags            # the tagger loads once, for the few bold claims
    head = ""
    for word, tag in pos_tags(inner):
        if tag == "d" and len(head) >= 2:
            return f"**{head}**{inner[len(head):]}"
        if not tag.startswith(_NOUNISH):
            break
        head += word
    return f"**{inner}**"


_FIGURE = re.compile(r"(?<![A-Za-z0-9_.])\d+(?:\.\d+)?(?![A-Za-z0-9_])")


def derivable(answer: str, rest: str) -> bool:
    """A number the rest of the card computes: ``7% → [33%]，绝对提升26%`` (7 + 26),
    ``[41.4%] … Δ = −11.2% … 52.6%``: one sum or difference of two other figures on it."""
    asked = _FIGURE.search(answer)
    figures = [float(f) for f in _FIGURE.findall(rest)]
    if not asked or not 2 <= len(figures) <= 6:
        return False
    value = float(asked.group(0))
    near = max(0.051, value * 0.001)
    return any(abs(abs(a - b) - value) < near or abs(a + b - value) < near
               for i, a in enumerate(figures) for b in figures[i + 1:])
