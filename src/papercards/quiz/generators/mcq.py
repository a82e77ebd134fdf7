"""Multiple choice: one right option and three wrong ones of the same kind.

Families, each a small function: a term's Chinese or English name, the paper
that proposes a method, a paper's title in the other language, what a
definition says, a claim's answer, which paper a sentence comes from, and the
translation of an abstract sentence. A family yields nothing where no fair
set of options exists (see `base.pick_distractors`).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...kinds import kind_of
from .. import checks, normalize
from .base import (Candidate, Ctx, asked_methods, mcq, name_facts, only_paper, pick_distractors,
                   single_statement, split_names, term_names, usage_facts, with_translations)


def generate(ctx: Ctx) -> list[Candidate]:
    out: list[Candidate] = []
    for family in (terms, methods, usage, titles, definitions, claims, sources, translations):
        out.extend(family(ctx))
    return out


def terms(ctx: Ctx) -> Iterator[Candidate]:
    """"What is the Chinese term for preference drift?" / "偏好偏移 的英文是？"."""
    every = [term_names(t) for t in ctx.pool.every("term")]
    for item in ctx.pool.asked("term"):
        en, abbr, zh = term_names(item)
        if not (en and zh):
            continue
        facts = name_facts(en, abbr, zh)
        for side in ctx.sides():
            if side == "en":
                shown = f"{en} ({abbr})" if abbr else en
                prompt, answer = f"What is the Chinese term for **{shown}**?", zh
                others = [z for e, a, z in every if z and not normalize.same(z, zh)]
            else:
                shown = zh
                prompt, answer = f"**{zh}** 的英文是？", en
                others = [e for e, a, z in every if e and not normalize.same(e, en)]
            wrong = pick_distractors(ctx, answer, shown, others, avoid=[abbr])
            if wrong:
                yield mcq(ctx, prompt=prompt, answer=answer, wrong=wrong, sources=[item.id], paper=None,
                          facts=facts, group="term", hides=[(normalize.key(zh), normalize.key(en))],
                          explanation=f"{shown} — {answer}" + (f" ({abbr})" if abbr and side == "zh" else ""))


def methods(ctx: Ctx) -> Iterator[Candidate]:
    """"Which paper proposes NS-DPO?" — the other papers' titles as wrong options."""
    pool = ctx.pool
    for item, names, taken in asked_methods(pool):
        for side in ctx.sides():
            lang = "zh" if side == "en" else "en"           # asked in one language, answered in the other
            answer = pool.title(item.paper, lang)
            if not answer:
                continue
            if side == "en":
                shown = " and ".join(names)
                prompt = f"Which paper proposes **{shown}**?"
            else:
                shown = " 和 ".join(names)
                prompt = f"哪篇论文提出了 **{shown}**？"
            others = [t for k, t in pool.titles(lang) if k not in taken]
            wrong = pick_distractors(ctx, answer, with_translations(pool, shown), [o for o in others if o])
            if wrong:
                yield mcq(ctx, prompt=prompt, answer=answer, wrong=wrong, sources=[item.id], paper=item.paper,
                          facts={"method:" + item.paper + ":" + normalize.key(" and ".join(names))}
                          | usage_facts(pool, " ".join(names), item.paper), group="method",
                          explanation=f"{shown}: {pool.title(item.paper)}")


def usage(ctx: Ctx) -> Iterator[Candidate]:
    """"Which paper discusses *pointwise noise*?" — for terms only one paper uses."""
    pool = ctx.pool
    for item in pool.asked("term"):
        key = only_paper(pool, item)
        if not key or key not in pool.selected:
            continue
        en, abbr, zh = term_names(item)
        for side in ctx.sides():
            lang = "zh" if side == "en" else "en"
            shown = (f"{en} ({abbr})" if abbr else en) if side == "en" else (zh or en)
            if not shown:
                continue
            prompt = (f"Which paper discusses **{shown}**?" if side == "en" else f"哪篇论文讨论了 **{shown}**？")
            answer = pool.title(key, lang)
            others = [t for k, t in pool.titles(lang) if k != key and t]
            wrong = pick_distractors(ctx, answer, " ".join(n for n in (en, abbr, zh) if n), others)
            if answer and wrong:
                yield mcq(ctx, prompt=prompt, answer=answer, wrong=wrong, sources=[item.id], paper=key,
                          facts={"usage:" + item.id}, group="usage", explanation=f"{shown}: {pool.title(key)}")


def titles(ctx: Ctx) -> Iterator[Candidate]:
    """A paper's English title → its Chinese title, and back."""
    pool = ctx.pool
    for item in pool.asked("paper"):
        en, zh = normalize.markdown(item.fields.get("english", "")), normalize.markdown(item.fields.get("chinese", ""))
        if not (en and zh):
            continue
        for side in ctx.sides():
            if side == "en":
                shown, answer = en, zh
                prompt = f"What is the Chinese title of *{en}*?"
                others = [i.fields.get("chinese", "") for i in pool.every("paper") if i.id != item.id]
            else:
                shown, answer = zh, en
                prompt = f"《{zh}》的英文标题是？"
                others = [i.fields.get("english", "") for i in pool.every("paper") if i.id != item.id]
            wrong = pick_distractors(ctx, answer, shown, [normalize.markdown(o) for o in others if o])
            if wrong:
                yield mcq(ctx, prompt=prompt, answer=answer, wrong=wrong, sources=[item.id], paper=item.paper,
                          facts={"title:" + item.paper}, group="title", explanation=f"{en} — {zh}")


def _statements(ctx: Ctx, *, exclude: str = "") -> tuple[list[str], list[str]]:
    """Every short one-statement definition, and every claim answer, in the store (store order)."""
    defs, claims = ctx.once("statements", lambda: _all_statements(ctx.pool))
    return [t for item_id, t in defs if item_id != exclude], [t for item_id, t in claims if item_id != exclude]


def _all_statements(pool) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    defs = [(i.id, single_statement(i.fields.get("definition", ""), lo=4)) for i in pool.every("definition")]
    claims = [(i.id, single_statement(i.fields.get("answer", ""))) for i in pool.every("claim")]
    return [(i, t) for i, t in defs if t], [(i, t) for i, t in claims if t]


def definitions(ctx: Ctx) -> Iterator[Candidate]:
    """"成对噪声 (pairwise noise) 是什么？" — other definitions (then short claim answers) as wrong options."""
    for item in ctx.pool.asked("definition"):
        term = normalize.markdown(item.fields.get("term", "")).strip()
        answer = single_statement(item.fields.get("definition", ""), lo=4)
        if not term or not answer or checks.is_acronym_of(term, answer):
            continue
        prompt = f"**{term}** 是什么？" if checks.lang(answer) == "zh" else f"What is **{term}**?"
        defs, claims = _statements(ctx, exclude=item.id)
        wrong = _definitions_first(ctx, answer, term, defs + claims, n_defs=len(defs))
        if wrong:
            yield mcq(ctx, prompt=prompt, answer=answer, wrong=wrong, sources=[item.id], paper=item.paper,
                      facts={"item:" + item.id, "text:" + normalize.key(answer)} | name_facts(*split_names(term)),
                      group="definition", explanation=f"{term}: {answer}")


def _definitions_first(ctx: Ctx, answer: str, shown: str, ordered: list[str], n_defs: int) -> list[str] | None:
    """Wrong options from other definitions when there are enough fair ones, else topped up with claims."""
    defs = pick_distractors(ctx, answer, shown, ordered[:n_defs]) if n_defs >= 3 else None
    return defs or pick_distractors(ctx, answer, shown, ordered)


def claims(ctx: Ctx) -> Iterator[Candidate]:
    """"NS-DPO 论文：如何解决？" — answers of other papers' claims as wrong options."""
    pool = ctx.pool
    every = [(i.paper, single_statement(i.fields.get("answer", ""))) for i in pool.every("claim")]
    # an answer naming its own paper's method (NS-DPO…) is ruled out at a glance
    every = [(p, t) for p, t in every if t and not _names_its_paper(pool, p, t)]
    for item in pool.asked("claim"):
        answer = single_statement(item.fields.get("answer", ""), lo=6)
        question = normalize.markdown(item.fields.get("question", "")).strip()
        if not answer or not question or not pool.paper(item.paper):
            continue
        name = pool.paper(item.paper).short or pool.title(item.paper)
        if checks.lang(question) == "zh":
            prompt = f"**{name}** 论文：{question}"
        else:
            prompt = f"In **{name}**: {question}"
        others = [t for p, t in every if p != item.paper]
        wrong = pick_distractors(ctx, answer, f"{name} {question}", others)
        if wrong:
            yield mcq(ctx, prompt=prompt, answer=answer, wrong=wrong, sources=[item.id], paper=item.paper,
                      facts={"item:" + item.id, "text:" + normalize.key(answer)}, group="claim",
                      explanation=f"{question} {answer}")


def _quotes(ctx: Ctx) -> Iterator[tuple[object, str, str]]:
    """(item, quote, language) for every one-statement claim answer, summary and abstract sentence
    asked, store order; `QUOTES` says how each kind gives its quotes."""
    for item in ctx.pool.items:
        quotes = QUOTES.get(item.kind)
        if quotes is not None and ctx.pool.asks(item) and item.paper:
            yield from ((item, text, lang) for text, lang in quotes(item))


def _claim_quote(item) -> Iterator[tuple[str, str]]:
    text = single_statement(item.fields.get("answer", ""), lo=14)
    if text:
        yield text, checks.lang(text)


def _summary_quote(item) -> Iterator[tuple[str, str]]:
    text = single_statement(item.fields.get("summary", ""), lo=14, hi=200)
    if text:
        yield text, checks.lang(text)


def _sentence_quotes(item) -> Iterator[tuple[str, str]]:
    for lang in ("en", "zh"):
        text = normalize.markdown(item.fields.get("english" if lang == "en" else "chinese", ""))
        if text and 20 <= len(normalize.plain(text)) <= 260:
            yield text, lang


# How each kind "which paper says …?" quotes gives its quotes, like Anki's face per kind
QUOTES = {"claim": _claim_quote, "summary": _summary_quote, "sentence": _sentence_quotes}


def _names_its_paper(pool, key: str, quote: str) -> bool:
    """The quote mentions the paper's own method or short name (NS-DPO, UNA): it answers itself."""
    info = pool.paper(key)
    q = normalize.key(quote)
    names = [info.short, *info.methods] if info else []
    for item in pool.of_paper(key, "method"):
        names += [m for m in item.fields.get("method", "").split("/")]
    return any(len(normalize.key(n)) >= 3 and normalize.key(n) in q for n in names if n)


def sources(ctx: Ctx) -> Iterator[Candidate]:
    """"Which paper says: …?" — the paper titles, in the quote's language, as options."""
    pool = ctx.pool
    for item, quote, lang in _quotes(ctx):
        if kind_of(item).translation and ctx.direction == ("zh-en" if lang == "en" else "en-zh"):
            continue                  # the side of a translation the direction shows, not the one it asks
        answer = pool.title(item.paper, lang)
        others = [t for k, t in pool.titles(lang) if k != item.paper]
        if not answer or _names_its_paper(pool, item.paper, quote):
            continue
        if lang == "en":
            prompt = f"Which paper says: “{quote}”"
        else:
            prompt = f"「{quote}」出自哪篇论文？"
        wrong = pick_distractors(ctx, answer, quote, [o for o in others if o])
        if wrong:
            facts = {"item:" + item.id, "text:" + normalize.key(quote)} | usage_facts(pool, quote, item.paper)
            yield mcq(ctx, prompt=prompt, answer=answer, wrong=wrong, sources=[item.id], paper=item.paper,
                      facts=facts, group="source", explanation=pool.title(item.paper))


def translations(ctx: Ctx) -> Iterator[Candidate]:
    """An abstract sentence → its aligned translation, other sentences' translations as wrong options."""
    pool = ctx.pool
    every = pool.every("sentence")
    for item in pool.asked("sentence"):
        en = normalize.markdown(item.fields.get("english", ""))
        zh = normalize.markdown(item.fields.get("chinese", ""))
        if not (en and zh) or len(normalize.plain(en)) > 260:
            continue
        for side in ctx.sides():
            shown, answer = (en, zh) if side == "en" else (zh, en)
            field_ = "chinese" if side == "en" else "english"
            others = [normalize.markdown(i.fields.get(field_, "")) for i in every if i.id != item.id]
            others = [o for o in others if o and len(normalize.plain(o)) <= 260]
            prompt = (f"Which is the Chinese translation of: “{en}”" if side == "en"
                      else f"「{zh}」的英文原文是？")
            wrong = pick_distractors(ctx, answer, shown, others)
            if wrong:
                yield mcq(ctx, prompt=prompt, answer=answer, wrong=wrong, sources=[item.id], paper=item.paper,
                          facts={"item:" + item.id, "text:" + normalize.key(en), "text:" + normalize.key(zh)},
                          group="translation", explanation=f"{en} — {zh}")
