"""Merging term candidates from every paper into one glossary entry per term.

DPO appears in the keywords of most papers; the learner wants one card for
DPO, listing the papers that use it. Candidates join when they share a
surface form (abbreviation, English name, Chinese name). Keyword spellings win
over ones found in abstracts; differing translations are kept and reported.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from ..notes import slugify
from ..text.lang import CJK_CLASS, CJK_RE
from .model import Item
from .terms import TermCandidate, abbr_key, split_runs


def en_key(text: str) -> str:
    text = text.casefold().replace("optimisation", "optimization")
    text = re.sub(r"[\s\-_/]+", " ", text).strip()
    return re.sub(r"s\b", "", text)          # models ~ model


@dataclass
class Entry:
    candidates: list[tuple[str, TermCandidate]] = field(default_factory=list)  # (paper key, cand)
    # the paper the term is the name of ("KTO: Model Alignment as …"): its spelling wins over
    # what other papers' notes say of it (an expansion misremembered while citing)
    owner: str = ""

    def best(self, attr: str) -> tuple[str, list[str]]:
        """Most trusted spelling of one name, and the other spellings seen."""
        rank = {"keyword": 0, "glossary": 0, "content": 1, "abstract": 2}
        votes: Counter[str] = Counter()
        first: dict[str, tuple[int, int]] = {}
        for n, (key, c) in enumerate(self.candidates):
            value = getattr(c, attr)
            if value:
                votes[value] += 1
                # an English name checked against its abbreviation beats a loose one
                trust = rank.get(c.origin, 3) - (3 if attr == "english" and c.abbr else 0) \
                    - (10 if key == self.owner else 0)
                first[value] = min(first.get(value, (trust, n)), (trust, n))
        if not votes:
            return "", []
        order = sorted(votes, key=lambda v: (first[v][0], -votes[v], first[v][1]))
        best = order[0]
        norm = en_key if attr == "english" else (lambda x: x)
        others = [v for v in order[1:] if norm(v) != norm(best)]
        return best, others

    def author_translations(self, primary: str) -> list[str]:
        """Other Chinese names the author wrote as translations (in keywords or as a
        "term (中文)" pair), not ones read off a machine-translated abstract."""
        out: list[str] = []
        for _, c in self.candidates:
            if c.chinese and c.chinese != primary and c.origin != "abstract" and clean_name(c.chinese) \
                    and c.chinese not in out:
                out.append(c.chinese)
        return out

    @property
    def papers(self) -> list[str]:
        """Papers using the term, first-seen order (DPO: hundreds of papers, so no list scans)."""
        return list(dict.fromkeys(paper for paper, _ in self.candidates))

    @property
    def first_line(self) -> tuple[str, int]:
        rank = {"keyword": 0, "glossary": 0, "content": 1, "abstract": 2}
        paper, cand = min(self.candidates, key=lambda pc: rank.get(pc[1].origin, 3))
        return paper, cand.line


def merge(candidates: list[tuple[str, TermCandidate]]) -> list[Entry]:
    """Union candidates that share any surface form; keep first-seen order."""
    parent = list(range(len(candidates)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, (_, c) in enumerate(candidates):
        for key in _keys(c):
            if key in owner:
                a, b = find(owner[key]), find(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                owner[key] = i
    groups: dict[int, Entry] = {}
    for i, pc in enumerate(candidates):
        groups.setdefault(find(i), Entry()).candidates.append(pc)
    return [part for k in sorted(groups) for part in _split_expansions(groups[k])]


def _split_expansions(entry: Entry) -> list[Entry]:
    """One abbreviation, two expansions (RPO: Reasoning Preference Optimization in one
    paper, Regularized Preference Optimization in another) are two terms, not one card
    with two methods merged. Spellings of one expansion (optimisation, a plural, an
    extra word) stay together; a candidate without an expansion goes with the first."""
    groups: list[tuple[set[str], Entry]] = []
    bare: list = []
    for paper, cand in entry.candidates:
        if not (cand.abbr and cand.english):
            bare.append((paper, cand))
            continue
        words = set(en_key(cand.english).split())
        group = next((g for g in groups if words <= g[0] or g[0] <= words), None)
        if group is None:
            group = (words, Entry())
            groups.append(group)
        group[1].candidates.append((paper, cand))
    if len(groups) < 2:
        return [entry]
    groups[0][1].candidates[:0] = bare
    return [g[1] for g in groups]


def _keys(c: TermCandidate) -> list[str]:
    keys = []
    if c.abbr:
        keys.append("a:" + abbr_key(c.abbr))
    if c.english:
        keys.append("e:" + en_key(c.english))
    if c.chinese:
        keys.append("z:" + c.chinese)
    return keys


def glossary_items(entries: list[Entry], where: dict[str, str], ctx,
                   own_names: dict[str, list[str]] | None = None) -> list[Item]:
    """One term item per entry worth a card (see `worth_a_card`).

    ``where`` maps paper keys to their notes file, for messages and sources.
    A term a researcher already knows (``glossary.known_terms``) and a
    word-for-word pair with nothing more (unless ``glossary.vocabulary``) are
    left out; a side that is not a clean name (`clean_name`) is dropped.
    """
    items = []
    expansions = {}                 # DPO → direct preference optimization: to read "Calibrated DPO"
    for entry in entries:
        a, _ = entry.best("abbr")
        e, _ = entry.best("english")
        if a and e:
            expansions.setdefault(a.casefold(), e)
    for entry in entries:
        abbr, _ = entry.best("abbr")
        english, _ = entry.best("english")
        chinese, _ = entry.best("chinese")
        abbr, english, chinese = (n if clean_name(n) else "" for n in (abbr, english, chinese))
        # two names for one thing, or one name the author's glossary says the meaning of
        # ("Binary feedback — a single good/bad label per response")
        defined = any(c.origin == "glossary" and _says_what_it_means(c.note) for _, c in entry.candidates)
        if sum(bool(x) for x in (abbr, english, chinese)) < 2 and not defined:
            continue
        known = next((n for n in (abbr, english) if n and ctx.config.glossary.knows(n)), "")
        if known:
            paper, line = entry.first_line
            ctx.note(where[paper], line, f"'{known}' is a term the field knows (glossary.known_terms): no term card")
            continue
        remark = _described_not_named(entry, chinese)
        paper, line = entry.first_line
        if remark:
            chinese = next(c.chinese for _, c in entry.candidates if c.origin == "abstract" and c.chinese)
            ctx.note(where[paper], line, f"'{remark}' beside '{abbr or english}' says what it is to the paper, "
                     f"not its name: the card names it '{chinese}', as the paper's abstract does")
        variants = [v for v in entry.author_translations(chinese) if v != remark]
        if variants:
            ctx.warn(where[paper], line, f"term '{abbr or english}' has several translations: "
                     f"{'、'.join([chinese, *variants])}; the first is on the card")
        notes = []
        for _, c in entry.candidates:
            if c.note and c.note not in notes:
                notes.append(c.note)
        # "Multi-Objective RLHF 多目标RLHF" under MORLHF: the Chinese name, not a second line
        spelled = [n for n in notes if translation_in(n, (abbr, english))]
        if spelled and not chinese:
            chinese = translation_in(spelled[0], (abbr, english))
        notes = [n for n in notes if n not in spelled]
        # "Calibrated DPO 校准DPO" under calibrated direct preference optimization: its name again
        notes = [n for n in notes if not _names_it_again(n, english, expansions)]
        notes = [n for n in notes if not about_the_notes(n)]
        # "critic model 价值模型(GRPO直接不要了，用组内平均当baseline)": what the paper does with
        # the term, not what it means (the paper's own cards say it)
        kept_notes = []
        for n in notes:
            parts = [p for p in re.split(r"\s*[；;]\s*", n) if p]
            told = [p for p in parts if _names_its_paper(p, entry.papers, own_names or {})]
            for part in told:
                paper, line = entry.first_line
                ctx.note(where[paper], line, f"'{part}' beside '{abbr or english or chinese}' says what the paper "
                         "does with the term, not what it means: not on the term's card")
            if not told:
                kept_notes.append(n)
            elif len(told) < len(parts):
                kept_notes.append("；".join(p for p in parts if p not in told))
        notes = kept_notes
        meaning = [n for n in notes if _says_what_it_means(n)]
        if not chinese and not meaning and all(c.origin == "abstract" for _, c in entry.candidates):
            continue      # "SDXL (Stable Diffusion XL)" in an abstract: a name the author never noted
        if sum(bool(x) for x in (abbr, english, chinese)) < 2 and not (defined and meaning):
            continue
        vocabulary = ctx.config.glossary.vocabulary
        if not ((abbr and english and not reads_off(abbr, english)) or meaning or vocabulary) or \
                (not abbr and is_dictionary_word(english, chinese) and not vocabulary):
            continue      # vocabulary (or a name with a description: MT-Bench 常用评测): a dictionary does as well
        label = abbr or english or chinese
        anchor = abbr.replace(" ", "") if abbr else slugify(english or chinese)
        shown = [chinese, *variants] if variants else [chinese]
        fields = {"term": label, "english": english if abbr else "",
                  "chinese": " / ".join(shown) if label != chinese else "", "note": "；".join(notes)}
        items.append(Item(id=f"term/{anchor}", kind="term", fields=fields, papers=entry.papers,
                          source=f"{where[paper]}:{line}"))
    return items


def _described_not_named(entry: Entry, chinese: str) -> str:
    """The author's Chinese beside an acronym when it says what the term is to the paper
    (``PPO (对比对象)``: "the baseline") rather than naming it: the paper's own abstract
    names it (近端策略优化 （PPO）) with not one character in common. '' otherwise."""
    named = [c.chinese for _, c in entry.candidates if c.origin == "abstract" and c.chinese]
    if not chinese or not named or chinese in named:
        return ""
    return chinese if not any(set(CJK_RE.findall(chinese)) & set(CJK_RE.findall(n)) for n in named) else ""


def reads_off(abbr: str, english: str) -> bool:
    """An expansion the acronym already spells: every word of it is a piece of the acronym
    (``KL`` in SeqKL → sequential KL) or a word a short piece abbreviates (``Seq`` →
    sequential, ``Ctx`` → context: its letters in order, from the first).
    DRO → Distributionally Robust Optimization is knowledge; this is not."""
    pieces = re.findall(r"[A-Z][a-z]+|[A-Z]+(?![a-z])|[a-z]+|\d+", abbr)
    words = [w.casefold() for w in re.split(r"[\s/]+", english) if w]
    verbatim = {p.casefold() for p in pieces}
    shortened = [p.casefold() for p in pieces if len(p) >= 3 and not p.isupper()]
    if bool(words) and all(w in verbatim or any(_abbreviates(p, w) for p in shortened) for w in words):
        return True
    return _acronym_plus_a_word(abbr, english)


def _acronym_plus_a_word(abbr: str, english: str) -> bool:
    """``MORLHF`` → multi-objective RLHF: an acronym the expansion keeps whole, and one
    word its remaining letters are the initials of. What is new is one adjective; the
    learner reads it off (DRO → Distributionally Robust Optimization is knowledge)."""
    words = english.split()
    for n, word in enumerate(words):
        if len(word) < 2 or not word.isupper() or word not in abbr:
            continue
        left, right = abbr.split(word, 1)
        others = words[:n] + words[n + 1:]
        if len(others) != 1 or not (left or right) or (left and right):
            continue
        parts = [part for part in others[0].split("-") if part]
        initials = {others[0][:1].upper(), "".join(part[0] for part in parts).upper()}
        if (left or right).upper() in initials and (left and n == 1 or right and n == 0):
            return True
    return False


def _abbreviates(piece: str, word: str) -> bool:
    """``seq`` → sequential, ``ctx`` → context: the word starts with the piece's first letter
    and holds the rest of its letters in order."""
    if not word.startswith(piece[0]):
        return False
    at = 1
    for ch in piece[1:]:
        at = word.find(ch, at) + 1
        if not at:
            return False
    return True


def is_dictionary_word(english: str, chinese: str) -> bool:
    """One English word whose Chinese is one word of the general dictionary (ablation 消融,
    exploration 探索), or a modifier of grain (token-level 令牌级别, step-wise 逐步): what a
    dictionary teaches, whatever the notes add.
    A compound the dictionary lacks (非传递性, 悲观原则, 困惑度) is the field's term."""
    from ..text.segment import word_frequency
    if not english or not chinese or len(english.split()) != 1 or english != english.lower():
        return False
    if _GRAIN.fullmatch(english):
        return True              # token-level 令牌级别, step-wise 逐步: how fine, read off its parts
    return word_frequency(chinese) > 0


# a modifier of grain: "token-level", "step-wise", "sentence-level"
_GRAIN = re.compile(r"[a-z]+-(?:level|wise)")


def translation_in(note: str, names: tuple[str, ...]) -> str:
    """The Chinese name in a note that is only the term's own name and its translation
    (``SeqKL 序列KL散度`` under sequential KL, ``Multi-Objective RLHF 多目标RLHF`` under
    MORLHF), else ''."""
    rest = note
    for name in sorted(filter(None, names), key=len, reverse=True):
        rest = re.sub(re.escape(name), " ", rest, flags=re.I)
    rest = rest.strip(" ：:，,()（）")
    if rest != note.strip() and re.fullmatch(rf"(?=\S*[{CJK_CLASS}])[{CJK_CLASS}A-Za-z0-9-]{{1,10}}", rest):
        return rest
    return ""


# a gloss that rates the term instead of saying what it is: 离线RL里的"金标准", 很常用, 经典方法
_RATES_ONLY = re.compile(r"^[^，,。；;]{0,12}(?:[“\"「][^”\"」]{1,8}[”\"」]|金标准|经典|常用|标配|很重要|最重要)[^，,。；;]{0,6}$")


def _says_what_it_means(note: str) -> bool:
    """A gloss that explains (``A比B好，B比C好，但C比A好``), not another term pair
    (``inverse perplexity 逆困惑度``), another name (``critic``), a pointer to other notes
    (``和第6篇…一个意思``) nor a rating (``离线RL里的"金标准"``: what the term is, it does not say)."""
    if _RATES_ONLY.match(note.strip()):
        return False
    runs = split_runs(note)
    pair = [lang for lang, _ in runs] == ["en", "zh"] and len(runs[1][1]) <= 8 and len(runs[0][1].split()) >= 2
    # "几率比" under odds ratio 优势比, "欠指定" under 欠规范: another translation, no meaning;
    # "critic" under value network 价值网络: another name
    other_translation = bool(re.fullmatch(rf"[{CJK_CLASS}]{{1,6}}|[A-Za-z][A-Za-z0-9-]*(?: [A-Za-z][A-Za-z0-9-]*)?", note.strip()))
    return not pair and not other_translation


def _names_it_again(note: str, english: str, expansions: dict[str, str]) -> bool:
    """A note that is the term's own expansion with an acronym left in it, and its Chinese
    (``Calibrated DPO 校准DPO`` for calibrated direct preference optimization): a name the
    card shows already, not what the term means."""
    latin = CJK_RE.split(note)[0] if english else ""
    rest = note[len(latin):].strip()
    if len(latin.split()) < 2 or len(rest) > 10 or re.search(r"[\s，,。；;：:]", rest):
        return False            # "MAB问题是一个exploration vs. exploitation优化问题" says more than a name

    def plain(text: str) -> str:
        return " ".join(re.sub(r"[-_/]", " ", text).casefold().replace("isation", "ization").split())

    spelled = " ".join(expansions.get(w.casefold(), w) for w in latin.split())
    return plain(spelled) == plain(english) or plain(latin) == plain(english)


def _names_its_paper(note: str, papers: list[str], own_names: dict[str, list[str]]) -> bool:
    """Whether a remark names its paper's own method (``GRPO直接不要了…`` under critic model)."""
    names = {n.casefold() for p in papers for n in own_names.get(p, []) if n and len(n) >= 3}
    folded = note.casefold()
    return any(re.search(rf"(?<![a-z0-9]){re.escape(n)}(?![a-z0-9])", folded) for n in names)


def about_the_notes(note: str) -> bool:
    """``和第6篇…一个意思``, ``之前UNA那篇我把KTO的全称写错了``: a remark on the notes
    themselves, which the back of a term card has no use for."""
    return bool(re.search(r"第\s*\d+\s*篇|那篇|上一篇|前一篇", note))


_LATEX_OR_REF = re.compile(r"\\[A-Za-z]|\$|\b(?:fig(?:ure)?|table|tab|appendix|app|eq|section|sec)\.?\s*\d"
                           r"|^(?:图|表|附录|公式)\s*\d", re.I)


@lru_cache(maxsize=16384)
def clean_name(name: str) -> bool:
    """Whether a term side is a name: words, not punctuation, LaTeX, a figure or
    appendix reference, or a fragment starting or ending on a function word
    (``例如直接偏好优化``, ``的偏好对齐``, ``of the reward``). Cached: the first pass asks
    it of every glossary name after every paper's reading, twice for most."""
    name = (name or "").strip()
    if not name or not re.search(r"[A-Za-z0-9\u3400-\u9fff]", name) or _LATEX_OR_REF.search(name):
        return False
    if re.search(r"[；;。，,！？!?]", name) or len(name) > 60:
        return False
    if not re.search(r"[A-Za-z]{2}|[\u3400-\u9fff]", name) or re.fullmatch(r"[\d.]+\s*[BMKk]?", name):
        return False                      # a size or a number ("0.4B", "7B"), not a name
    from ..text.segment import words
    if re.search(r"[\u3400-\u9fff]", name):
        toks = [t for t in words(name) if t.strip()]
        return not (toks and (toks[0] in _ZH_EDGE_WORDS or toks[-1] in _ZH_EDGE_WORDS))
    toks = name.split()
    return not (toks[0].casefold() in _EN_EDGE_WORDS or toks[-1].casefold() in _EN_EDGE_WORDS)


# Words that glue onto a name in running text and never start or end one: particles,
# prepositions, conjunctions and the verbs that introduce a name (基于直接偏好优化, 例如DPO).
_ZH_EDGE_WORDS = frozenset("""的 地 得 了 着 过 和 与 及 或 是 在 对 把 被 将 从 向 为 以 于 由 也 都 就 而 且 但 并
又 还 等 之 其 这 那 该 此 即 如 用 们 个 种 上 下 里 做 到 让 使 给 例如 比如 基于 采用 使用 利用 通过 包括 提出 引入 称为 以及 我们
一种 一个 进行 可以 能够 对于 关于 用于 作为 如何 什么""".split())
_EN_EDGE_WORDS = frozenset("""the a an of with for and or to in on by from as at via using based that which this
these those is are be we our its their""".split())
