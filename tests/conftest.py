"""Shared fixtures: the shipped notes, a fresh project copy, a pinned clock."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "source" / "iclr2025-dpo.md"


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False,
                     help="run slow tests (long fuzzing, big corpora)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def shipped_text() -> str:
    return SHIPPED.read_text(encoding="utf-8")


def shipped_project(root: Path) -> Path:
    """``root`` made a copy of the shipped project (config + notes), not built yet."""
    (root / "source").mkdir(parents=True)
    shutil.copy(SHIPPED, root / "source" / SHIPPED.name)
    shutil.copy(ROOT / "papercards.yaml", root / "papercards.yaml")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the shipped project (config + notes), with empty cards/ and decks/."""
    return shipped_project(tmp_path / "proj")
