"""Fill in the blank: a claim, summary or abstract sentence with one whole word hidden.

Blanks come from `papercards.text.make_cloze` (jieba word boundaries, the
author's **bold** first, then glossary terms, numbers, long rare words) or
from the cloze items' own ``{{cN::…}}`` blanks. A blank is dropped when the
rest of the prompt answers it: the word (or its translation from the
glossary) is visible elsewhere, or its translation stands in brackets beside
it. The key accepts the word and its glossary translations (``偏好偏移`` /
``preference drift``); every accepted answer is in one of the question's
source items.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...kinds import kind_of
from ...text import CLOZE_BLANK, cloze_answers, make_cloze
from ...text.lang import CJK_RE
from ...text.segment import word_frequency
from .. import normalize
from ..model import BLANK, Question
from .base import Candidate, Ctx, name_facts, question_id, usage_facts

_MARKED = re.compile(r"\*\*([^*]+)\*\*|`([^`]+)`")
_NUMBER = re.compile(r"\d+(?:\.\d+)?\s*%|\d+(?:\.\d+)?[xX×倍]")
MIN_CHARS = 10
TRIES = 4
RARE = 800                     # a two-character word rarer than this in jieba's dictionary is a term
_WEAK = frozenset("大多数 大部分 少部分 绝大多数 越来越 相对于 一系列 各方面 无需 显着 显著 潜在 最优 相应 给定 具有 包含 包括 优于 算法 方法 模型 技术 数据 问题".split())


def generate(ctx: Ctx) -> list[Candidate]:
    out: list[Candidate] = []
    for item, text, lead, facts in _texts(ctx):
        cand = _from_item_blanks(ctx, item, text, lead, facts) if kind_of(item).blanks \
            else _from_text(ctx, item, text, lead, facts)
        if cand:
            out.append(cand)
    return out


def _texts(ctx: Ctx) -> Iterator[tuple[object, str, str, set[str]]]:
    """(item, inline Markdown text, lead-in naming the paper, facts) for every sentence worth a blank,
    store order; `SENTENCES` says how each kind the cloze asks gives its sentences."""
    pool = ctx.pool
    for item in pool.items:
        sentences = SENTENCES.get(item.kind)
        if sentences is None or not pool.asks(item) or not pool.paper(item.paper):
            continue
        yield from sentences(ctx, item, pool.paper(item.paper).short or pool.title(item.paper))


def _claim_lines(ctx: Ctx, item, name: str) -> Iterator[tuple[object, str, str, set[str]]]:
    """Each line of the answer, after its question."""
    question = normalize.markdown(item.fields.get("question", "")).strip()
    lines = normalize.lines(item.fields.get("answer", ""))
    for n, line in enumerate(lines):
        line = normalize.markdown(line)
        if line.rstrip().endswith((":", "：")) or _bilingual(line):
            continue
        # one line of a list is its own fact; a one-line answer is the whole item
        facts = {"item:" + item.id} if len(lines) == 1 else {f"item:{item.id}#{n}"}
        # the question names its paper already: no "**NS-DPO** 论文，" glued in front
        lead = f"{question} " if name.casefold() in question.casefold() else f"**{name}** 论文，{question} "
        yield item, line, lead, facts | {"text:" + normalize.key(line)}


def _summary_line(ctx: Ctx, item, name: str) -> Iterator[tuple[object, str, str, set[str]]]:
    yield item, normalize.markdown(item.fields.get("summary", "")), f"**{name}** in one line: ", {"item:" + item.id}


def _sentence_sides(ctx: Ctx, item, name: str) -> Iterator[tuple[object, str, str, set[str]]]:
    """The side of an abstract sentence the quiz's direction shows."""
    for field_, lead in (("english", f"**{name}**: "), ("chinese", f"**{name}**：")):
        if ctx.direction == "en-zh" and field_ == "chinese" or ctx.direction == "zh-en" and field_ == "english":
            continue
        text = normalize.markdown(item.fields.get(field_, ""))
        if text and len(normalize.plain(text)) <= 240:
            yield item, text, lead, {"item:" + item.id}


MAX_QUIZ_ANSWER = 16           # characters: a longer blank is a clause to recite, not a word to fill in


def _cloze_lines(ctx: Ctx, item, name: str) -> Iterator[tuple[object, str, str, set[str]]]:
    """One question per line with a blank: an enumeration's item under its question
    (``UNA效果：…____``), a sentence under its paper's name unless it names it already.
    The first blank of the line is asked, the others shown; a blank that is a whole
    clause is left to the flashcard."""
    lines = [ln.strip() for ln in normalize.markdown(item.fields.get(kind_of(item).blanks, "")).split("\n")
             if ln.strip()]
    head = lines[0] if len(lines) > 1 and not CLOZE_BLANK.search(lines[0]) else ""
    question = re.sub(r"[？?：:\s]+$", "", head)
    for n, line in enumerate(lines):
        if line is head:
            continue
        line = re.sub(r"^(?:[-*+]|\d{1,3}[.)])\s+", "", line)
        first = CLOZE_BLANK.search(line)
        if not first or len(normalize.plain(first.group(2))) > MAX_QUIZ_ANSWER:
            continue
        shown = CLOZE_BLANK.sub(lambda m: m.group(0) if m.start() == first.start() else m.group(2), line)
        lead = f"{question}：" if question else ("" if name.casefold() in line.casefold() else f"**{name}**：")
        plain = normalize.plain(CLOZE_BLANK.sub(lambda m: m.group(2), line))
        yield item, shown, lead, {f"item:{item.id}#{n}", "text:" + normalize.key(plain)}


# How each kind the cloze asks (kinds.py: quiz) gives its sentences, like Anki's face per kind
SENTENCES = {"cloze": _cloze_lines, "claim": _claim_lines, "summary": _summary_line, "sentence": _sentence_sides}


def _bilingual(line: str) -> bool:
    """An English phrase beside its Chinese translation: a blank on one is answered by the other."""
    cjk = len(CJK_RE.findall(line))
    return cjk >= 4 and len(re.findall(r"[A-Za-z]", line)) >= cjk


def _avoid(ctx: Ctx, item) -> list[str]:
    info = ctx.pool.paper(item.paper)
    return [info.short, info.title, info.title_zh or "", *info.methods] if info else []


def _prefer(ctx: Ctx) -> list[str]:
    """Glossary words worth a blank: not the ones every paper uses (DPO in a DPO quiz)."""
    def make() -> list[str]:
        common = {normalize.key(n) for t in ctx.pool.every("term") if len(t.papers) >= 3
                  for n in t.fields.values() if n}
        return [w for w in ctx.pool.words if normalize.key(w) not in common]
    return list(ctx.once("prefer", make))


def _from_text(ctx: Ctx, item, text: str, lead: str, facts: set[str]) -> Candidate | None:
    if len(normalize.plain(text)) < MIN_CHARS:
        return None
    marked = [m.group(1) or m.group(2) for m in _MARKED.finditer(text)]
    prefer = marked + _prefer(ctx)
    avoid = _avoid(ctx, item)
    for _attempt in range(TRIES):           # the best blank first; a weak one is avoided next time
        made = make_cloze(text, ctx.pool.segmenter, prefer=prefer, avoid=avoid, max_blanks=1)
        if not made:
            return None
        answers = cloze_answers(made)
        answer = normalize.plain(answers[min(answers)][0]) if answers else ""
        if _good_answer(ctx, answer, prefer):
            cand = _candidate(ctx, item, made, lead, facts)
            if cand:
                return cand
        avoid = avoid + [answer]
    return None


def _from_item_blanks(ctx: Ctx, item, text: str, lead: str, facts: set[str]) -> Candidate | None:
    """A cloze item's own blanks, unless one is a word of its paper's titles (the lead names the paper)."""
    avoid = [normalize.key(a) for a in _avoid(ctx, item) if a]
    for answers in cloze_answers(text).values():
        for ans in answers:
            words = [normalize.key(w) for w in ctx.pool.segmenter.words(normalize.plain(ans))]
            if any(len(w) >= 2 and any(w in a for a in avoid) for w in words if not w.isascii() or len(w) >= 4):
                return None
    return _candidate(ctx, item, text, lead, facts)


def _good_answer(ctx: Ctx, answer: str, prefer: list[str]) -> bool:
    """A word worth asking: a term, a number, a marked word, or a long content word."""
    if not answer:
        return False
    k = normalize.key(answer)
    if any(normalize.key(p) == k for p in prefer) or _NUMBER.fullmatch(answer):
        return True
    cjk = len(CJK_RE.findall(answer))
    if cjk:
        if answer in _WEAK or cjk != len(answer):
            return False
        if _everywhere(ctx, answer):
            return False                  # 偏好 in notes on preference optimisation: guessable
        return cjk >= 3 or (cjk == 2 and word_frequency(answer) < RARE)
    # English: a common word is guessed from the grammar around it; a name is knowledge
    return bool(re.fullmatch(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)+|[A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z-]*", answer))


def _everywhere(ctx: Ctx, word: str) -> bool:
    """A word found in the items of three papers or more (not a glossary term)."""
    if normalize.key(word) in ctx.pool.translations:
        return False
    return ctx.once("everywhere:" + word, lambda: len(
        {i.paper for i in ctx.pool.items if i.paper and any(word in v for v in i.fields.values() if v)}) >= 3)


def _candidate(ctx: Ctx, item, cloze_text: str, lead: str, facts: set[str]) -> Candidate | None:
    """Turn ``{{cN::…}}`` markup into a prompt with {{1}}, {{2}} … and the accepted answers."""
    order: dict[str, int] = {}
    answers: list[str] = []

    def blank(m: re.Match) -> str:
        n = order.setdefault(m.group(1), len(order) + 1)
        if n > len(answers):
            answers.append(m.group(2))
        return BLANK % n

    body = CLOZE_BLANK.sub(blank, cloze_text)
    if not answers:
        return None
    filled = normalize.markdown(CLOZE_BLANK.sub(lambda m: m.group(2), cloze_text))
    prompt = lead + body
    visible = normalize.plain(re.sub(r"\{\{\d+\}\}", " ", prompt))
    blanks: list[list[str]] = []
    sources = [item.id]
    for raw in answers:
        ans = normalize.plain(raw)
        if not ans or _answered_nearby(ans, body, ctx):
            return None
        accepted = [ans]
        for other in ctx.pool.translations.get(normalize.key(ans), []):
            if normalize.key(other) in normalize.key(visible):
                return None                  # its translation is right there in the prompt
            if not any(normalize.same(other, a) for a in accepted):
                accepted.append(other)
        if len(accepted) > 1:
            term = _term_item(ctx, ans)
            if term and term.id not in sources:
                sources.append(term.id)
        if normalize.key(ans) in normalize.key(visible):
            return None                      # the word is visible elsewhere in the prompt
        blanks.append(accepted)
    facts = set(facts) | name_facts(*(a for acc in blanks for a in acc)) | usage_facts(ctx.pool, visible, item.paper)
    q = Question(id=question_id("cloze", sources, prompt), type="cloze", prompt=prompt, blanks=blanks,
                 sources=sources, paper=item.paper, explanation=normalize.plain(filled))
    hides = tuple((normalize.key(a),) for accepted in blanks for a in accepted if len(normalize.key(a)) >= 2)
    return Candidate(q, frozenset(facts), "cloze:" + item.kind, hides)


def _answered_nearby(answer: str, body: str, ctx: Ctx) -> bool:
    """Its translation in brackets right beside the blank: 隐形奖励(implicit reward)."""
    for m in re.finditer(r"\{\{\d+\}\}", body):
        before, after = body[: m.start()], body[m.end():]
        if re.search(r"[(（]\s*$", before) or re.match(r"\s*的?\s*[(（]", after):
            return True
    return False


def _term_item(ctx: Ctx, name: str):
    def make() -> dict:
        first: dict = {}
        for t in ctx.pool.every("term"):
            for f, v in t.fields.items():
                if f in ("term", "english", "chinese") and v:
                    first.setdefault(normalize.key(v), t)
        return first
    return ctx.once("terms by name", make).get(normalize.key(name))
