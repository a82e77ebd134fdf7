"""Matching: 5–8 terms beside their Chinese (or English) names, the right column shuffled.

Only true pairs, no two right-hand entries alike after normalisation, and no
pair that matches itself by a shared word (``Dr. DPO`` ↔ ``分布稳健性 DPO``
would be the only right entry with "DPO"). Papers' English and Chinese
titles make a second kind of matching question.
"""

from __future__ import annotations

from collections import Counter

from ...kinds import kind_of
from .. import checks, normalize
from ..model import Question
from .base import Candidate, Ctx, name_facts, question_id, term_names

MIN_PAIRS, MAX_PAIRS, GROUP = 5, 8, 5
PARTITIONS = 3


def generate(ctx: Ctx) -> list[Candidate]:
    return terms(ctx) + titles(ctx)


def terms(ctx: Ctx) -> list[Candidate]:
    rows = []
    for item in ctx.pool.asked("term"):
        en, abbr, zh = term_names(item)
        if en and zh:
            rows.append((item, f"{en} ({abbr})" if abbr else en, zh))
    out: list[Candidate] = []
    for side in ctx.sides():
        pairs = [(item, left, right) if side == "en" else (item, right, left) for item, left, right in rows]
        instructions = ("Match each term with its Chinese name." if side == "en"
                        else "将每个中文术语与它的英文名称配对。")
        for group in _groups(ctx, pairs):
            facts = set()
            for item, left, right in group:
                facts |= name_facts(*term_names(item))
            out.append(_candidate(ctx, group, instructions, None, facts, "match:term"))
    return out


def titles(ctx: Ctx) -> list[Candidate]:
    rows = [(item, normalize.markdown(item.fields.get("english", "")), normalize.markdown(item.fields.get("chinese", "")))
            for item in ctx.pool.asked("paper")]
    rows = [r for r in rows if r[1] and r[2]]
    out: list[Candidate] = []
    for side in ctx.sides()[:1]:
        pairs = [(i, l, r) if side == "en" else (i, r, l) for i, l, r in rows]
        instructions = ("Match each paper with its Chinese title." if side == "en"
                        else "将每篇论文的中文标题与它的英文标题配对。")
        for group in _groups(ctx, pairs):
            facts = {"title:" + item.paper for item, _, _ in group}
            out.append(_candidate(ctx, group, instructions, None, facts, "match:title"))
    return out


def _groups(ctx: Ctx, pairs: list) -> list[list]:
    """Fair pairs, shuffled and cut into groups of 5–8 (one partition per seed)."""
    seg = ctx.pool.segmenter
    rights = Counter(normalize.key(r) for _, _, r in pairs)
    itself = Counter(id(r) for _, _, r in pairs)
    fair, lefts = [], set()
    for item, left, right in pairs:
        if rights[normalize.key(right)] > itself[id(right)] or normalize.key(left) in lefts:
            continue                      # another right entry alike, or a left one already kept
        if checks.tokens(left, seg) & checks.tokens(right, seg) or checks.spelled_out(left, right) \
                or checks.spelled_out(right, left):
            continue                      # a shared word pairs them whatever group they land in
        fair.append((item, left, right))
        lefts.add(normalize.key(left))
    if len(fair) < MIN_PAIRS:
        return []
    if len(fair) <= MAX_PAIRS:
        ctx.rng.shuffle(fair)
        return [fair]
    groups = []
    for _ in range(PARTITIONS):      # a few ways to cut the terms: the quiz takes what fits
        ctx.rng.shuffle(fair)
        groups += [fair[i:i + GROUP] for i in range(0, len(fair) - GROUP + 1, GROUP)]
    return groups


def _candidate(ctx: Ctx, group: list, instructions: str, paper, facts: set[str], kind: str) -> Candidate:
    pairs = [(left, right) for _, left, right in group]
    order = list(range(len(pairs)))
    ctx.rng.shuffle(order)
    sources = [item.id for item, _, _ in group]
    q = Question(id=question_id("match", sources, instructions + "".join(l for l, _ in pairs)), type="match",
                 prompt=instructions, pairs=pairs, right_order=order, sources=sources, paper=paper,
                 instructions=instructions)
    # another question showing a pair together (a term beside its translation) would answer it
    hides = tuple((normalize.key(left), normalize.key(right)) for _, left, right in group)
    hides += tuple(tuple(normalize.key(n) for n in term_names(item)[::2] if n) for item, _, _ in group
                   if kind_of(item).glossary and all(term_names(item)[::2]))
    return Candidate(q, frozenset(facts), kind, hides)
