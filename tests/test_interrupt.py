"""A build killed at any point leaves cards/ and decks/ as they were or as the
build would have made them, never a mix and never a partial file; two builds
in one folder never interleave (issue 5, item 3; see `papercards.txn`).

Every build here is a real `python3 -m papercards build` subprocess, killed
with SIGKILL: at random moments spread over its run time, and at the steps of
the commit (``PAPERCARDS_TEST_CRASH_AT``). Builds are pinned with
SOURCE_DATE_EPOCH, so "the new state" is byte-exact: it is what the same build
writes on a copy of the project that nobody kills.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import papercards
from papercards.fsutil import build_lock
from papercards.store import Store
from papercards.txn import JOURNAL

from conftest import SHIPPED, shipped_project

SRC = Path(papercards.__file__).resolve().parent.parent     # the code under test, for subprocesses
EPOCH = "1790000000"
STEPS_OLD = ["stage:1", "stage:all"]                           # killed before the commit point
STEPS_NEW = ["commit", "apply:1", "apply:all"]                 # killed after it


def env(**extra: str) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH", "")) if p)
    out = {**os.environ, "PYTHONPATH": path, "SOURCE_DATE_EPOCH": EPOCH}
    out.pop("PAPERCARDS_TEST_CRASH_AT", None)
    out.update(extra)
    return out


def papercards_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "papercards", *args]


def run(proj: Path, *args: str, **env_extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(papercards_cmd(*args, "-C", str(proj)), env=env(**env_extra),
                          capture_output=True, text=True, timeout=120)


def new_notes(text: str) -> str:
    """Edits that rewrite three paper files, the glossary (LSN, a new term;
    WAL is the paper's own method, carded as such) and the deck, and add a paper (a
    placeholder filled in): a new folder entry in cards/."""
    edits = [("会导致不稳定", "会导致训练不稳定"),
             ("均匀采样实现线性收敛", "均匀采样只能实现线性收敛"),
             ("影响偏好排名的错误数据对关联", "影响偏好排名的错误的数据对关联"),
             ("## 占位\n### 关键字\n### 主要内容\n### 文章链接\n### 摘要\n",
              ("## 8. Interrupted Builds Considered Harmless\n中断的构建无害\n### 关键字\n"
              "* WAL (预写日志 Write-Ahead Logging)\n* LSN (日志序列号 Log Sequence Number)\n"
              "### 主要内容\n#### 为什么要日志\n"
              "* 先写日志，再**原子地**提交\n### 文章链接\n"
              "* <a href=\"https://openreview.net/forum?id=Wal0gXyZ12\">ICLR链接</a>\n### 摘要\n"
              "We propose Write-Ahead Logging (WAL) for note builds.\n我们为笔记构建提出预写日志。\n"))]
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def snapshot(proj: Path) -> dict[str, bytes]:
    """Every visible file of cards/ and decks/, by path: the state a user sees."""
    out = {}
    for top in ("cards", "decks"):
        for path in sorted((proj / top).rglob("*")):
            rel = path.relative_to(proj)
            if path.is_file() and not any(part.startswith(".") for part in rel.parts):
                out[rel.as_posix()] = path.read_bytes()
    return out


def leftovers(proj: Path) -> list[str]:
    """Hidden files or folders in cards/ and decks/ other than the lock: journal, temp files."""
    return sorted(p.relative_to(proj).as_posix() for top in ("cards", "decks")
                  for p in (proj / top).rglob(".*") if p.name not in (".lock", ".gitkeep"))


@dataclass
class States:
    old_proj: Path              # a built project, its notes already edited: restore it and build
    old: dict[str, bytes]
    new: dict[str, bytes]
    seconds: float              # wall time of the build we kill, start to exit
    writes_at: float            # when its write phase starts (killed at the first staged file)
    killed_staging: Path        # a project whose build was killed there


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> States:
    base = tmp_path_factory.mktemp("interrupt")
    old = shipped_project(base / "old")
    assert run(old, "build").returncode == 0
    notes = old / "source" / SHIPPED.name
    notes.write_text(new_notes(notes.read_text(encoding="utf-8")), encoding="utf-8")
    new = base / "new"
    shutil.copytree(old, new)
    start = time.monotonic()
    done = run(new, "build")
    seconds = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    staging = base / "staging"
    shutil.copytree(old, staging)
    start = time.monotonic()
    assert run(staging, "build", PAPERCARDS_TEST_CRASH_AT="stage:1").returncode == -signal.SIGKILL
    writes_at = time.monotonic() - start
    s = States(old, snapshot(old), snapshot(new), seconds, writes_at, staging)
    changed = sorted(k for k in s.new if s.old.get(k) != s.new[k])
    assert len(changed) >= 5 and "decks/iclr-2025-dpo.apkg" in changed, changed
    return s


def restore(states: States, proj: Path) -> Path:
    if proj.exists():
        shutil.rmtree(proj)
    shutil.copytree(states.old_proj, proj)
    return proj


def landed(states: States, proj: Path) -> str:
    """'old' or 'new'; fails on anything else, saying which files are mixed."""
    got = snapshot(proj)
    assert not leftovers(proj), f"left behind: {leftovers(proj)}"
    if got == states.old:
        return "old"
    if got == states.new:
        return "new"
    keys = sorted(set(got) | set(states.old) | set(states.new))
    table = [f"  {k}: " + ("old" if got.get(k) == states.old.get(k) else "") +
             (" new" if got.get(k) == states.new.get(k) else "") +
             (" MISSING" if k not in got else "") for k in keys]
    pytest.fail("cards/ and decks/ are neither the old nor the new state:\n" + "\n".join(table))


def kill_build_at_random(states: States, proj: Path, delay: float) -> tuple[str, str]:
    restore(states, proj)
    proc = subprocess.Popen(papercards_cmd("build", "-C", str(proj)), env=env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    when = "finished" if proc.returncode == 0 else "killed"
    assert proc.returncode in (0, -signal.SIGKILL), proc.returncode
    Store.load(proj / "cards")          # what every reading command does first: recover
    return when, landed(states, proj)


def kill_many(states: States, tmp_path: Path, kills: int, seed: int) -> dict[tuple[str, str], int]:
    """Half the kill delays are spread over the whole run (0…1.1× its measured
    time), half over the write phase (from when it starts to just past the
    end), where old turns into new; each half stratified so none bunch up."""
    rng = random.Random(seed)
    tally: dict[tuple[str, str], int] = {}
    spans = [(0.0, states.seconds * 1.1), (states.writes_at - 0.05, states.seconds + 0.05)]
    for i in range(kills):
        lo, hi = spans[i % 2]
        k, n = i // 2, (kills + 1 - i % 2) // 2
        delay = lo + (hi - lo) * (k + rng.random()) / n
        outcome = kill_build_at_random(states, tmp_path / "proj", delay)
        tally[outcome] = tally.get(outcome, 0) + 1
    print(f"\n{kills} builds killed at random (build {states.seconds:.2f} s, writes from "
          f"{states.writes_at:.2f} s): " + ", ".join(f"{w} → {s}: {n}" for (w, s), n in sorted(tally.items())))
    return tally


def test_builds_killed_at_random_leave_old_or_new(states, tmp_path):
    tally = kill_many(states, tmp_path, kills=6, seed=5)
    assert sum(tally.values()) == 6


@pytest.mark.slow
def test_builds_killed_at_random_many(states, tmp_path):
    tally = kill_many(states, tmp_path, kills=150, seed=1)
    assert {s for _, s in tally} == {"old", "new"}


def test_killed_before_the_commit_point_keeps_the_old_files(states, tmp_path):
    proj = tmp_path / "proj"
    shutil.copytree(states.killed_staging, proj)
    assert (proj / "cards" / JOURNAL).is_dir()
    assert Store.load(proj / "cards").records            # reading recovers: the journal is dropped
    assert landed(states, proj) == "old"


def test_killed_after_the_commit_point_status_finishes_the_build(states, tmp_path):
    """``status`` only reads, but first it finishes what the build committed."""
    proj = restore(states, tmp_path / "proj")
    killed = run(proj, "build", PAPERCARDS_TEST_CRASH_AT="apply:1")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert snapshot(proj) not in (states.old, states.new)   # one file moved in, the others not yet
    status = run(proj, "status")
    assert status.returncode == 0, status.stderr
    assert landed(states, proj) == "new"
    assert "Up to date: the next build changes nothing." in status.stdout


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS_OLD + STEPS_NEW)
def test_killed_at_every_commit_step(states, tmp_path, step):
    proj = restore(states, tmp_path / "proj")
    assert run(proj, "build", PAPERCARDS_TEST_CRASH_AT=step).returncode == -signal.SIGKILL
    assert run(proj, "status").returncode == 0
    assert landed(states, proj) == ("old" if step in STEPS_OLD else "new")
    again = run(proj, "build")                          # and the next build gets it right
    assert again.returncode == 0, again.stderr
    assert landed(states, proj) == "new"


def test_recovery_killed_too_is_finished_by_the_next_command(states, tmp_path):
    proj = restore(states, tmp_path / "proj")
    assert run(proj, "build", PAPERCARDS_TEST_CRASH_AT="commit").returncode == -signal.SIGKILL
    # the recovery itself is killed after moving one file into place: a mix on disk…
    assert run(proj, "status", PAPERCARDS_TEST_CRASH_AT="recover:1").returncode == -signal.SIGKILL
    assert snapshot(proj) not in (states.old, states.new)
    Store.load(proj / "cards")                          # …until anything reads cards/ again
    assert landed(states, proj) == "new"


# ----------------------------------------------------------------------------- the lock

def test_two_builds_wait_for_each_other(states, tmp_path):
    """Two real builds in one folder, started while a third party holds the lock:
    both say they wait, neither writes; released, they run one after the other."""
    proj = restore(states, tmp_path / "proj")
    errs = [tmp_path / f"stderr{i}.txt" for i in range(2)]
    with build_lock(proj / "cards", wait=False):        # a build in progress, as far as the lock knows
        procs = []
        for err in errs:
            with open(err, "w") as fh:
                procs.append(subprocess.Popen(papercards_cmd("build", "-C", str(proj)), env=env(),
                                              stdout=subprocess.PIPE, stderr=fh, text=True))
        deadline = time.monotonic() + 60
        while not all("waiting" in e.read_text() for e in errs) and time.monotonic() < deadline:
            time.sleep(0.05)
        for err in errs:
            assert "another papercards build is running in this folder; waiting" in err.read_text()
        assert all(p.poll() is None for p in procs) and snapshot(proj) == states.old  # nothing written
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e.read_text() for e in errs]
    stores = sorted("up to date" if "Store: up to date" in out else "written" for out in outs)
    assert stores == ["up to date", "written"], outs    # one did the work, the other found it done
    assert landed(states, proj) == "new"
