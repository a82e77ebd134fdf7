"""The learner's history file: round trip, a plain error for a foreign file, weakness order."""

import pytest

from papercards.store.history import (AGAIN, DAY, GOOD, HARD, HistoryError, ItemHistory, Review,
                                      load_history, save_history, weakness)


def test_round_trip(tmp_path):
    history = {"p1-term-x": ItemHistory(reviews=3, lapses=1, ease=2.3, last_review=100,
                                        log=[Review(10, GOOD), Review(50, AGAIN), Review(100, GOOD)])}
    save_history(tmp_path, history)
    assert load_history(tmp_path) == history


def test_missing_file_is_empty(tmp_path):
    assert load_history(tmp_path) == {}


def test_foreign_file_names_the_file(tmp_path):
    (tmp_path / ".history.json").write_text("[1, 2]")
    with pytest.raises(HistoryError, match=r"\.history\.json"):
        load_history(tmp_path)


def test_recent_lapses_weigh_more_than_old_ones():
    now = 400 * DAY
    recent = ItemHistory(log=[Review(now - DAY, AGAIN)])
    old = ItemHistory(log=[Review(now - 200 * DAY, AGAIN)])
    hard = ItemHistory(log=[Review(now - DAY, HARD)])
    fine = ItemHistory(log=[Review(now - DAY, GOOD)])
    assert weakness(recent, now) > weakness(hard, now) > weakness(old, now) > weakness(fine, now) == 0
