"""A 10× corpus (bench/make_corpus.py) builds, and Anki imports every note of its deck.

Correctness only: the speed targets live in bench/run, not in tests.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from anki_engine import import_apkg, open_collection

from papercards.build import build
from papercards.config import load_config

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from make_corpus import make_corpus, names  # noqa: E402

SIZE = 10


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("scale") / "corpus"
    make_corpus(root, SIZE)
    return build(load_config(root), now=1_700_000_000)


def test_corpus_has_unique_papers(tmp_path):
    files = make_corpus(tmp_path / "c", 3, layout="one")
    text = files[0].read_text(encoding="utf-8")
    assert text.count("forum?id=") == len(set(l for l in text.split() if "forum?id=" in l)) == 3 * 7
    assert len({names(k) for k in range(1024)}) == 1024


def test_ten_times_the_notes_make_ten_times_the_papers(built):
    summary = built.summary()
    assert summary.papers == SIZE * 7 and summary.placeholders == SIZE * 5
    kinds = summary.kinds
    # every copy of a paper yields its own definitions and summary …
    for kind, per_copy in {"definition": 4, "summary": 1}.items():
        assert kinds[kind] == SIZE * per_copy, kind
    # … and questions, but for the bullets the copies share word for word (no synonym to
    # swap in them): text pasted under two papers is carded once, under the first
    assert SIZE * 4 <= kinds["claim"] < SIZE * 10        # 7 Q&As in the shipped notes, shared bullets once
    # … and clozes, fewer where a copy's terms are shared by every copy (no longer worth a blank);
    # shared terms stay one card each: the shipped notes' three (KTO, MAB, DRO), not ten of each
    assert SIZE * 3 <= kinds["cloze"] <= SIZE * 13
    assert kinds["term"] == 3


def test_deck_imports_every_note(built, tmp_path):
    stats = built.package
    assert stats.notes == len(built.records) - stats.skipped
    col = open_collection(tmp_path)
    try:
        log = import_apkg(col, built.deck_path)
        assert len(log.new) == stats.notes
        assert col.note_count() == stats.notes
        assert col.card_count() == stats.total_cards
    finally:
        col.close()


def test_a_big_build_says_what_it_is_doing(tmp_path):
    """70 papers (not yet 16 files): the build's stages, on stderr."""
    import subprocess

    make_corpus(tmp_path, SIZE)
    done = subprocess.run([sys.executable, "-m", "papercards", "build", "-C", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert re.match(r"Extracting items from 70 papers…\nRendering \d+ notes…\nWriting cards/ and the deck…\n",
                    done.stderr)
