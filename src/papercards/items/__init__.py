"""items: `Paper` trees → study items (terms, definitions, claims, clozes, paper facts).

Two passes. The first reads every paper for what the others need: paper
keys, abstract sentences, term candidates (merged into one glossary across
papers), methods and short titles. The second runs the extractor chain on
each paper, with a jieba segmenter that knows the glossary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import Config
from ..diagnostics import Diagnostic
from ..notes import NotesFile
from ..parallel import map_ordered
from .context import Context, PaperContext
from .extractors import RULES
from .glossary import glossary_items
from .model import KIND_FIELDS, KINDS, Item, PaperInfo, fingerprint, short_hash
from .survey import paper_lines, survey

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
    pcs, entries = survey(notes, ctx)
    out = Extraction(papers={pc.info.key: pc.info for pc in pcs})
    if config.cards.get("term", True):
        out.items.extend(glossary_items(entries, {pc.info.key: pc.paper.file for pc in pcs}, ctx))
    for items, diagnostics in map_ordered(lambda pc: _run_rules(pc, config), pcs, prepare=ctx.prepare_for_rules,
                                          weight=paper_lines):
        out.items.extend(items)
        ctx.diagnostics.extend(diagnostics)
    out.items = _unique_ids(out.items)
    out.diagnostics = ctx.diagnostics
    return out


def _run_rules(pc: PaperContext, config: Config) -> tuple[list[Item], list[Diagnostic]]:
    """The extractor chain on one paper: its items and the warnings it gave (may run in a worker)."""
    ctx = pc.ctx
    before = len(ctx.diagnostics)
    found: list[Item] = []
    for kind, rule in RULES:
        items = list(rule(pc))     # a kind switched off still claims its lines
        if config.cards.get(kind, True):
            found.extend(items)
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
