"""Weak spots: a collection studied in the real Anki engine, with lapses and hard answers,
its history saved beside the store; `quiz --weak` asks about those items (the same seed,
the same files), `status --weak` lists them in 80 columns, and without a history the
quiz says so and is the normal one."""

from __future__ import annotations

import json

import pytest
from anki_engine import import_apkg, open_collection  # isort: skip  (imports anki.collection first)
from anki.scheduler.v3 import CardAnswer  # isort: skip
from click.testing import CliRunner
from wcwidth import wcswidth

from papercards.cli import main
from papercards.store import Store
from papercards.store.history import load_history

DECK_FILE = "decks/iclr-2025-dpo.apkg"
LAPSED = ("term/DRO", "9Hxdixed7p/claim/3865749f")     # forgotten twice and once
HARD = "PabAln0jjB/method/ns-dpo"                       # rated hard
GOOD = ("term/KTO", "term/MAB")                         # studied, never a problem


def cli(project, *args, ok=True):
    result = CliRunner().invoke(main, [*args, "-C", str(project)], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def answer(col, cid: int, rating) -> None:
    card = col.get_card(cid)
    card.start_timer()
    states = col._backend.get_scheduling_states(cid)
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=rating))


def learn(col, cid: int) -> None:
    """A new card answered Good until it graduates to review."""
    for _ in range(4):
        if col.get_card(cid).type == 2:         # CARD_TYPE_REV
            return
        answer(col, cid, CardAnswer.GOOD)


def lapse(col, cid: int, rating=CardAnswer.AGAIN) -> None:
    """A learned card, made due today, answered ``rating`` (Again: a lapse)."""
    learn(col, cid)
    col.sched.set_due_date([cid], "0")
    answer(col, cid, rating)


@pytest.fixture(scope="module")
def studied(tmp_path_factory):
    """The shipped project, built, imported into Anki and studied: two items lapsed,
    one rated hard, two learned without trouble; then pulled, which saves the history."""
    from conftest import shipped_project
    root = shipped_project(tmp_path_factory.mktemp("weak") / "proj")
    cli(root, "build")
    col = open_collection(root.parent)
    try:
        import_apkg(col, root / DECK_FILE)
        def cards_of(item_id):
            return col.find_cards(f'"ItemId:{item_id}"')
        for item_id in GOOD:
            for cid in cards_of(item_id):
                learn(col, cid)
        lapse(col, cards_of(HARD)[0], CardAnswer.HARD)
        for n, item_id in enumerate(LAPSED):
            for _ in range(2 - n):
                lapse(col, cards_of(item_id)[0])
    finally:
        col.close()
    # the history comes from the learner's collection file, as a learner gets it
    cli(root, "pull", str(root.parent / "collection.anki2"))
    history = load_history(root / "cards")
    assert history[LAPSED[0]].lapses == 2 and history[LAPSED[1]].lapses == 1
    return root


def quiz_sources(folder) -> list[set[str]]:
    data = json.loads((folder / "quiz-A.json").read_text(encoding="utf-8"))
    return [set(q["sources"]) for q in data["questions"]]


def test_weak_quiz_asks_about_the_lapsed_items_and_repeats_byte_for_byte(studied, tmp_path):
    runs = []
    for n in (1, 2):
        out = tmp_path / f"run{n}"
        result = cli(studied, "quiz", "--weak", "--seed", "5", "--formats", "json,md", "--out", str(out))
        assert "Weak spots: the 3 items forgotten or rated hard most (cards/.history.json)" in result.output
        runs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert runs[0] == runs[1]
    sources = quiz_sources(tmp_path / "run1")
    asked = set().union(*sources)
    assert set(LAPSED) <= asked
    assert not asked & set(GOOD)
    # every question is about a weak item (other items only as wrong options)
    assert all(s & {*LAPSED, HARD} for s in sources)


def test_without_history_the_quiz_says_so_and_is_the_normal_one(tmp_path):
    from conftest import shipped_project
    root = shipped_project(tmp_path / "proj")
    cli(root, "build")
    normal = cli(root, "quiz", "--seed", "5", "--formats", "json", "--out", str(tmp_path / "normal"))
    weak = cli(root, "quiz", "--weak", "--seed", "5", "--formats", "json", "--out", str(tmp_path / "weak"))
    assert "No review history in cards/.history.json yet (papercards pull saves it): the quiz asks about " \
           "every item" in weak.output
    assert (tmp_path / "normal" / "quiz-A.json").read_bytes() == (tmp_path / "weak" / "quiz-A.json").read_bytes()
    assert "Pool:" in normal.output
    status = cli(root, "status", "--weak")
    assert status.output.startswith("No review history yet (cards/.history.json is missing)")


def test_status_weak_lists_the_weakest_first_aligned_in_80_columns(studied):
    out = cli(studied, "status", "--weak").output
    lines = out.splitlines()
    assert lines[0].startswith("The 3 weakest item(s), from cards/.history.json (last review ")
    rows = [line for line in lines[2:] if not line.startswith("    cards/")]
    places = [line for line in lines[2:] if line.startswith("    cards/")]
    assert len(rows) == len(places) == 3
    # the most lapsed first, then the other lapse, then the hard answer
    assert [r.split()[1] for r in rows] == ["glossary", "3D-Properti…", "NS-DPO"]
    assert "DRO" in rows[0] and "DPO不稳定的" in rows[1]
    history = load_history(studied / "cards")
    for row, item_id in zip(rows, (*LAPSED, HARD)):
        h = history[item_id]
        assert row.split()[-4:-1] == [str(h.reviews), str(h.lapses), f"{round(h.ease * 100)}%"]
    for line in lines:
        assert wcswidth(line) <= 80, line
    # each number column ends at the same display column on every row, Chinese or not
    assert len({tuple(_column_ends(r)) for r in rows}) == 1, rows
    store = Store.load(studied / "cards")
    homes = {r.id: f"cards/{r.home}:{r.line}" for r in store.records}
    assert places[0].strip() == homes[LAPSED[0]]


def _column_ends(row: str) -> list[int]:
    """The display column where each of the last four cells ends."""
    ends, at = [], len(row)
    for token in reversed(row.split()[-4:]):
        at = row.rindex(token, 0, at)
        ends.append(wcswidth(row[:at + len(token)]))
    return ends
