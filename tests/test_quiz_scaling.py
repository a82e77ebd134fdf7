"""The quiz's clash finding is exact and grows with the store, not with its square.

No timing: the indexes count the entries they visit, and the count per
candidate must stay about flat from 1× to 8× the notes (all pairs would
grow it with the number of candidates). The clashes found through the indexes are checked against the
definition, pair by pair, on the shipped notes.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from papercards.build import build
from papercards.config import load_config
from papercards.quiz import QuizOptions, load_pool
from papercards.quiz.compose import _shows, _Table, candidates
from papercards.quiz.substrings import Finder

from quiz_helpers import built_project

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from make_corpus import make_corpus  # noqa: E402


def _candidates(root: Path) -> list:
    by_type = candidates(load_pool(root / "cards"), QuizOptions(questions=40, seed=1))
    return [c for cs in by_type.values() for c in cs]


def _clash(a, b) -> bool:
    """The definition: a shared fact ("shows:X" meets only X), or one showing all of a tuple the other hides."""
    def facts(mine, theirs):
        return any((f[6:] in theirs) if f.startswith("shows:") else (f in theirs or "shows:" + f in theirs)
                   for f in mine)

    def leaks(hides, shown):
        return any(all(h in shown for h in hide) for hide in hides)

    return facts(a.facts, b.facts) or leaks(a.hides, _shows(b.question)) or leaks(b.hides, _shows(a.question))


def test_indexed_clashes_are_the_pairwise_ones(tmp_path):
    everything = _candidates(built_project(tmp_path / "proj"))
    table = _Table(everything)
    assert len(everything) > 50
    for a in everything:
        expected = {id(b) for b in everything if b is not a and _clash(a, b)}
        assert table.clashes[id(a)] == expected, a.question.prompt
    assert sum(table.degree.values()) > 0


@pytest.fixture(scope="module")
def per_candidate(tmp_path_factory):
    """Candidates and index entries visited, at 1× and 8× the shipped notes."""
    out = {}
    for size in (1, 8):
        root = tmp_path_factory.mktemp(f"x{size}")
        make_corpus(root, size)
        build(load_config(root), now=1_795_839_066)
        everything = _candidates(root)
        out[size] = (len(everything), _Table(everything).checks)
    return out


def test_clash_checks_grow_linearly_with_the_store(per_candidate):
    (n1, checks1), (n8, checks8) = per_candidate[1], per_candidate[8]
    grown = n8 / n1
    assert grown >= 3                         # the store did grow
    # all pairs: checks per candidate would grow as the candidates do; through the indexes
    # it stays about flat
    assert checks8 / n8 < 1.5 * checks1 / n1, (per_candidate, "clash finding is quadratic again")
    assert checks8 < n8 * n8 / 8


def test_finder_finds_what_in_finds():
    rng = random.Random(5)
    keys = {"".join(rng.choice("abc偏好") for _ in range(rng.randint(1, 4))) for _ in range(40)}
    finder = Finder(keys)
    for _ in range(300):
        text = "".join(rng.choice("abcd偏好|") for _ in range(rng.randint(0, 30)))
        assert finder.keys_in(text) == {k for k in keys if k in text}
