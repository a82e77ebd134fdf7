"""A very long line builds in seconds: every pattern over the notes is linear in its length.

One line of each script (Chinese without punctuation or brackets, English,
the two mixed with brackets and marks, letters and Chinese with no space or
punctuation at all) is a bullet, a keyword and an abstract line of a paper,
built by `papercards build` in a new process. A quadratic pattern took
minutes on a few hundred kilobytes (the inline translation pairs: 80,000
Chinese characters took a minute, 3 MB never finished).

Correctness only, with a generous timeout: the times are in
bench/bench_long_line.py. The default run builds lines of 350 KB (1 MB a
project), --runslow lines of 5 MB (15 MB a project).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_long_line import PLACES, SCRIPTS, long_line, long_line_project  # noqa: E402

TIMEOUT = 60          # seconds per build; a quadratic pattern needs minutes at 1 MB


def build_in_time(project: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
    try:
        return subprocess.run([sys.executable, "-m", "papercards", "build", "-C", str(project)],
                              capture_output=True, text=True, env=env, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the build of {project.name} did not finish in {TIMEOUT} s")


def assert_builds(tmp_path: Path, script: str, size: int) -> None:
    project = long_line_project(tmp_path / script, script, size)
    res = build_in_time(project)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert list((project / "decks").glob("*.apkg"))
    assert f"Read {len(PLACES)} notes files: {len(PLACES)} papers" in res.stdout, res.stdout


@pytest.mark.parametrize("script", SCRIPTS)
def test_one_megabyte_of_long_lines_builds(tmp_path, script):
    assert_builds(tmp_path, script, 2**20 // len(PLACES))      # 1 MB in all: 350 KB a line


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS)
def test_five_megabyte_line_builds(tmp_path, script):
    assert_builds(tmp_path, script, 5 * 2**20)


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_lines_are_what_they_say(script):
    line = long_line(script, 50_000)
    assert "\n" not in line and 49_000 < len(line.encode("utf-8")) < 51_000
    if script in ("cjk", "nopunct"):
        assert not any(ch in line for ch in " ,.;:()（），。")
    if script == "mixed":
        assert all(s in line for s in ("(", "（", "，", "**", "$"))
