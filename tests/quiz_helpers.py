"""Shared by the quiz tests: a built copy of the shipped project, store look-ups."""

from __future__ import annotations

import shutil
from pathlib import Path

from papercards.build import build
from papercards.config import load_config
from papercards.quiz import QuizOptions, load_pool, make_quiz
from papercards.quiz import normalize
from papercards.store import Store

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "source" / "iclr2025-dpo.md"


def built_project(root: Path) -> Path:
    """A copy of the shipped project at ``root``, built (cards/ and the deck written).

    With no known terms: a matching question needs five term pairs, and the shipped notes
    have only three terms besides the field's basics (DPO, RLHF, PPO) that the shipped
    config knows; so the quiz tests card those too, as a student new to the field would."""
    if not (root / "papercards.yaml").exists():
        (root / "source").mkdir(parents=True, exist_ok=True)
        shutil.copy(SHIPPED, root / "source" / SHIPPED.name)
        config = (ROOT / "papercards.yaml").read_text(encoding="utf-8")
        (root / "papercards.yaml").write_text(config + "glossary:\n  known_terms: []\n", encoding="utf-8")
    build(load_config(root), now=1_795_839_066)
    return root


# A full quiz on the shipped notes: the fair questions their cards allow (25 at seed 1:
# fewer cards, each worth keeping, make fewer questions than the 47 of earlier decks)
QUIZ_N = 16


def quizzes(root: Path, **opts):
    options = QuizOptions(**{"questions": QUIZ_N, "seed": 1, **opts})
    return make_quiz(load_pool(root / "cards", options.papers), options)


def items_by_id(root: Path) -> dict:
    store = Store.load(root / "cards")
    return {r.id: r for r in store.records}


def papers(root: Path) -> dict:
    return Store.load(root / "cards").papers


def texts_of(item) -> list[str]:
    return [normalize.plain(v) for v in item.fields.values() if v]
