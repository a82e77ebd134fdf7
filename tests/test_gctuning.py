"""A build runs with the garbage collector's thresholds raised, and puts them back.

At 1,000× the shipped notes the default thresholds made the collector the one
part of a build that grew faster than linear (bench/run measures it); the
setting must not leak into the process that called the build (a test run, an editor).
"""

from __future__ import annotations

import gc

import papercards.build as build_module
from papercards.build import build
from papercards.config import load_config
from papercards.gctuning import BUILD_THRESHOLDS


def test_the_build_collects_less_often_and_restores_the_thresholds(project, monkeypatch):
    seen = []
    collect = build_module.collect

    def spying(*args, **kwargs):
        seen.append(gc.get_threshold())
        return collect(*args, **kwargs)

    monkeypatch.setattr(build_module, "collect", spying)
    before = gc.get_threshold()
    build(load_config(project))
    assert seen == [BUILD_THRESHOLDS] and BUILD_THRESHOLDS[0] > before[0]
    assert gc.get_threshold() == before
