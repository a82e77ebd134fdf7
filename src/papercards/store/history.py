"""What the learner did with each item in Anki: reviews, lapses, ease, last review.

`papercards pull` writes it; `quiz --weak` and `status --weak` read it. It lives beside
the store (`cards/.history.json`), not in the item YAML, because the YAML is what the
learner reads and edits, and a review count changing every day would bury real edits
in noise. One JSON file, keyed by item id, written atomically.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..fsutil import atomic_write

HISTORY_FILE = ".history.json"
FORMAT_VERSION = 1
DAY = 86400

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4   # Anki's answer buttons (revlog.ease)
LATEST = 2**32                         # epoch seconds (year 2106): no real review is later


@dataclass
class Review:
    time: int          # epoch seconds of the answer
    rating: int        # 1 again, 2 hard, 3 good, 4 easy


@dataclass
class ItemHistory:
    reviews: int = 0                   # answers given, all cards of the item's note
    lapses: int = 0                    # times a learned card was forgotten
    ease: float | None = None          # SM-2 ease factor (2.5 = 250 %), lowest card's
    difficulty: float | None = None    # FSRS difficulty (1..10), highest card's
    last_review: int | None = None     # epoch seconds
    log: list[Review] = field(default_factory=list)   # oldest first


class HistoryError(ValueError):
    """The history file is not one this version wrote (message names the file)."""


def history_path(cards_dir: Path) -> Path:
    return cards_dir / HISTORY_FILE


def load_history(cards_dir: Path) -> dict[str, ItemHistory]:
    """The saved history, {} when there is none yet."""
    path = history_path(cards_dir)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
        if isinstance(data, dict) and data.get("version") != FORMAT_VERSION:
            raise HistoryError(f"{path}: unknown history format {data.get('version')!r}")
        if not isinstance(data, dict) or not isinstance(data.get("items"), dict):
            raise ValueError("no 'items' table")
        return {item_id: _from_json(item_id, entry) for item_id, entry in data["items"].items()}
    except HistoryError:
        raise
    except (OSError, ValueError, RecursionError) as exc:
        why = {RecursionError: "nested too deep", IsADirectoryError: "Is a directory"}.get(type(exc), exc)
        raise HistoryError(f"{path}: not a papercards history file ({why}); "
                           "delete it and pull again") from None


def save_history(cards_dir: Path, history: dict[str, ItemHistory]) -> None:
    data = {"version": FORMAT_VERSION,
            "items": {item_id: asdict(history[item_id]) for item_id in sorted(history)}}
    atomic_write(history_path(cards_dir),
                 json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def _from_json(item_id: str, entry) -> ItemHistory:
    """One item's entry, every value checked: a hand-edited file must not reach the
    weakness arithmetic as a string, a NaN or a review in the year 30000."""
    if not isinstance(entry, dict) or not isinstance(entry.get("log", []), list):
        raise ValueError(f"item {item_id}: not an entry with a 'log' list")
    log = []
    for review in entry.get("log", []):
        if not isinstance(review, dict):
            raise ValueError(f"item {item_id}: a review is {json.dumps(review)[:40]}, not {{time, rating}}")
        log.append(Review(_checked(item_id, review, "time", 0, LATEST),
                          _checked(item_id, review, "rating", AGAIN, EASY)))
    return ItemHistory(reviews=_checked(item_id, entry, "reviews", 0, 10**9, default=0),
                       lapses=_checked(item_id, entry, "lapses", 0, 10**9, default=0),
                       ease=_checked(item_id, entry, "ease", 0, 100, number=True, default=None),
                       difficulty=_checked(item_id, entry, "difficulty", 0, 100, number=True, default=None),
                       last_review=_checked(item_id, entry, "last_review", 0, LATEST, default=None), log=log)


_REQUIRED = object()


def _checked(item_id: str, obj: dict, key: str, lo: int, hi: int, *, number: bool = False,
             default=_REQUIRED):
    """``obj[key]``: a whole number (or, with ``number``, any finite one) from lo to hi;
    ``default`` when absent (or null, for a value that may be unknown)."""
    value = obj.get(key)
    if value is None and default is not _REQUIRED:
        return default
    kinds = (int, float) if number else int
    if isinstance(value, bool) or not isinstance(value, kinds) or not lo <= value <= hi:
        raise ValueError(f"item {item_id}: {key} is {json.dumps(value)[:40]}, not "
                         f"{'a number' if number else 'a whole number'} from {lo} to {hi}")
    return value


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number")


def weakness(history: ItemHistory, now: int, half_life_days: float = 30.0) -> float:
    """How weak the learner is on an item: failed and hard answers, recent ones counting most.

    Each "again" counts 1 and each "hard" 0.5, halved for every `half_life_days` of age;
    a low ease (or high FSRS difficulty) adds a little, so that two items with equal
    recent answers are ordered by how Anki itself rates them. 0 means no sign of trouble.
    """
    score = 0.0
    for review in history.log:
        weight = {AGAIN: 1.0, HARD: 0.5}.get(review.rating, 0.0)
        if weight:
            age_days = max(0, now - review.time) / DAY
            score += weight * math.pow(0.5, age_days / half_life_days)
    if history.ease is not None and history.ease < 2.5:
        score += (2.5 - history.ease)
    if history.difficulty is not None and history.difficulty > 5:
        score += (history.difficulty - 5) / 5
    return round(score, 6)
