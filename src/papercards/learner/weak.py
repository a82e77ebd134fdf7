"""Weak spots: the items the learner fails or finds hard most, from the pulled history.

Recency is measured from the latest review in the history, not from the clock: the
history is what the learner did up to the last pull, and the same history (and seed)
must give the same quiz whenever it is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import InputError
from ..items.model import Item
from ..store.history import HISTORY_FILE, HistoryError, ItemHistory, history_path, load_history, weakness
from ..store.model import Record

WEAKEST = 20          # what `status --weak` lists and `quiz --weak` asks about


@dataclass(frozen=True)
class WeakItem:
    record: Record | Item         # a store record (status) or a quiz pool's item
    history: ItemHistory
    score: float


def reference_time(history: dict[str, ItemHistory]) -> int:
    """The moment the history describes: its latest review (0 when it has none)."""
    return max((h.last_review or 0 for h in history.values()), default=0)


def studied(records: list[Record]) -> list[Record]:
    """What the learner studies: not retired, not suspended."""
    return [r for r in records if not r.suspended and r.status != "retired"]


def weakest(records: list[Record] | list[Item], history: dict[str, ItemHistory],
            limit: int = WEAKEST) -> list[WeakItem]:
    """The ``limit`` weakest of ``records`` (studied ones: see `studied`), weakest first,
    ties by id (a stable order). An item with no sign of trouble is not weak."""
    now = reference_time(history)
    found = []
    for rec in records:
        hist = history.get(rec.id)
        if hist is None:
            continue
        score = weakness(hist, now)
        if score > 0:
            found.append(WeakItem(rec, hist, score))
    found.sort(key=lambda w: (-w.score, w.record.id))
    return found[:limit]


def load(cards_path: Path, cards_dir: str = "cards") -> dict[str, ItemHistory]:
    """The pulled history ({} before the first pull); a damaged file is bad input naming it."""
    try:
        return load_history(Path(cards_path))
    except HistoryError as exc:
        message = str(exc).removeprefix(f"{history_path(Path(cards_path))}: ")
        raise InputError(f"{cards_dir}/{HISTORY_FILE}", 0, message) from None
