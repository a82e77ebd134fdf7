"""items: `Paper` trees → study items (terms, definitions, claims, clozes, paper facts).

Two passes. The first reads every paper for what the others need: paper
keys, abstract sentences, term candidates (merged into one glossary across
papers), methods and short titles. The second runs the extractor chain on
each paper, with a jieba segmenter that knows the glossary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..config import Config
from ..diagnostics import Diagnostic
from ..notes import ABSTRACT, KEYWORDS, NotesFile, Paper, slugify, strip_marks
from .context import Context, PaperContext
from .extractors import RULES
from .extractors.walk import content_texts
from .glossary import Entry, merge
from .model import KIND_FIELDS, KINDS, Item, PaperInfo, fingerprint, short_hash
from .paperinfo import find_methods, make_info, short_title
from .terms import (_REMARK_MARKERS, TermCandidate, abbreviations_in, is_abbreviation, pairs_in,
                    parse_keyword, split_runs, trim_chinese_name)

__all__ = ["Item", "PaperInfo", "KINDS", "KIND_FIELDS", "Extraction", "extract", "fingerprint", "short_hash"]


@dataclass
class Extraction:
    items: list[Item] = field(default_factory=list)
    papers: dict[str, PaperInfo] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def by_kind(self) -> dict[str, int]:
        counts = {k: 0 for k in KINDS}
        for item in self.items:
            counts[item.kind] += 1
        return {k: v for k, v in counts.items() if v}


def extract(notes: list[NotesFile], config: Config) -> Extraction:
    ctx = Context(config)
    pcs = _first_pass(notes, ctx)
    out = Extraction(papers={pc.info.key: pc.info for pc in pcs})
    out.items.extend(_glossary_items(pcs, ctx))
    for pc in pcs:
        for kind, rule in RULES:
            if not config.cards.get(kind, True):
                # still run definitions so their lines are not re-used as claims
                if kind != "definition":
                    continue
                list(rule(pc))
                continue
            out.items.extend(rule(pc))
    if not config.cards.get("term", True):
        out.items = [i for i in out.items if i.kind != "term"]
    out.items = _unique_ids(out.items, ctx)
    out.diagnostics = ctx.diagnostics
    return out


# --------------------------------------------------------------------------- pass 1

def _first_pass(notes: list[NotesFile], ctx: Context) -> list[PaperContext]:
    from ..text import Segmenter, cjk_ratio, split_sentences
    base = Segmenter()
    pcs: list[PaperContext] = []
    keys: dict[str, Paper] = {}
    for nf in notes:
        for paper in nf.papers:
            key = paper.key
            if key in keys:
                first = keys[key]
                ctx.warn(paper.file, paper.line, f"paper '{paper.title}' has the same key '{key}' as "
                         f"{first.file}:{first.line}; kept both, this one as '{key}-{paper.line}'")
                key = f"{key}-{paper.line}"
            keys[key] = paper
            pcs.append(PaperContext(paper=paper, info=make_info(paper, key), ctx=ctx))
    candidates: list[tuple[str, TermCandidate]] = []
    for pc in pcs:
        key = pc.info.key
        for section in pc.paper.sections_by(ABSTRACT):
            for line_no, line in _section_lines(section):
                target = pc.abstract_zh if cjk_ratio(line) > 0.25 else pc.abstract_en
                for sentence in split_sentences(line):
                    target.append((sentence, line_no))
        tags = []
        for section in pc.paper.sections_by(KEYWORDS):
            for block in section.blocks:
                texts = [(i.text, i.line) for _, i in block.walk_items()] if block.kind == "list" \
                    else [(t, block.line + n) for n, t in enumerate(block.text.split("\n"))]
                for text, line in texts:
                    for cand in parse_keyword(strip_marks(text), line):
                        candidates.append((key, cand))
                        tags.append(cand.label)
        pc.info.tags = list(dict.fromkeys(t for t in tags if t))
        candidates.extend((key, c) for c in _abstract_terms(pc, base))
        candidates.extend((key, c) for c in _content_terms(pc, base))
    entries = merge(candidates)
    usage: dict[str, int] = {}
    for entry in entries:
        for _, c in entry.candidates:
            for name in (c.abbr, c.english, c.chinese):
                if name:
                    usage[name] = max(usage.get(name, 0), len(entry.papers))
    ctx.common = {n for n, k in usage.items() if k >= 2}
    expansions: dict[str, str] = {}
    for entry in entries:
        abbr, _ = entry.best("abbr")
        english, _ = entry.best("english")
        chinese, _ = entry.best("chinese")
        for name in (abbr, english, chinese):
            if name:
                ctx.glossary.words.add(name)
        if abbr and chinese:
            ctx.chinese_of[abbr] = chinese
        if abbr and english and len(entry.papers) >= 2:
            expansions[english] = abbr
    ctx._entries = entries  # type: ignore[attr-defined]
    for pc in pcs:
        pc.methods = find_methods(pc.paper, pc.abstract_en, ctx.common)
        pc.info.methods = [m.name for m in pc.methods]
        pc.info.short = short_title(pc.paper, pc.methods, expansions)
        for m in pc.methods:
            ctx.glossary.words.add(m.name)
    return pcs


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
            pattern = re.compile(r"[（(]\s*" + re.escape(cand.abbr) + r"s?\s*[）)]")
            for zh, _ in zh_lines:
                m = pattern.search(zh)
                if m:
                    name, certain = trim_chinese_name(base.cut(zh[: m.start()].rstrip()), cand.english)
                    if name and certain:
                        cand.chinese = name
                        break
            out.append(cand)
    return out


def _content_terms(pc: PaperContext, base) -> list[TermCandidate]:
    out = []
    for text, line, _, unit in content_texts(pc.paper):
        plain = strip_marks(text)
        runs = split_runs(plain)
        if unit == "item" and _is_pair_bullet(text, runs):
            # a bullet that is itself a pair: "Corrupted Preference 偏好受限"
            out.append(TermCandidate(english=runs[0][1], chinese=runs[1][1], line=line, origin="content"))
            continue
        for english, zh, needs_trim in pairs_in(plain, line):
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


# --------------------------------------------------------------------------- glossary

def _glossary_items(pcs: list[PaperContext], ctx: Context) -> list[Item]:
    where = {pc.info.key: pc.paper.file for pc in pcs}
    items = []
    for entry in ctx._entries:  # type: ignore[attr-defined]
        abbr, _ = entry.best("abbr")
        english, _ = entry.best("english")
        chinese, zh_others = entry.best("chinese")
        names = sum(bool(x) for x in (abbr, english, chinese))
        if names < 2:
            continue
        paper, line = entry.first_line
        if zh_others:
            ctx.warn(where[paper], line, f"term '{abbr or english}' has several translations: "
                     f"{'、'.join([chinese, *zh_others])}; kept all")
            chinese = "；".join([chinese, *zh_others])
        notes = []
        for _, c in entry.candidates:
            if c.note and c.note not in notes:
                notes.append(c.note)
        label = abbr or english or chinese
        anchor = abbr.replace(" ", "") if abbr else slugify(english or chinese)
        fields = {"term": label, "english": english if abbr else "",
                  "chinese": chinese if label != chinese else "", "note": "；".join(notes)}
        items.append(Item(id=f"term/{anchor}", kind="term", fields=fields, papers=entry.papers,
                          source=f"{where[paper]}:{line}"))
    return items


def _unique_ids(items: list[Item], ctx: Context) -> list[Item]:
    seen: dict[str, Item] = {}
    out = []
    for item in items:
        if item.id in seen:
            n = 2
            while f"{item.id}-{n}" in seen:
                n += 1
            item.id = f"{item.id}-{n}"
        seen[item.id] = item
        out.append(item)
    return out
