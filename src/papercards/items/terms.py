"""Recognising terms in the shapes people write them.

Pure string functions, no jieba: keyword bullets (``DPO (直接偏好优化 Direct
Preference Optimization)``, ``non-stationarity 非平稳性``, ``KTO(Knowledge
Transfer Optimization)``, bare ``Fine-Tuning``), Schwartz–Hearst
abbreviation definitions in English prose (``Direct Preference Optimization
(DPO)``), and ``中文(English)`` / ``English(中文)`` pairs in content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
_RUNS = re.compile(f"([{_CJK}][{_CJK}\\s·]*)|([^{_CJK}]+)")
# Greek letters count as letters: χPO, ΨPO, β-DPO are names like SimPO
_ABBR = re.compile(r"^(?:[A-Z][a-z]?\.\s?)?[A-Za-z0-9\u0370-\u03ff]*[A-Z\u0391-\u03a9][A-Za-z0-9\u0370-\u03ff]*"
                   r"(?:[-/.][A-Za-z0-9\u0370-\u03ff]+)*s?$")

# Chinese that reads as a remark, not as the name of a thing.
_REMARK_MARKERS = ("是", "用于", "主要", "指", "一种", "一个", "可以", "通过", "问题", "因为",
                   "表示", "例如", "比如", "，", "。", "：", ":", "；", "名字", "名称")


@dataclass
class TermCandidate:
    abbr: str = ""
    english: str = ""
    chinese: str = ""
    note: str = ""
    line: int = 0
    # keyword | glossary (the author's "Term — meaning" lines: its note is its meaning) | abstract | content
    origin: str = "keyword"

    @property
    def is_card(self) -> bool:
        """Two names for one thing: enough for a glossary card."""
        return sum(bool(x) for x in (self.abbr, self.english, self.chinese)) >= 2

    @property
    def label(self) -> str:
        return self.abbr or self.english or self.chinese


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text))


def is_abbreviation(text: str) -> bool:
    """DPO, NS-DPO, LLMs, RLHF/PPO, Dr. DPO, 3D — short tokens with capitals."""
    text = text.strip()
    if not text or len(text) > 16 or has_cjk(text):
        return False
    if " " in text and not re.match(r"^[A-Z][a-z]?\.\s[A-Z]", text):
        return False
    return bool(_ABBR.match(text)) and sum(c.isupper() for c in text) >= 2


def abbr_key(abbr: str) -> str:
    """LLMs → LLM (plural s); the spelling otherwise kept."""
    abbr = abbr.strip()
    if len(abbr) > 2 and abbr.endswith("s") and abbr[:-1].isupper():
        return abbr[:-1]
    return abbr


def split_runs(text: str) -> list[tuple[str, str]]:
    """[('zh'|'en', run)] alternating CJK and non-CJK runs, stripped, empties dropped."""
    out = []
    for m in _RUNS.finditer(text):
        run = m.group(0).strip(" \t()（）")
        if run:
            out.append(("zh" if m.group(1) else "en", run))
    return out


def split_top_level(text: str, seps: str) -> list[str]:
    """``text`` cut at any of ``seps`` outside brackets and ``$…$`` math, parts stripped,
    empty ones dropped."""
    parts, depth, math, cur = [], 0, False, []
    for ch in text:
        if ch == "$":
            math = not math
        elif not math and ch in "(（[":
            depth += 1
        elif not math and ch in ")）]":
            depth = max(0, depth - 1)
        if ch in seps and depth == 0 and not math:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def _paren(text: str) -> tuple[str, str, str]:
    """'head (inside) tail' → parts; unclosed paren runs to the end."""
    m = re.search(r"[(（]", text)
    if not m:
        return text.strip(), "", ""
    depth, end = 0, len(text)
    for i in range(m.start(), len(text)):
        if text[i] in "(（":
            depth += 1
        elif text[i] in ")）":
            depth -= 1
            if depth == 0:
                end = i
                break
    return text[: m.start()].strip(), text[m.start() + 1: end].strip(), text[end + 1:].strip()


_STOP_EN = {"of", "from", "for", "and", "the", "to", "in", "on", "with", "by", "via", "a", "an",
            "using", "under", "at", "as", "or"}


def long_form(abbr: str, candidate: str) -> str | None:
    """The tail of ``candidate`` that ``abbr`` abbreviates, or None.

    First by word initials (hyphen parts count: NS-DPO ← "Non-Stationary
    Direct Preference Optimisation"), else Schwartz–Hearst: every letter found
    in order, the first at the start of a word (UNA ← "UNified Alignment").
    """
    letters = [c.lower() for c in abbr_key(abbr) if c.isalnum()]
    if len(letters) < 2 or not letters[0].isalpha() or has_cjk(candidate):
        return None
    by_initials = _initials_form(letters, candidate)
    if by_initials:
        return by_initials
    s, li = len(letters) - 1, len(candidate) - 1
    while s >= 0:
        c = letters[s]
        while li >= 0 and (candidate[li].lower() != c or
                           (s == 0 and li > 0 and candidate[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        s -= 1
        li -= 1
    start = li + 1
    while start > 0 and candidate[start - 1].isalnum():
        start -= 1
    result = candidate[start:].strip(" -–—,;:")
    words = result.split()
    if len(words) < 2 and "-" not in result:
        return None
    if len(words) > len(letters) + 3 or result.lower() == abbr.lower():
        return None
    return result


def _initials_form(letters: list[str], candidate: str) -> str | None:
    words = candidate.split()
    initials: list[str] = []          # of the parts of words[start:], collected last first
    for start in range(len(words) - 1, -1, -1):
        parts = [p for p in re.split(r"[-/]", words[start]) if p]
        initials += [p[0].lower() for p in reversed(parts) if p.lower() not in _STOP_EN]
        if initials[::-1] == letters and words[start].lower() not in _STOP_EN:
            return " ".join(words[start:]).strip(" ,;:")
        if len(initials) > len(letters):
            break
    return None


def parse_keyword(text: str, line: int = 0) -> list[TermCandidate]:
    """One keyword bullet → one or more candidates (comma lists are split; what follows a
    colon is the author's remark on the term, whole)."""
    text = text.strip().rstrip("。.;；,，")
    remark = _REMARK_AFTER.match(text)
    if remark and not _REMARK_AFTER.match(remark.group("term")):
        out = parse_keyword(remark.group("term"), line)
        if len(out) == 1:
            out[0].note = (out[0].note + " " + _expansion_of(out[0], remark.group("remark").strip())).strip()
            return out
    pairs = _SLASHED_PAIRS.match(text)
    if pairs:
        ens, zhs = pairs.group("en").split("/"), pairs.group("zh").split("/")
        if len(ens) == len(zhs):       # "off-policy / on-policy 离策略 / 在策略": two terms
            return [c for en, zh in zip(ens, zhs) for c in parse_keyword(f"{en.strip()} {zh.strip()}", line)]
    parts = split_top_level(text, ",，、;；")
    if len(parts) > 1 and all(len(p) <= 48 for p in parts):
        out = []
        for p in parts:
            out.extend(parse_keyword(p, line))
        return out
    head, inside, tail = _paren(text)
    cand = TermCandidate(line=line)
    more: list[str] = []
    for lang, run in _glue_acronyms(split_runs(head), head):
        if lang == "zh" and not cand.chinese:
            cand.chinese = run
        elif lang == "en":
            if is_abbreviation(run) and not cand.abbr and not cand.english:
                cand.abbr = run
            elif not cand.english:
                cand.english = run
            else:
                more.append(run)
    cand.note = _joined_note(more)
    if inside:
        _read_paren(cand, inside)
    if tail:
        cand.note = (cand.note + " " + tail).strip()
    if cand.english and not cand.abbr and is_abbreviation(cand.english):
        cand.abbr, cand.english = cand.english, ""
    if not re.search(rf"[A-Za-z0-9{_CJK}]", cand.note):
        cand.note = ""                 # "/" left over from "A / B": no remark
    return [cand]


# "critic model 价值模型: GRPO直接不要了，用组内平均当baseline", "Binary feedback — a single good/bad
# label" (a glossary's dash): the term, then a remark on it
_REMARK_AFTER = re.compile(r"^(?P<term>[^:：()（）]+?(?:[(（][^()（）]*[)）])?)(?:\s*[:：]|\s*—+|\s+[–-]{1,2}(?=\s))"
                           r"\s*(?P<remark>\S.*)$", re.S)
# "off-policy / on-policy 离策略 / 在策略"
_SLASHED_PAIRS = re.compile(rf"^(?P<en>[A-Za-z][^{_CJK}]*?/[^{_CJK}]*?)\s+(?P<zh>[{_CJK}][^A-Za-z]*/[^A-Za-z]*)$")


def _expansion_of(cand: TermCandidate, remark: str) -> str:
    """``UDM — underlying distribution matching; reweights…``: a remark that opens on the
    acronym's long form names it (its English) before saying more; the rest is returned."""
    head = re.match(r"^(?P<name>[^,;，；()（）]+?)\s*(?:[,;，；]\s*(?P<rest>.*))?$", remark, re.S)
    if cand.abbr and not cand.english and head and long_form(cand.abbr, head.group("name")) == head.group("name"):
        cand.english = head.group("name")
        return head.group("rest") or ""
    return remark


def _glue_acronyms(runs: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    """A Chinese name with an acronym written into it (``前向KL散度``, ``对比LLM``) is
    one Chinese run: an acronym glued to Chinese with no space belongs to it."""
    out: list[tuple[str, str]] = []
    pos = 0
    for lang, run in runs:
        start = text.find(run, pos)
        pos = start + len(run) if start >= 0 else pos
        glued = start > 0 and not text[start - 1].isspace()
        after_zh = start > 0 and _CJK_RE.match(text[start - 1])
        if out and out[-1][0] == "zh" and glued and (lang == "zh" or (
                after_zh and " " not in run and is_abbreviation(run))):
            out[-1] = ("zh", out[-1][1] + run)
        else:
            out.append((lang, run))
    return out


def _joined_note(runs: list[str]) -> str:
    """``note = (note + " " + run).strip()`` over ``runs``, in one pass: adding to the
    string run by run was quadratic on a long line."""
    parts: list[str] = []
    for run in runs:
        run = run.rstrip() if parts else run.strip()
        if run.strip():
            parts.append(run)
    return " ".join(parts)


def _read_paren(cand: TermCandidate, inside: str) -> None:
    # "(Kahneman-Tversky Optimization，之前那篇我写错了)": a name, then the author's remark
    named = re.match(r"^(?P<name>[^，,；;]{3,60})[，,；;]\s*(?P<remark>\S.*)$", inside, re.S)
    if named and len(split_top_level(named.group("name"), "、/")) == 1:
        probe = TermCandidate(abbr=cand.abbr, english=cand.english, chinese=cand.chinese)
        _read_paren(probe, named.group("name"))
        if not probe.note and (probe.english, probe.chinese, probe.abbr) != (cand.english, cand.chinese, cand.abbr):
            cand.abbr, cand.english, cand.chinese = probe.abbr, probe.english, probe.chinese
            cand.note = (cand.note + " " + named.group("remark")).strip()
            return
    runs = split_runs(inside)
    if cand.chinese and not cand.abbr and not cand.english and is_abbreviation(inside):
        cand.abbr = inside
        return
    zh = [r for lang, r in runs if lang == "zh"]
    en = [r for lang, r in runs if lang == "en"]
    name_like = len(runs) <= 2 and all(len(z) <= 14 and not any(m in z for m in _REMARK_MARKERS)
                                        for z in zh)
    if name_like:
        for r in en:
            if is_abbreviation(r) and not cand.abbr and cand.english and long_form(r, cand.english):
                cand.abbr = r
            elif cand.abbr and not cand.english and (long_form(cand.abbr, r) or len(r.split()) >= 2):
                cand.english = r
            elif not cand.english and not is_abbreviation(r):
                cand.english = r
            else:
                name_like = False
        if name_like and zh:
            if cand.chinese:
                name_like = False
            else:
                cand.chinese = zh[0]
        if name_like:
            return
    # A remark: keep it whole as a note, and look inside for the abbreviation.
    cand.note = inside
    m = re.match(r"^([A-Z][A-Za-z0-9\-]{1,10})", inside)
    if m and not cand.abbr and cand.english and long_form(m.group(1), cand.english):
        cand.abbr = m.group(1)


_PAREN_ABBR = re.compile(r"[(（]\s*([A-Z][A-Za-z0-9.\-/ ]{0,14}?[A-Za-z0-9])\s*[)）]")
_LONG_FORM_SPAN = 1000   # characters before a bracket that hold its long form
_LONGEST_WORD = 80       # a longer run without a space is no word of a long form


def abbreviations_in(text: str, line: int = 0) -> list[TermCandidate]:
    """'Long Form (LF)' definitions in English prose."""
    out = []
    for m in _PAREN_ABBR.finditer(text):
        abbr = m.group(1)
        if not is_abbreviation(abbr):
            continue
        lf = long_form(abbr, " ".join(_words_before(text, m.start(), len(abbr) + 4)))
        if lf:   # "\textbf{UN}ified" leaves "UNified": write it as a word
            lf = re.sub(r"\b([A-Z]{2,})([a-z]+)\b", lambda w: (w.group(1) + w.group(2)).capitalize(), lf)
        if lf and not re.search(r"[,;:.!?]", lf[:-1]):
            out.append(TermCandidate(abbr=abbr_key(abbr), english=lf, line=line, origin="abstract"))
    return out


def _words_before(text: str, end: int, count: int) -> list[str]:
    """The last ``count`` words of the line that ends at ``end`` (trailing space skipped),
    read from its last ``_LONG_FORM_SPAN`` characters and stopped by a word longer than
    ``_LONGEST_WORD``.

    Bounded, so that each bracket costs the same on a long line: slicing and splitting
    the whole text before every bracket was quadratic.
    """
    while end > 0 and text[end - 1].isspace():
        end -= 1
    start = max(0, end - _LONG_FORM_SPAN)
    start = text.rfind("\n", start, end) + 1 or start
    words = text[start:end].split()
    if words and start > 0 and not text[start - 1].isspace() and not text[start].isspace():
        words = words[1:]                  # cut by the window
    words = words[-count:]
    for k in range(len(words) - 1, -1, -1):
        if len(words[k]) > _LONGEST_WORD:
            return words[k + 1:]
    return words


# Both patterns start a match only where a run of their script starts (the
# lookbehinds): a run that is not followed by its bracket then costs one pass,
# not one pass from each of its characters (quadratic on a long line). The
# matches are the same: a match can only begin at the start of its run (for
# English, at the run's first letter: the ``-*`` skips leading hyphens).
_PAIR_ZH_EN = re.compile(f"(?<![{_CJK}])([{_CJK}]{{2,}})\\s*[(（]\\s*([A-Za-z][A-Za-z\\- ]{{1,60}}[A-Za-z])\\s*[)）]")
_PAIR_EN_ZH = re.compile(f"(?<![A-Za-z\\-])-*([A-Za-z][A-Za-z\\-]*(?:\\s+[A-Za-z][A-Za-z\\-]*){{0,5}})"
                         f"\\s*[(（]\\s*([{_CJK}]{{2,14}})\\s*[)）]")


# 分布稳健优化(Distributionally Robust Optimization, DRO): a name, its English and its acronym
_PAIR_ZH_EN_ABBR = re.compile(f"(?<![{_CJK}])([{_CJK}]{{2,}})\\s*[(（]\\s*([A-Za-z][A-Za-z\\- ]{{1,60}}[A-Za-z])"
                              f"\\s*[,，]\\s*([A-Za-z][A-Za-z0-9\\-]{{1,15}})\\s*[)）]")


def named_pairs_in(text: str) -> list[tuple[str, str, str]]:
    """(chinese run, english, acronym) written ``中文(English Name, ABBR)``; the Chinese
    side is the whole run before the bracket, for the caller to trim to the name."""
    out = []
    for m in _PAIR_ZH_EN_ABBR.finditer(text):
        english, abbr = m.group(2).strip(), m.group(3).strip()
        if is_abbreviation(abbr) and long_form(abbr, english) and len(english.split()) <= 6:
            out.append((m.group(1), english, abbr))
    return out


def pairs_in(text: str) -> list[tuple[str, str, bool]]:
    """(english, chinese, needs_trim) translation pairs written inline.

    For ``中文(English)`` the Chinese side is the whole run before the bracket
    (``…离线偏好数据集的``): the caller trims it to the name on word boundaries.
    For ``English(中文)`` the bracket already delimits the name.
    """
    out = []
    for m in _PAIR_ZH_EN.finditer(text):
        en = m.group(2).strip()
        if len(en.split()) <= 5 and not is_abbreviation(en):
            out.append((en, m.group(1), True))
    for m in _PAIR_EN_ZH.finditer(text):
        words = m.group(1).split()
        while len(words) > 1 and any(w.lower() in _STOP_EN for w in words):
            words = words[1:]
        en = " ".join(words)
        if not is_abbreviation(en) and len(en) >= 4 and en.lower() not in _STOP_EN:
            out.append((en, m.group(2), False))
    return out


_LEAD_BREAKS = {"了", "是", "而", "和", "与", "其中", "我们", "提出", "使用", "利用", "通过", "引入", "将",
                "在", "对", "为", "即", "称为", "一种", "这种", "该", "本", "及", "以及", "并", "或",
                "可能", "收到", "受到", "由", "从", "中", "等"}


def trim_chinese_name(tokens: list[str], english: str) -> tuple[str, bool]:
    """Walk back over jieba tokens to the start of the name that ``english`` translates.

    Bounded by the English content-word count (about 2.5 characters per word)
    and stopped at function words and punctuation. Returns (name, certain):
    certain when a break, not the length bound, ended the name.
    """
    toks = list(tokens)
    while toks and toks[-1] in ("的", " "):
        toks.pop()
    words = [w for w in re.findall(r"[A-Za-z]+", english) if w.lower() not in _STOP_EN]
    limit = int(2.5 * max(1, len(words))) + 1
    whole = "".join(toks).strip()
    if len(whole) <= limit and has_cjk(whole) and not any(t in _LEAD_BREAKS for t in toks[:1]) \
            and re.fullmatch(f"[{_CJK}]+", whole):
        return whole, True
    taken: list[str] = []
    size, certain = 0, True
    for i in range(len(toks) - 1, -1, -1):
        tok = toks[i]
        if not tok.strip():
            if taken and re.match(r"[A-Za-z]", taken[-1]):
                taken.append(tok)     # "分布稳健性 DPO": the space inside a mixed name
                continue
            if taken and i > 0 and re.fullmatch(r"[A-Za-z0-9]{1,3}", toks[i - 1]):
                return "", False      # "最佳 n 采样（BoN）": a name cut at "n", not "采样"
            break
        if taken and tok in _LEAD_BREAKS or re.fullmatch(r"[，。、：；！？,.;:()（）]+", tok):
            break
        size += len(tok)
        if size > limit and taken:
            certain = False
            break
        taken.append(tok)
    else:
        certain = True
    name = "".join(reversed(taken)).strip()
    if not (has_cjk(name) and len(name) >= 2):
        return "", False
    return name, certain
