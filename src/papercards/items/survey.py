"""The first pass over all papers: what the extractor chain needs to know first.

Paper keys (duplicates disambiguated), abstract sentences split by
language, term candidates from keywords, abstracts and content (merged into
one glossary across papers), the methods each paper proposes and the short
name its deck and fronts use.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..notes import ABSTRACT, GLOSSARY, KEYWORDS, SUMMARY, NotesFile, Paper, strip_marks
from .blanks import furniture_names_of, names_in
from .context import Context, PaperContext
from .extractors.walk import content_texts
from .glossary import Entry, clean_name, merge
from .paperinfo import find_methods, make_info, short_title
from .slips import own_agreement, register_owners, section_sentences, slip_warnings
from .typos import corrected, find_slips
from .terms import (_REMARK_MARKERS, TermCandidate, abbr_key, abbreviations_in, is_abbreviation, named_pairs_in,
                    pairs_in,
                    parse_keyword, split_runs, trim_chinese_name)


def survey(notes: list[NotesFile], ctx: Context, each=None) -> tuple[list[PaperContext], list[Entry]]:
    """The first pass; ``each`` runs `read_paper` over the papers (`items.extract`)."""
    from ..text import Segmenter
    base = Segmenter()
    pcs: list[PaperContext] = []
    keys: dict[str, Paper] = {}
    titles: dict[str, Paper] = {}       # casefolded title → first paper with it
    for nf in notes:
        for paper in nf.papers:
            key = paper.key
            if key in keys:
                first = keys[key]
                ctx.warn(paper.file, paper.line, f"paper '{paper.title}' has the same key '{key}' as "
                         f"{first.file}:{first.line}; kept both, this one as '{key}-{paper.line}'")
                key = f"{key}-{paper.line}"
            elif paper.title.casefold() in titles:
                first = titles[paper.title.casefold()]
                ctx.warn(paper.file, paper.line, f"paper '{paper.title}' has the same title as "
                         f"{first.file}:{first.line} (a different id); kept both, their cards look alike")
            titles.setdefault(paper.title.casefold(), paper)
            keys[key] = paper
            pcs.append(PaperContext(paper=paper, info=make_info(paper, key), ctx=ctx))
    slips = each("slips", lambda pc: _slips_of(pc.paper, base), pcs) if each else \
        [_slips_of(pc.paper, base) for pc in pcs]
    for pc, found in zip(pcs, slips):
        for slip in found:
            ctx.warn(pc.paper.file, slip.line, slip.message(ctx.config.fix_typos))
        if found and ctx.config.fix_typos:
            pc.paper = corrected(pc.paper, found)
            pc.info = make_info(pc.paper, pc.info.key)
    candidates: list[tuple[str, TermCandidate]] = []
    def read(pc: PaperContext):
        return read_paper(pc, ctx, base)
    readings = each("survey", read, pcs) if each else [read(pc) for pc in pcs]
    for pc, (abstract_en, abstract_zh, sections, tags, found, names, (agreement, pairs)) in zip(pcs, readings):
        pc.abstract_en, pc.abstract_zh, pc.section_sentences = abstract_en, abstract_zh, sections
        pc.names, pc.own_agreement, pc.abstract_pairs = names, agreement, pairs
        pc.info.tags = list(dict.fromkeys(pc.paper.tags + tags))     # the metadata's 分类标签 first
        candidates.extend((pc.info.key, c) for c in found)
    ctx.furniture = furniture_names_of([pc.names for pc in pcs])
    register_owners(pcs, ctx)
    slip_warnings(pcs, ctx)
    entries = merge(candidates)
    entries = _owned_spellings(entries, pcs, ctx)
    usage: dict[str, int] = {}
    for entry in entries:
        used_by = len(entry.papers)
        for _, c in entry.candidates:
            for name in (c.abbr, c.english, c.chinese):
                if name:
                    usage[name] = max(usage.get(name, 0), used_by)
    ctx.common = {n for n, k in usage.items() if k >= 2}
    ctx.widespread = {n for n, k in usage.items() if k >= 3}
    expansions: dict[str, str] = {}
    for entry in entries:
        abbr, _ = entry.best("abbr")
        english, _ = entry.best("english")
        chinese, _ = entry.best("chinese")
        for name in (abbr, english, chinese):
            if name and clean_name(name):      # a junk side (的数据, 差) would become a blank
                ctx.glossary.words.add(name)
                if abbr and english and any(c.origin == "keyword" for _, c in entry.candidates):
                    ctx.named_terms.add(name.casefold())
        if abbr and chinese:
            ctx.chinese_of[abbr] = chinese
        if chinese and (abbr or english) and clean_name(chinese):
            for name in filter(None, (abbr, english)):
                ctx.other_names.setdefault(name.casefold(), set()).add(chinese)
            ctx.other_names.setdefault(chinese.casefold(), set()).update(filter(None, (abbr, english)))
        if abbr and english and len(entry.papers) >= 2:
            expansions[english] = abbr
    keyword_users: dict[str, set[str]] = {}
    for key, c in candidates:
        if c.origin == "keyword":
            for name in (c.abbr, c.english):
                if name:
                    keyword_users.setdefault(name.casefold(), set()).add(key)
    ctx.keyword_users = keyword_users
    own_terms: dict[str, dict[str, str]] = {}       # paper key → its keywords' abbr → English
    for key, c in candidates:
        if c.origin == "keyword" and c.abbr and c.english:
            own_terms.setdefault(key, {}).setdefault(c.abbr, c.english)
    for pc in pcs:
        # a generic term (a keyword of three papers or more, or one everybody knows) is never
        # a paper's method nor its short name: "PO", "DPO" name no paper
        pc.methods = _distinct([m for m in find_methods(pc.paper, own_sentences(pc), ctx.common)
                                if not ctx.config.glossary.knows(m.name)
                                and len(keyword_users.get(m.name.casefold(), ())) < 3])
        pc.info.methods = [m.name for m in pc.methods]
        title = f" {pc.paper.title} ".casefold()
        pc.title_acronyms = [abbr for abbr, english in own_terms.get(pc.info.key, {}).items()
                             if re.search(rf"(?<!\w){re.escape(english.casefold())}(?!\w)", title)]
        pc.info.short = short_title(pc.paper, pc.methods, expansions, own_terms.get(pc.info.key))
        own = [n for n in pc.own_names() if n]
        pc.long_names = [n for n in dict.fromkeys(
            [*(m.long_form for m in pc.methods), *(own_terms.get(pc.info.key, {}).get(n, "") for n in own),
             *(ctx.chinese_of.get(n, "") for n in own)]) if n]
        for m in pc.methods:
            ctx.glossary.words.add(m.name)
    return pcs, entries


def _slips_of(paper: Paper, base) -> list:
    """The paper's typing slips (`typos`): every rule reads the paper with them corrected,
    unless the config says not to, and each is reported where the notes have it. Per
    paper, so the build cache keeps them (`cache.each`'s ``slips``)."""
    from ..text import cjk_ratio
    abstract = "\n".join(text for section in paper.sections_by(ABSTRACT)
                         for _, text in _section_lines(section) if cjk_ratio(text) > 0.25)
    return find_slips(paper, abstract, base.cut)


def own_sentences(pc: PaperContext) -> list[tuple[str, int]]:
    """The paper's English abstract without the sentences pasted from another paper's: what
    another paper proposes is not proposed here ("Which paper proposes NS-DPO?" → this one).
    A paper noted without an abstract speaks through its summary ("…and call the result
    **DAPO** (Decoupled Clip and Dynamic sAmpling Policy Optimization)")."""
    own = [(s, line) for s, line in pc.abstract_en if not pc.pasted_from(s)]
    if own:
        return own
    from ..text import split_sentences
    return [(s, block.line) for section in pc.paper.sections_by(SUMMARY) for block in section.blocks
            if block.kind == "paragraph" for s in split_sentences(block.text.replace("\n", " "))]


def _owned_spellings(entries: list[Entry], pcs: list[PaperContext], ctx: Context) -> list[Entry]:
    """A term that is a paper's own name (``KTO: Model Alignment as …``) is spelled as that
    paper spells it. Another paper's different expansion of it is a slip made while citing
    (two expansions of one acronym are two terms only when no paper owns it): merged into
    the owner's entry, and reported."""
    heads = {pc.paper.title.split(":")[0].strip(): pc for pc in pcs if ":" in pc.paper.title}
    owned: dict[str, Entry] = {}
    for entry in entries:
        abbr, _ = entry.best("abbr")
        pc = heads.get(abbr)
        if pc and any(key == pc.info.key for key, _ in entry.candidates):
            entry.owner = pc.info.key
            owned[abbr] = entry
    out: list[Entry] = []
    for entry in entries:
        abbr, _ = entry.best("abbr")
        home = owned.get(abbr)
        if home is None or home is entry:
            out.append(entry)
            continue
        english, _ = home.best("english")
        where = next((f"{pc.paper.file}:{c.line}" for pc in pcs if pc.info.key == home.owner
                      for key, c in home.candidates if key == home.owner), "")
        for key, c in entry.candidates:
            if c.english and english and c.english != english:
                file = next(pc.paper.file for pc in pcs if pc.info.key == key)
                ctx.warn(file, c.line, f"'{abbr}' is expanded '{c.english}' here, but '{english}' by the paper it "
                         f"names ({where}): the paper's spelling is used")
                c.english = ""
        home.candidates.extend(entry.candidates)
    return out


def _distinct(methods: list) -> list:
    """One method per name: HALO and HALOs are one method, the first spelling kept."""
    seen: set[str] = set()
    out = []
    for m in methods:
        key = abbr_key(m.name).casefold()
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def read_paper(pc: PaperContext, ctx: Context, base) -> tuple[list, list, list, list[str], list[TermCandidate],
                                                              set[str], tuple[float | None, list]]:
    """One paper's part of the first pass: its abstract sentences by language, its
    sections' sentences, its keyword tags, its term candidates, the names it uses and
    how well its Chinese abstract translates its English one, with their aligned pairs."""
    from ..text import cjk_ratio, split_sentences
    pc.abstract_en, pc.abstract_zh = [], []
    for section in pc.paper.sections_by(ABSTRACT):
        for line_no, line in _section_lines(section):
            target = pc.abstract_zh if cjk_ratio(line) > 0.25 else pc.abstract_en
            for sentence in split_sentences(line):
                target.append((sentence, line_no))
    candidates: list[TermCandidate] = []
    tags = []
    for section in pc.paper.sections_by(KEYWORDS):
        for block in section.blocks:
            texts = [(i.text, i.line) for _, i in block.walk_items()] if block.kind == "list" \
                else [(t, block.line + n) for n, t in enumerate(block.text.split("\n"))]
            for text, line in texts:
                for cand in parse_keyword(strip_marks(text), line):
                    candidates.append(cand)
                    tags.append(cand.label)
    for section in pc.paper.sections_by(GLOSSARY):
        for line_no, text in _section_lines(section):
            for cand in parse_keyword(strip_marks(text), line_no):
                # "Term — meaning": what follows the term says what it is. Terms the paper
                # explains, not its keywords: never its short name nor its method
                cand.origin = "glossary"
                candidates.append(cand)
    for name, value in pc.paper.meta.items():
        if ctx.config.role_of(name) == KEYWORDS:       # "> 关键词: DPO, RLHF" in a metadata block
            for cand in parse_keyword(strip_marks(value), pc.paper.line):
                candidates.append(cand)
                tags.append(cand.label)
    candidates.extend(_abstract_terms(pc, base))
    candidates.extend(_content_terms(pc, base))
    sections = section_sentences(pc.paper)
    return (pc.abstract_en, pc.abstract_zh, sections, list(dict.fromkeys(t for t in tags if t)), candidates,
            names_in(pc.paper.all_text()), own_agreement(pc))


def _section_lines(section):
    for block in section.blocks + [b for sub in section.subsections for b in sub.blocks]:
        if block.kind in ("paragraph", "quote"):
            for n, line in enumerate(block.text.split("\n")):
                if line.strip():
                    yield block.line + n, line.strip()
        elif block.kind == "list":
            for _, item in block.walk_items():
                yield item.line, item.text


def _abstract_terms(pc: PaperContext, base) -> list[TermCandidate]:
    from ..text import plain_inline
    out = []
    zh_lines = [(plain_inline(s), ln) for s, ln in pc.abstract_zh]
    for sentence, line in pc.abstract_en:
        for cand in abbreviations_in(plain_inline(sentence), line):
            pattern = _bracketed(cand.abbr)
            for zh, _ in zh_lines:
                m = pattern.search(zh)
                if m:
                    name, certain = trim_chinese_name(base.cut(_name_window(zh[: m.start()].rstrip())),
                                                      cand.english)
                    if name and certain:
                        cand.chinese = name
                        break
            out.append(cand)
    return out


# Characters jieba never joins to a neighbour (outside its Han/alnum class) at which
# `trim_chinese_name` always stops.
_NAME_BREAKS = "，。、：；！？,;:()（）"


def _name_window(text: str) -> str:
    """The end of ``text`` that `trim_chinese_name` can reach: from its last break on.

    Why: an abstract's Chinese line is cut once per abbreviation its English
    defines, and cutting the whole line each time was most of the survey's
    time. jieba cuts each run of Han/alnum characters on its own and emits
    any other character as a token by itself, so the tokens from a break on
    are the same as in the cut of the whole text; the trim stops at the break,
    and a text with a break in it is never a name as a whole.
    """
    k = max(text.rfind(ch) for ch in _NAME_BREAKS)
    return text[k:] if k > 0 else text


@lru_cache(maxsize=4096)
def _bracketed(abbr: str) -> re.Pattern[str]:
    """``（PPO）``/``(PPOs)`` in Chinese text; compiled once per abbreviation (re caches only 512)."""
    return re.compile(r"[（(]\s*" + re.escape(abbr) + r"s?\s*[）)]")


def _content_terms(pc: PaperContext, base) -> list[TermCandidate]:
    out = []
    for text, line, _, unit in content_texts(pc.paper):
        plain = strip_marks(text)
        runs = split_runs(plain)
        if unit == "item" and _is_pair_bullet(text, runs):
            # a bullet that is itself a pair: "Corrupted Preference 偏好受限"
            out.append(TermCandidate(english=runs[0][1], chinese=runs[1][1], line=line, origin="content"))
            continue
        for zh, english, abbr in named_pairs_in(plain):
            name = trim_chinese_name(base.cut(zh), english)[0]
            if name:
                out.append(TermCandidate(abbr=abbr_key(abbr), english=english, chinese=name, line=line,
                                         origin="content"))
        for english, zh, needs_trim in pairs_in(plain):
            name = trim_chinese_name(base.cut(zh), english)[0] if needs_trim else zh
            if name:
                out.append(TermCandidate(english=english, chinese=name, line=line, origin="content"))
    return out


def _is_pair_bullet(raw: str, runs) -> bool:
    """"English name 中文名" and nothing else; the author's bold marks a claim, not a term."""
    if len(runs) != 2 or runs[0][0] != "en" or runs[1][0] != "zh" or "**" in raw or "(" in raw:
        return False
    en, zh = runs[0][1], runs[1][1]
    return (len(en.split()) <= 3 and not is_abbreviation(en) and len(zh) <= 8
            and not any(m in zh for m in _REMARK_MARKERS))
