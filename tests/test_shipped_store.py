"""The store committed in cards/ is what a build of the shipped notes gives.

A fresh clone's `papercards build` must not rewrite it: that is the promise
a user relies on when committing cards/ with their notes. If an extractor
change makes this fail on purpose, rebuild (`papercards build`) and commit
cards/ with the change.
"""

from __future__ import annotations

import shutil

from conftest import ROOT

from papercards.build import build
from papercards.config import load_config


def test_committed_store_is_current(tmp_path):
    proj = tmp_path / "clone"
    for name in ("source", "cards"):
        shutil.copytree(ROOT / name, proj / name)
    shutil.copy(ROOT / "papercards.yaml", proj / "papercards.yaml")
    before = {p.relative_to(proj): p.read_bytes() for p in (proj / "cards").rglob("*.yaml")}
    assert before, "cards/ holds the shipped store"
    result = build(load_config(proj), force=True)
    assert result.cards_written == []
    after = {p.relative_to(proj): p.read_bytes() for p in (proj / "cards").rglob("*.yaml")}
    assert after == before
