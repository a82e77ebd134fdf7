"""items: `Paper` trees → study items (terms, definitions, claims, clozes, paper facts).

Two passes. The first reads every paper for what the others need: paper
keys, abstract sentences, term candidates (merged into one glossary across
papers), methods and short titles. The second runs the extractor chain on
each paper, with a jieba segmenter that knows the glossary.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..config import Config
from ..diagnostics import Diagnostic
from ..kinds import kind_of
from ..notes import NotesFile
from ..text.lang import CJK_CLASS, CJK_RE
from .context import Context, PaperContext
from .asked_once import asked_once
from .dangling import without_dangling
from .formulas import formulas_to_back
from .gains import gains_to_back
from .extractors import rules_for
from .glossary import glossary_items
from .judge import Doubt, review, translation_disagreements
from .notelinks import name_linked_notes
from .place import set_places
from .model import KIND_FIELDS, KINDS, Item, PaperInfo, fingerprint, short_hash
from .survey import survey

__all__ = ["Item", "PaperInfo", "KINDS", "KIND_FIELDS", "Extraction", "extract", "fingerprint", "short_hash"]


@dataclass
class Extraction:
    items: list[Item] = field(default_factory=list)
    papers: dict[str, PaperInfo] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    doubts: list[Doubt] = field(default_factory=list)       # cards worth a second look (`judge`)

    def by_kind(self) -> dict[str, int]:
        counts = {k: 0 for k in KINDS}
        for item in self.items:
            counts[item.kind] += 1
        return {k: v for k, v in counts.items() if v}


# each(step, fn, pcs): ``[fn(pc) for pc in pcs]`` for a per-paper step ("survey", "rules");
# the build passes one that reuses the results of unchanged papers (`papercards.cache`)
Each = Callable[[str, Callable[[PaperContext], Any], list[PaperContext]], list]


# memo(step, fn) → fn with its results kept by its arguments (`BuildCache.step`)
Memo = Callable[[str, Callable], Callable]


def in_turn(step: str, fn: Callable[[PaperContext], Any], pcs: list[PaperContext]) -> list:
    return [fn(pc) for pc in pcs]


def extract(notes: list[NotesFile], config: Config, each: Each = in_turn, *, judge: bool = True,
            memo: Memo | None = None) -> Extraction:
    """The items of every paper: a first pass over all (`survey`), the extractor chain on
    each paper (`run_rules`), then the passes across papers. ``judge``: also find the cards
    worth a second look (``doubts``, which `papercards check` shows and a build does not);
    ``memo``: keeps what the passes across papers compute from their arguments alone."""
    ctx = Context(config, memo=memo) if memo else Context(config)
    pcs, entries = survey(notes, ctx, each)
    out = Extraction(papers={pc.info.key: pc.info for pc in pcs})
    if config.cards.get("term", True):
        out.items.extend(glossary_items(entries, {pc.info.key: pc.paper.file for pc in pcs}, ctx,
                                        {pc.info.key: pc.own_names() for pc in pcs}))
    for items, diagnostics in each("rules", lambda pc: run_rules(pc, config), pcs):
        out.items.extend(items)
        ctx.diagnostics.extend(diagnostics)
    titles = {pc.info.key: f"{pc.paper.title} {pc.paper.title_zh or ''}" for pc in pcs}
    items = _without_method_terms(out.items, titles)       # one card per fact across the paper…
    items = _without_repeated_definitions(items)            # …and across the glossary
    items = _name_numbered_papers(items, pcs)
    out.items = _unique_ids(items)
    name_linked_notes(out.items, {pc.info.key: (pc.paper, pc.info.short) for pc in pcs})
    set_places(out.items, pcs)
    out.diagnostics = ctx.diagnostics
    if judge:
        out.doubts = review(out.items) + _translation_doubts(out.items, pcs)
    _warn_keyword_spellings(entries, pcs, ctx)
    return out


def _warn_keyword_spellings(entries, pcs: list[PaperContext], ctx: Context) -> None:
    """A translation the author wrote (keywords, "term (中文)" in the content) that the
    paper's own Chinese abstract spells otherwise (``显示奖励`` / ``显式奖励``): reported
    where the author wrote it, to be fixed there."""
    papers = {pc.info.key: pc for pc in pcs}
    for entry in entries:
        for key, cand in entry.candidates:
            pc = papers.get(key)
            if cand.origin not in ("keyword", "content") or not cand.chinese or pc is None:
                continue
            other = translation_disagreements(cand.chinese, "".join(s for s, _ in pc.abstract_zh))
            if other:
                ctx.warn(pc.paper.file, cand.line, f"translation '{cand.chinese}' is written "
                         f"'{'、'.join(other)}' in this paper's Chinese abstract: a typo?")


def _without_method_terms(items: list[Item], titles: dict[str, str] | None = None) -> list[Item]:
    """A paper's own method (NS-DPO, used by no other paper) has its card, "Which paper
    proposes NS-DPO?": a glossary card for the same name would ask the same fact again.
    What the term card would say (its expansion, its 中文 name) goes on the method's
    answer instead, so nothing the notes say is lost."""
    methods = {(name.strip(), item.paper): item for item in items if kind_of(item).proposes
               for name in item.fields.get(kind_of(item).proposes, "").split(" / ")}
    kept = []
    for item in items:
        method = methods.get((item.fields.get("term", ""), item.papers[0])) \
            if kind_of(item).glossary and len(item.papers) == 1 else None
        if method is None:
            kept.append(item)
            continue
        english, chinese = item.fields.get("english", ""), item.fields.get("chinese", "").split(" / ")[0]
        said = method.fields.get("description", "")
        title = (titles or {}).get(method.paper, "").casefold()
        if english and english.casefold() in title:
            english = ""                      # the title on the back spells it out already
            if not chinese or chinese in title or CJK_RE.search(title):
                continue                      # …and its Chinese title too, in the author's words
        if not said:
            method.fields["description"] = english + (f"（{chinese}）" if english and chinese else chinese)
        elif (english and english not in said) or (chinese and chinese not in said):
            kept.append(item)                 # the term says more than the method's answer
    return kept


def _without_repeated_definitions(items: list[Item]) -> list[Item]:
    """"HALO是指:(Human-Aware LOss, 人类感知损失)" says what the glossary card of HALOs already
    says (human-aware losses · 人类感知损失): one fact, one card, the glossary's. A
    definition that says more than the term card stays."""
    from .terms import abbr_key
    terms = {abbr_key(i.fields.get("term", "")).casefold(): i for i in items if kind_of(i).glossary}
    kept = []
    for item in items:
        kind = kind_of(item)
        term = terms.get(abbr_key(item.fields.get(kind.defines, "")).casefold()) if kind.defines else None
        if term is None or not _says_nothing_more(item.fields.get(kind.answer, ""), term):
            kept.append(item)
    return kept


def _says_nothing_more(text: str, term: Item) -> bool:
    known = " ".join(term.fields.values()).casefold()
    words = re.findall(rf"[a-z0-9]+|[{CJK_CLASS}]+", text.casefold())
    return bool(words) and all(w in known or w.rstrip("s") in known for w in words)


_NUMBERED_PAPER = re.compile(r"第\s*(\d{1,3})\s*篇")


def _name_numbered_papers(items: list[Item], pcs: list[PaperContext]) -> list[Item]:
    """"和第19篇说的一致" points into the notes file: on a card it names the paper
    ("和第19篇（Disentangling Length）说的一致"), which means something weeks later."""
    names = {pc.paper.number: pc.info.short for pc in pcs if pc.paper.number is not None and pc.info.short}

    def name(m: re.Match) -> str:
        short = names.get(int(m.group(1)))
        return f"{m.group(0)}（{short}）" if short else m.group(0)

    for item in items:
        for key, value in item.fields.items():
            if value and "篇" in value:
                value = _ASIDE.sub(lambda m: "" if "{{c" not in m.group(0) else m.group(0), value).strip()
                item.fields[key] = _NUMBERED_PAPER.sub(name, value)
    return items


# an aside in brackets pointing to another entry of the notes ("（跟后面24那篇…说的应该是同一个现象）"):
# the author's cross-reference, not the fact; left off the card (it stays in the notes)
_ASIDE = re.compile(r"\s*[(（](?=[^()（）]*?(?:第\s*\d+\s*篇|\d+\s*那篇|那篇))[^()（）]*(?:[(（][^()（）]*[)）][^()（）]*)*[)）]")


def _translation_doubts(items: list[Item], pcs: list[PaperContext]) -> list[Doubt]:
    """A keyword translation the paper's own Chinese abstract spells otherwise."""
    abstracts = {pc.info.key: "".join(s for s, _ in pc.abstract_zh) for pc in pcs}
    doubts = []
    for item in items:
        if not kind_of(item).glossary:
            continue
        chinese = item.fields.get("chinese", "").split(" / ")[0]
        for key in item.papers:
            other = translation_disagreements(chinese, abstracts.get(key, ""))
            if other:
                doubts.append(Doubt(item.id, f"'{chinese}' is written '{'、'.join(other)}' in the Chinese abstract "
                                             f"of {key}: a typo in the keywords?"))
                break
    return doubts


def run_rules(pc: PaperContext, config: Config) -> tuple[list[Item], list[Diagnostic]]:
    """The extractor chain on one paper: its items and the warnings it gave."""
    ctx = pc.ctx
    before = len(ctx.diagnostics)
    found: list[Item] = []
    for _, rule in rules_for(pc.paper):
        items = list(rule(pc))     # a kind switched off still claims its lines
        found.extend(item for item in items if config.cards.get(item.kind, True))
        pc.earlier = found
    found = gains_to_back(formulas_to_back(without_dangling(asked_once(found, pc), pc)))
    diagnostics = ctx.diagnostics[before:]
    del ctx.diagnostics[before:]
    return found, diagnostics


def _unique_ids(items: list[Item]) -> list[Item]:
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
