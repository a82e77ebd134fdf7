"""True or false, only where a false statement is safe to make.

A false statement swaps one fact for another of the same kind — the paper a
method comes from, a term's Chinese (or English) name, a paper's Chinese
title — never a negated sentence. Neither version may be decidable from its
words alone (`checks.statement_fair`). The key's explanation is the true
statement.
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import checks, normalize
from ..model import TRUE_FALSE, Question
from .base import (Candidate, Ctx, asked_methods, name_facts, only_paper, question_id, term_names,
                   usage_facts, with_translations)


def generate(ctx: Ctx) -> list[Candidate]:
    out: list[Candidate] = []
    for family in (methods, usage, terms, titles):
        out.extend(family(ctx))
    return out


def _choose(ctx: Ctx, truth: str, falses: list[str], fair, *, near_miss: bool = True) -> list[tuple[str, bool]]:
    """The statements to offer: the true one and one near-miss false one, when both are fair.

    When the true statement is not fair (its words give it away), no false
    one is either: its missing echo would give that away too.
    """
    if not truth or not fair(truth):
        return []
    seg = ctx.pool.segmenter
    falses = [f for f in falses if fair(f)]
    ctx.rng.shuffle(falses)
    if near_miss:                    # 直接偏好优化 for 非平稳直接偏好优化: a near miss is the better false
        near = checks.tokens(truth, seg)
        falses.sort(key=lambda f: -min(2, len(near & checks.tokens(f, seg))))
    out = [(truth, True)]
    if falses:
        out.append((ctx.rng.choice(falses[:3]), False))
    return out


def _candidate(ctx: Ctx, statement: str, true: bool, explanation: str, sources, paper, facts, group) -> Candidate:
    q = Question(id=question_id("tf", list(sources), statement), type="tf", prompt=statement,
                 options=list(TRUE_FALSE), correct=[0 if true else 1], sources=list(sources), paper=paper,
                 explanation=explanation)
    return Candidate(q, frozenset(facts), group)


def _common_title_words(ctx: Ctx, lang: str) -> set[str]:
    """Words in three titles or more (in ``lang``): too common to give a pairing away."""
    return ctx.once("common:" + lang, lambda: checks.common_tokens(
        [ctx.pool.title(k, lang) for k in ctx.pool.papers], ctx.pool.segmenter))


def methods(ctx: Ctx) -> Iterator[Candidate]:
    """"NS-DPO is proposed in *Right Now, Wrong Then …*." (or another paper's title)."""
    pool = ctx.pool
    seg = pool.segmenter
    for item, names, taken in asked_methods(pool):
        for side in ctx.sides():
            lang = "en" if side == "en" else "zh"
            truth = pool.title(item.paper, lang)
            falses = [t for k, t in pool.titles(lang) if k not in taken and t]
            shown = " and ".join(names) if lang == "en" else " 和 ".join(names)
            common = _common_title_words(ctx, lang)
            seen = with_translations(pool, shown)
            picked = _choose(ctx, truth, falses,
                             lambda t: checks.statement_fair(seen, t, common, seg, compare_codes=False),
                             near_miss=False)
            for title, true in picked:
                if lang == "en":
                    verb = "are" if len(names) > 1 else "is"
                    statement = f"**{shown}** {verb} proposed in *{title}*."
                    explanation = f"{shown} {verb} proposed in *{truth}*."
                else:
                    statement = f"**{shown}** 是在《{title}》中提出的。"
                    explanation = f"{shown} 是在《{truth}》中提出的。"
                yield _candidate(ctx, statement, true, explanation, [item.id], item.paper,
                                 {"method:" + item.paper + ":" + normalize.key(" and ".join(names))}
                                 | usage_facts(pool, " ".join(names), item.paper), "tf:method")


def usage(ctx: Ctx) -> Iterator[Candidate]:
    """"*Pointwise noise* is discussed in *Towards Robust Alignment …*." (terms one paper uses)."""
    pool = ctx.pool
    seg = pool.segmenter
    for item in pool.asked("term"):
        key = only_paper(pool, item)
        if not key or key not in pool.selected:
            continue
        en, abbr, zh = term_names(item)
        every_name = " ".join(n for n in (en, abbr, zh) if n)
        for side in ctx.sides():
            lang = "en" if side == "en" else "zh"
            shown = (f"{en} ({abbr})" if abbr else en) if side == "en" else (zh or en)
            truth = pool.title(key, lang)
            if not shown or not truth:
                continue
            common = _common_title_words(ctx, lang)
            falses = [t for k, t in pool.titles(lang) if k != key and t]
            fair = (lambda t: checks.statement_fair(every_name, t, common, seg, compare_codes=False))
            for title, true in _choose(ctx, truth, falses, fair, near_miss=False):
                statement = (f"**{shown}** is discussed in *{title}*." if side == "en"
                             else f"《{title}》讨论了 **{shown}**。")
                explanation = (f"{shown} is discussed in *{truth}*." if side == "en"
                               else f"《{truth}》讨论了 {shown}。")
                yield _candidate(ctx, statement, true, explanation, [item.id], key, {"usage:" + item.id}, "tf:usage")


def terms(ctx: Ctx) -> Iterator[Candidate]:
    """"The Chinese term for preference drift is 偏好偏移." / "偏好偏移 的英文是 preference drift。"."""
    pool = ctx.pool
    seg = pool.segmenter
    every = [term_names(t) for t in pool.every("term")]
    zh_common = checks.common_tokens([z for _, _, z in every if z], seg)
    for item in pool.asked("term"):
        en, abbr, zh = term_names(item)
        if not (en and zh):
            continue
        accepted = {normalize.key(n) for n in pool.translations.get(normalize.key(zh), [])} | {normalize.key(zh)}
        for side in ctx.sides():
            if side == "en":
                shown = f"{en} ({abbr})" if abbr else en
                truth = zh
                falses = [z for e, a, z in every if z and normalize.key(z) not in accepted]
                fair = (lambda t: checks.statement_fair(en, t, zh_common, seg) and abs(len(t) - len(zh)) <= 3)
            else:
                shown, truth = zh, en
                falses = [e for e, a, z in every if e and normalize.key(e) not in accepted]
                fair = (lambda t: checks.statement_fair(zh, t, zh_common, seg)
                        and 0.5 <= len(t) / max(1, len(en)) <= 2)
            for partner, true in _choose(ctx, truth, falses, fair):
                if side == "en":
                    statement = f"The Chinese term for **{shown}** is {partner}."
                    explanation = f"The Chinese term for {shown} is {truth}."
                else:
                    statement = f"**{shown}** 的英文是 {partner}。"
                    explanation = f"{shown} 的英文是 {truth}。"
                cand = _candidate(ctx, statement, true, explanation, [item.id], None, name_facts(en, abbr, zh),
                                  "tf:term")
                cand.hides = ((normalize.key(en), normalize.key(zh)),)
                yield cand


def titles(ctx: Ctx) -> Iterator[Candidate]:
    """"The Chinese title of *Right Now, Wrong Then …* is 《偏好漂移下的…》."."""
    pool = ctx.pool
    seg = pool.segmenter
    rows = [(i, normalize.markdown(i.fields.get("english", "")), normalize.markdown(i.fields.get("chinese", "")))
            for i in pool.every("paper")]
    rows = [r for r in rows if r[1] and r[2]]
    common = checks.common_tokens([z for _, _, z in rows] + [e for _, e, _ in rows], seg)
    for item, en, zh in rows:
        if not pool.asks(item):
            continue
        for side in ctx.sides():
            if side == "en":
                falses = [z for i, _, z in rows if i.id != item.id]
                picked = _choose(ctx, zh, falses, lambda t: checks.statement_fair(en, t, common, seg), near_miss=False)
                template = "The Chinese title of *{shown}* is 《{partner}》."
                shown = en
            else:
                falses = [e for i, e, _ in rows if i.id != item.id]
                picked = _choose(ctx, en, falses, lambda t: checks.statement_fair(zh, t, common, seg), near_miss=False)
                template = "《{shown}》的英文标题是 *{partner}*。"
                shown = zh
            for partner, true in picked:
                yield _candidate(ctx, template.format(shown=shown, partner=partner), true, f"{en} — 《{zh}》",
                                 [item.id], item.paper, {"title:" + item.paper}, "tf:title")
