"""From candidates to quizzes: pick N questions, balanced, then lay out versions A, B, ….

Everything random comes from `random.Random` seeded with strings derived from
the seed (``"7:mcq"``, ``"7:pick"``, ``"7:B"``): each step has its own stream,
so the same seed gives byte-identical quizzes, and no set order or ``hash()``
is ever involved.
"""

from __future__ import annotations

import copy
import random
import re
import string

from ..diagnostics import InputError
from .generators import GENERATORS, Candidate, Ctx
from . import normalize
from .model import DIRECTIONS, QUESTION_TYPES, Question, Quiz, QuizOptions
from .pool import Pool
from .substrings import Finder

MAX_VERSIONS = 26
PICK_ATTEMPTS = 12               # seeded orders tried before giving up on N questions
DEGREE_STEP = 4                  # candidates ruling out about as many others count as equal


def candidates(pool: Pool, options: QuizOptions) -> dict[str, list[Candidate]]:
    """Every fair question of the requested types, by type."""
    out: dict[str, list[Candidate]] = {}
    for kind, generate in GENERATORS:
        if kind in options.types:
            out[kind] = generate(Ctx(pool, options.direction, random.Random(f"{options.seed}:{kind}")))
    return out


def make_quiz(pool: Pool, options: QuizOptions) -> list[Quiz]:
    """``options.versions`` quizzes with the same ``options.questions`` questions, in other orders."""
    _check(options)
    by_type = candidates(pool, options)
    chosen = pick(by_type, options)
    if len(chosen) < options.questions and not (options.fit and chosen):
        papers = ", ".join(_paper_names(pool)) or "none"
        raise InputError("--questions", 0,
                         f"only {len(chosen)} question(s) can be made from these papers ({papers}) with types "
                         f"{', '.join(options.types)}; ask for -n {len(chosen)} or fewer, or add types or papers")
    order = [t for t in options.types if t in by_type]
    ordered = [c.question for t in order for c in chosen if c.question.type == t]
    papers = {k: pool.papers[k] for k in pool.papers
              if k in pool.selected or any(q.paper == k for q in ordered)}
    title = options.title or "Quiz"
    quizzes: list[Quiz] = []
    previous: list[list[str]] = []
    for v in range(options.versions):
        letter = string.ascii_uppercase[v]
        rng = random.Random(f"{options.seed}:{letter}")
        questions = _layout(ordered, order, rng, previous)
        previous.append([q.id for q in questions])
        quizzes.append(Quiz(title=title, version=letter, seed=options.seed, direction=options.direction,
                            questions=questions, papers=papers))
    return quizzes


def _check(options: QuizOptions) -> None:
    bad = [t for t in options.types if t not in QUESTION_TYPES]
    if bad or not options.types:
        raise InputError("--types", 0, f"unknown question type '{(bad or [''])[0]}' "
                         f"(known: {', '.join(QUESTION_TYPES)})")
    if options.direction not in DIRECTIONS:
        raise InputError("--direction", 0, f"unknown direction '{options.direction}' (known: {', '.join(DIRECTIONS)})")
    if options.questions < 1:
        raise InputError("--questions", 0, "ask for at least 1 question")
    if not 1 <= options.versions <= MAX_VERSIONS:
        raise InputError("--versions", 0, f"versions must be between 1 and {MAX_VERSIONS}")


def _paper_names(pool: Pool) -> list[str]:
    return [pool.papers[k].short or pool.papers[k].title for k in pool.selected if k in pool.papers]


def pick(by_type: dict[str, list[Candidate]], options: QuizOptions) -> list[Candidate]:
    """Choose ``options.questions`` candidates, never two that clash (shared fact, or one
    showing another's blank).

    Greedy and seeded: the type furthest below its share goes next; within it
    the candidate whose item, kind of fact (term, method, claim, …) and paper
    are least used so far, ruling out few others. When a pass falls short,
    other seeded orders are tried, then a pass that only packs; the first
    full pass wins (else the fullest).
    """
    everything = [c for t in options.types if t in by_type for c in by_type[t]]
    table = _Table(everything)
    best: list[Candidate] = []
    for attempt in range(PICK_ATTEMPTS):
        for pack in (False, True):
            rng = random.Random(f"{options.seed}:pick" + (f":{attempt}" if attempt else ""))
            chosen = _greedy(by_type, options, table, rng, pack=pack)
            chosen = _augment(chosen, everything, table, options)
            if len(chosen) >= options.questions:
                return chosen
            if len(chosen) > len(best):
                best = chosen
    return best


class _Table:
    """What each candidate shows and hides, and which others it rules out.

    Found through indexes, never by comparing all pairs: an index from each
    fact to the candidates that state it (a "shows:X" fact meets only X), and
    one from each hidden text to the candidates that show it. ``checks``
    counts the index entries visited: it grows with the clashes there are,
    not with the square of the store.
    """

    def __init__(self, everything: list[Candidate]):
        self.shows = {id(c): _shows(c.question) for c in everything}
        self.checks = 0
        self.clashes: dict[int, set[int]] = {id(c): set() for c in everything}
        self._by_facts(everything)
        self._by_leaks(everything)
        # one that rules itself out (all its facts "shows:", say) is never chosen twice
        self.itself = {k for k, v in self.clashes.items() if k in v}
        for k in self.itself:
            self.clashes[k].discard(k)
        self.degree = {k: len(v) for k, v in self.clashes.items()}

    def ruled_out(self, chosen) -> set[int]:
        """Every candidate that clashes with one of ``chosen`` (the relation is symmetric)."""
        out: set[int] = set()
        for c in chosen:
            out |= self.clashes[id(c)]
            if id(c) in self.itself:
                out.add(id(c))
        return out

    def _by_facts(self, everything: list[Candidate]) -> None:
        """Shared facts: X meets X and "shows:X"; "shows:X" meets only X."""
        stating: dict[str, list[int]] = {}
        for c in everything:
            for f in c.facts:
                stating.setdefault(f, []).append(id(c))
        for c in everything:
            mine = self.clashes[id(c)]
            for f in c.facts:
                for meets in ((f[6:],) if f.startswith("shows:") else (f, "shows:" + f)):
                    others = stating.get(meets, ())
                    self.checks += len(others)
                    mine.update(others)

    def _by_leaks(self, everything: list[Candidate]) -> None:
        """One candidate hides all of a tuple another shows: both ways, the pair clashes."""
        showing = _ShowIndex(list(self.shows.items()), {h for c in everything for hide in c.hides for h in hide})
        for c in everything:
            for hide in c.hides:
                leaked = showing.all_of(hide)
                self.checks += len(leaked)
                self.clashes[id(c)].update(leaked)
                for other in leaked:
                    self.clashes[other].add(id(c))


class _ShowIndex:
    """Which candidates show each hidden text, every hidden text searched for at once
    (`substrings.Finder`): the cost is the length of what is shown plus the matches."""

    def __init__(self, shows: list[tuple[int, str]], keys: set[str]):
        self.everyone = {k for k, _ in shows}
        self.found: dict[str, set[int]] = {k: set() for k in keys}
        finder = Finder(k for k in keys if k)
        for who, text in shows:
            for key in finder.keys_in(text):
                self.found[key].add(who)

    def all_of(self, hide: tuple[str, ...]) -> set[int]:
        """The candidates showing every text of ``hide`` ("" is in every text)."""
        sets = sorted((self.found[h] if h else self.everyone for h in hide), key=len)
        if not sets:
            return set(self.everyone)
        return sets[0].intersection(*sets[1:])


def _augment(chosen: list[Candidate], everything: list[Candidate], table: _Table,
             options: QuizOptions) -> list[Candidate]:
    """Short of N: swap one chosen question for two that fit in its place, while that helps."""
    n = options.questions
    match_cap = _caps(options, [t for t in options.types])["match"] if "match" in options.types else 0
    while len(chosen) < n:
        ids = {id(c) for c in chosen}
        for out in chosen:
            ruled_out = ids | table.ruled_out(c for c in chosen if c is not out)
            fits = [o for o in everything if id(o) not in ruled_out]
            matches = sum(1 for c in chosen if c is not out and c.question.type == "match")
            pair = next(((a, b) for k, a in enumerate(fits) for b in fits[k + 1:]
                         if id(b) not in table.clashes[id(a)]
                         and matches + (a.question.type == "match") + (b.question.type == "match") <= match_cap),
                        None)
            if pair:
                chosen = [c for c in chosen if c is not out] + list(pair)
                break
        else:
            return chosen
    return chosen


def _caps(options: QuizOptions, types: list[str]) -> dict[str, int]:
    n = options.questions
    cap = {t: n for t in types}
    if "match" in cap and len(types) > 1:
        cap["match"] = max(1, round(n / 20))     # a matching question uses six facts at once
    return cap


def _greedy(by_type: dict[str, list[Candidate]], options: QuizOptions, table: _Table, rng: random.Random,
            *, pack: bool) -> list[Candidate]:
    pools = {t: list(c) for t, c in by_type.items()}
    for t in pools:
        rng.shuffle(pools[t])
    types = [t for t in options.types if t in pools]
    n = options.questions
    cap = _caps(options, types)
    count = {t: 0 for t in types}
    per_paper: dict[str, int] = {}
    per_group: dict[str, int] = {}
    per_item: dict[str, int] = {}
    truth = {True: 0, False: 0}
    blocked: set[int] = set()        # what clashes with a chosen question
    chosen: list[Candidate] = []

    def free(c: Candidate) -> bool:
        return id(c) not in blocked

    def rank(c: Candidate) -> tuple:
        spread = (truth[c.question.correct == [0]] if c.question.type == "tf" else 0,
                  per_item.get(c.question.sources[0], 0), per_group.get(c.group, 0))
        degree = table.degree[id(c)] // DEGREE_STEP
        paper = per_paper.get(c.question.paper or "", 0)
        return (degree, *spread, paper) if pack else (*spread, degree, paper)

    while len(chosen) < n:
        open_types = [t for t in types if count[t] < cap[t] and any(free(c) for c in pools[t])]
        if not open_types:
            break
        t = min(open_types, key=lambda x: (count[x], types.index(x)))
        best = min((c for c in pools[t] if free(c)), key=rank)      # stable: the seeded order breaks ties
        q = best.question
        if t == "tf":
            truth[q.correct == [0]] += 1
        per_item[q.sources[0]] = per_item.get(q.sources[0], 0) + 1
        per_group[best.group] = per_group.get(best.group, 0) + 1
        per_paper[q.paper or ""] = per_paper.get(q.paper or "", 0) + 1
        blocked |= table.ruled_out([best])
        count[t] += 1
        chosen.append(best)
    return chosen


def _shows(q: Question) -> str:
    """Comparison key of all the text a question shows (a false statement shows nothing true)."""
    if q.type == "tf" and q.correct != [0]:
        return ""
    parts = [re.sub(r"\{\{\d+\}\}", "|", q.prompt), *q.options, *(x for pair in q.pairs for x in pair)]
    return "|".join(normalize.key(p) for p in parts)


def _layout(questions: list[Question], order: list[str], rng: random.Random,
            previous: list[list[str]]) -> list[Question]:
    """One version: questions grouped by type (in the requested order), shuffled within each group,
    options and the matching column shuffled; the key follows."""
    for _attempt in range(20):
        out: list[Question] = []
        for t in order:
            group = [copy.deepcopy(q) for q in questions if q.type == t]
            rng.shuffle(group)
            out.extend(group)
        if [q.id for q in out] not in previous or len(out) < 2:
            break
    for number, q in enumerate(out, 1):
        q.number = number
        if q.type == "mcq":
            right = {q.options[i] for i in q.correct}
            rng.shuffle(q.options)
            q.correct = [i for i, o in enumerate(q.options) if o in right]
        elif q.type == "match":
            rng.shuffle(q.right_order)
    return out
