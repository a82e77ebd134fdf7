"""What every generator shares: the candidate question, its facts, picking distractors."""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field

from .. import checks, normalize
from ..model import Question
from ..pool import Pool, term_names


@dataclass
class Candidate:
    """A question that could go into the quiz.

    ``facts`` name what it tests (item ids, aspects, answer texts): two
    candidates sharing a fact are never both chosen, so one quiz never asks
    the same thing twice (or shows one question's answer in another).
    """
    question: Question
    facts: frozenset[str]
    group: str = ""            # what kind of fact (term, method, claim, …): for variety
    # what another question must not show, as comparison keys: each tuple is one leak when all
    # of it is shown together (a blank's answer; a term's name beside its translation)
    hides: tuple[tuple[str, ...], ...] = ()


@dataclass
class Ctx:
    pool: Pool
    direction: str
    rng: random.Random
    _made: dict = field(default_factory=dict, repr=False)

    def once(self, what: str, make):
        """``make()``, computed the first time ``what`` is asked for: what every question of a
        family reads (all the statements, all the titles' common words) is read once, not per question."""
        if what not in self._made:
            self._made[what] = make()
        return self._made[what]

    def sides(self) -> list[str]:
        """Which side of an English/中文 pair is asked: ["en"], ["zh"] or both (mixed)."""
        return {"en-zh": ["en"], "zh-en": ["zh"]}.get(self.direction, ["en", "zh"])


def question_id(kind: str, sources: list[str], prompt: str) -> str:
    digest = hashlib.sha1(("\n".join(sources) + "\n" + prompt).encode("utf-8")).hexdigest()[:10]
    return f"{kind}-{digest}"


def pick_distractors(ctx: Ctx, answer: str, shown: str, others: list[str], *, n: int = 3,
                     avoid: list[str] = ()) -> list[str] | None:
    """``n`` wrong options for ``answer`` from ``others``, or None when no fair set exists.

    Fair: distinct from the answer, from each other and from the prompt after
    normalisation, same language, similar length; harder ones (sharing words
    with the prompt) first; no giveaway word; the answer not the odd one out.
    """
    seg = ctx.pool.segmenter
    options = ctx.once("options", dict)
    lang = checks.lang(answer)
    bad = {normalize.key(answer), normalize.key(shown)} | {normalize.key(a) for a in avoid}
    seen: set[str] = set()
    usable: list[str] = []
    for o in others:
        k, o_lang, _ = options.get(o) or _option(options, o)
        if not k or k in bad or k in seen or o_lang != lang:
            continue
        seen.add(k)
        usable.append(o)
    if checks.lang(shown) != lang:
        usable = _same_codes(shown, answer, usable)
    if len(usable) < n:
        return None
    ctx.rng.shuffle(usable)
    shown_words = checks.tokens(shown, seg)
    n_ans = max(1, len(normalize.plain(answer)))

    def score(o: str) -> tuple:
        m = options[o][2]
        ratio = min(m, n_ans) / max(m, n_ans)
        return (-(0 if shown_words.isdisjoint(checks.tokens(o, seg)) else 1), -round(ratio * 4))

    usable.sort(key=score)            # stable: ties stay in the seeded order
    chosen = usable[:n]
    if checks.gives_away(shown, answer, chosen, seg) or checks.odd_one_out(answer, chosen):
        return None
    return chosen


def _option(options: dict, text: str) -> tuple[str, str, int]:
    """(comparison key, language, plain length) of an option, worked out once per quiz: every
    option of a kind is weighed for every question of that kind."""
    options[text] = (normalize.key(text), checks.lang(text), len(normalize.plain(text)))
    return options[text]


def _same_codes(shown: str, answer: str, options: list[str]) -> list[str]:
    """Options of a translation question that keep the prompt's acronyms and numbers no
    worse than the answer does. A translation keeps NS-DPO, UNA and 3D as they are, so an
    option naming an acronym the prompt lacks (or lacking one it has) is ruled out at a
    glance. Codes found in most options (DPO in a DPO quiz) tell nothing and are ignored."""
    counts: dict[str, int] = {}
    for text in [answer, *options]:
        for code in checks.codes(text):
            counts[code] = counts.get(code, 0) + 1
    common = {c for c, k in counts.items() if k * 2 > len(options) + 1}
    prompt = checks.codes(shown) - common

    def mismatch(text: str) -> int:
        return len((checks.codes(text) - common) ^ prompt)

    allowed = mismatch(answer)
    return [o for o in options if mismatch(o) <= allowed]


def mcq(ctx: Ctx, *, prompt: str, answer: str, wrong: list[str], sources: list[str],
        paper: str | None, facts, group: str, explanation: str = "", hides=()) -> Candidate:
    options = [answer] + list(wrong)
    ctx.rng.shuffle(options)
    q = Question(id=question_id("mcq", sources, prompt), type="mcq", prompt=prompt,
                 options=options, correct=[options.index(answer)], sources=list(sources),
                 paper=paper, explanation=explanation)
    # a wrong option is another item's text: a question quoting that text ("which paper
    # says …?") would tell the student where the option comes from, so never both
    shown = {"shows:text:" + normalize.key(w) for w in wrong}
    return Candidate(q, frozenset(facts) | shown, group, tuple(hides))


def name_facts(*names: str) -> set[str]:
    return {"name:" + normalize.key(n) for n in names if n and normalize.key(n)}


def split_names(label: str) -> list[str]:
    """"成对噪声 (pairwise noise)" → ["成对噪声", "pairwise noise"]."""
    import re
    m = re.fullmatch(r"\s*(.+?)\s*[(（]\s*(.+?)\s*[)）]\s*", label)
    return [m.group(1), m.group(2)] if m else [label.strip()]


def method_names(item) -> list[str]:
    """The names of a method item ("RLHF-COV / DPO-COV" → both)."""
    return [m.strip() for m in item.fields.get("method", "").split("/") if m.strip()]


def asked_methods(pool: Pool):
    """(method item, its names, keys of every paper proposing one of them) for each method
    asked whose paper is known; none of those papers may be a wrong answer."""
    proposing: dict[str, set[str]] = {}          # method name key → papers naming it
    for k, info in pool.papers.items():
        for m in info.methods:
            proposing.setdefault(normalize.key(m), set()).add(k)
    for item in pool.asked("method"):
        names = method_names(item)
        if not names or not pool.paper(item.paper):
            continue
        taken = {k for n in names for k in proposing.get(normalize.key(n), ())}
        yield item, names, taken | {item.paper}


def single_statement(text: str, *, lo: int = 8, hi: int = 120) -> str | None:
    """The answer as one option: one line (list marker dropped), lo–hi plain characters; else None."""
    ls = normalize.lines(text)
    if len(ls) != 1:
        return None
    line = normalize.markdown(ls[0])
    n = len(normalize.plain(line))
    if not lo <= n <= hi or line.rstrip().endswith((":", "：")):
        return None
    if len(re.findall(r"[。！？]|[.!?](?=\s+[A-Z])", normalize.plain(line).rstrip("。.!?！？ "))) >= 2:
        return None                      # three sentences read as a paragraph, not an option
    return line


def only_paper(pool: Pool, item) -> str | None:
    """The one paper a term belongs to, when no other paper's items mention it; else None."""
    return pool.only_papers.get(item.id)


def usage_facts(pool: Pool, text: str, paper: str | None) -> set[str]:
    """"shows:usage:<term id>" for each term only ``paper`` uses that ``text`` names.

    A question that shows such a term beside its paper answers "which paper
    discusses …?" for it; "shows:" facts rule out the question with that fact,
    not each other (see `compose.pick`).
    """
    if not paper:
        return set()
    return {"shows:usage:" + t.id for t in pool.terms_named_in(text) if pool.only_papers[t.id] == paper}


def with_translations(pool: Pool, text: str) -> str:
    """``text`` followed by the glossary translations of the terms it names (NS-DPO → 非平稳直接偏好优化):
    what a reader who knows the glossary sees in it."""
    k = normalize.key(text)
    extra: list[str] = []
    for item in pool.terms_named_in(text):
        extra += [n for n in term_names(item) if n and normalize.key(n) not in k]
    return " ".join([text, *extra])
