"""Worker processes (papercards.workers): a build gives the same bytes with workers or
without, a worker that dies is a plain error, and no worker outlives its build."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, shipped_project
from papercards import items, workers
from papercards.build import build
from papercards.cli import main
from papercards.config import load_config
from papercards.diagnostics import InputError

NOW = 1_700_000_000
WEEKS_LATER = ROOT / "tests" / "data" / "notes" / "weeks-later.md"


def outputs(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for folder in ("cards", "decks") for p in sorted((root / folder).rglob("*"))
            if p.is_file() and p.name != ".lock"}


def notes_project(root: Path, notes: Path) -> Path:
    (root / "source").mkdir(parents=True)
    shutil.copy(notes, root / "source" / "notes.md")
    return root


@pytest.fixture
def rule_pids(monkeypatch, tmp_path):
    """The processes the extractor chain ran in, one line per paper."""
    log = tmp_path / "pids"
    real = items.run_rules

    def run_rules(pc, config):
        with open(log, "a") as fh:
            fh.write(f"{os.getpid()}\n")
        return real(pc, config)
    monkeypatch.setattr(items, "run_rules", run_rules)
    return lambda: [int(x) for x in log.read_text().split()] if log.exists() else []


@pytest.mark.parametrize("notes", ["shipped", "weeks-later"])
def test_workers_give_the_same_bytes_as_one_process(tmp_path, monkeypatch, rule_pids, notes):
    made = {}
    for count in ("0", "2"):
        root = tmp_path / count
        shipped_project(root) if notes == "shipped" else notes_project(root, WEEKS_LATER)
        monkeypatch.setenv("PAPERCARDS_WORKERS", count)
        build(load_config(root), now=NOW)
        made[count] = outputs(root)
    assert made["0"] == made["2"] and any(k.startswith("decks/") for k in made["0"])
    assert len(set(rule_pids())) == 3          # this process alone, then it and two workers


def test_an_edited_paper_computed_by_workers_gives_a_cold_builds_bytes(tmp_path, monkeypatch, rule_pids):
    """Papers reused from the cache and papers computed by workers, interleaved."""
    root = notes_project(tmp_path / "inc", WEEKS_LATER)
    build(load_config(root), now=NOW)
    notes = root / "source" / "notes.md"
    text = notes.read_text(encoding="utf-8")
    bullets = list(re.finditer(r"^[*-] [^\n]*[\u4e00-\u9fff][^\n]*$", text, re.M))
    for bullet in reversed([bullets[len(bullets) * k // 4] for k in (1, 2, 3)]):   # three papers' bullets
        text = text[:bullet.end()] + "，后来又读了一遍" + text[bullet.end():]
    notes.write_text(text, encoding="utf-8")
    cold = shutil.copytree(root, tmp_path / "cold")     # the same store, built without its cache
    monkeypatch.setenv("PAPERCARDS_WORKERS", "2")
    build(load_config(root), now=NOW + 60)
    monkeypatch.setenv("PAPERCARDS_WORKERS", "0")
    build(load_config(cold), now=NOW + 60, force=True)
    assert outputs(root) == outputs(cold)
    assert len(set(rule_pids())) == 3          # this process, and two workers for the edited papers


def test_small_notes_or_one_cpu_stay_in_one_process(project, monkeypatch, rule_pids):
    monkeypatch.delenv("PAPERCARDS_WORKERS", raising=False)
    assert workers.mapper(big=False) is workers.in_turn
    build(load_config(project), now=NOW)
    assert len(set(rule_pids())) == 1                    # the shipped notes: far below the threshold
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0})
    assert workers.mapper(big=True) is workers.in_turn
    monkeypatch.setenv("PAPERCARDS_WORKERS", "0")
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1})
    assert workers.mapper(big=True) is workers.in_turn


def _square_or_fail(n: int) -> int:
    if n in (30, 70):
        raise InputError(f"notes-{n}.md", n, "bad")
    return n * n


def test_results_in_order_and_the_first_error_in_order():
    assert workers.map_ordered(lambda n: n * n, range(200), workers=2) == [n * n for n in range(200)]
    with pytest.raises(InputError) as caught:
        workers.map_ordered(_square_or_fail, list(range(100)), workers=2)
    assert str(caught.value) == "notes-30.md:30: bad"


def test_a_killed_worker_is_a_plain_error_not_a_hang(project, monkeypatch):
    parent = os.getpid()
    real = items.run_rules

    def run_rules(pc, config):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(pc, config)
    monkeypatch.setattr(items, "run_rules", run_rules)
    monkeypatch.setenv("PAPERCARDS_WORKERS", "2")
    result = CliRunner().invoke(main, ["build", "-q", "-C", str(project)])
    assert result.exit_code == 4
    assert "error: a worker process stopped unexpectedly (killed from outside, or out of memory?); " \
           "PAPERCARDS_WORKERS=0 builds in one process" in result.output
    assert "Traceback" not in result.output and not (project / "decks").exists()


SLOW_MAP = textwrap.dedent("""
    import os, time
    from papercards import workers
    parent = os.getpid()
    def slow(n):
        if os.getpid() != parent:
            print(os.getpid(), flush=True)
            time.sleep(60)
        return n
    workers.map_ordered(slow, range(8), workers=2)
""")


def _start_slow_map():
    """A process mapping over two workers that sleep, and the workers' pids."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-c", SLOW_MAP], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, start_new_session=True)
    return proc, [int(proc.stdout.readline()) for _ in range(2)]


def _gone(pids: list[int], seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(_alive(pid) for pid in pids):
            return True
        time.sleep(0.02)
    return False


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"     # a zombie has exited
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_die_with_a_killed_parent():
    """kill -9 of the build: the kernel ends its workers (the parent-death signal)."""
    proc, pids = _start_slow_map()
    proc.kill()
    proc.wait()
    assert _gone(pids)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_ctrl_c_leaves_no_worker_behind():
    """Ctrl-C reaches the whole process group, as from a terminal: the parent stops its
    workers and exits at once, without waiting for their work."""
    proc, pids = _start_slow_map()
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=10)
    assert "KeyboardInterrupt" in proc.stderr.read()
    assert _gone(pids)


def test_a_bad_file_read_by_a_worker_is_reported_like_in_one_process(project, monkeypatch):
    """Notes files read by workers: the first broken one is still named, with its line."""
    source = project / "source"
    text = (source / "iclr2025-dpo.md").read_text(encoding="utf-8")
    for n in range(8):
        (source / f"part-{n:02d}.md").write_text(text.replace("## ", f"## {n}", 1), encoding="utf-8")
    (source / "part-05.md").write_bytes(b"\x00\x01binary")
    (source / "part-07.md").write_bytes(b"\x00\x02binary")
    monkeypatch.setenv("PAPERCARDS_WORKERS", "2")
    result = CliRunner().invoke(main, ["build", "-q", "-C", str(project)])
    assert result.exit_code == 1
    assert "source/part-05.md:1: file contains NUL bytes" in result.output
