"""papercards.parallel: results in task order, errors as one process would raise them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from papercards import parallel
from papercards.diagnostics import InputError


@pytest.fixture
def two_jobs(monkeypatch):
    monkeypatch.setenv("PAPERCARDS_JOBS", "2")


def _square_or_fail(n: int) -> int:
    if n in (30, 70):
        raise InputError(f"notes-{n}.md", n, "bad")
    return n * n


def test_results_keep_task_order(two_jobs):
    assert parallel.map_ordered(lambda n: n * n, range(200), min_tasks=2) == [n * n for n in range(200)]


def test_the_first_failing_task_raises(two_jobs):
    with pytest.raises(InputError) as caught:
        parallel.map_ordered(_square_or_fail, list(range(100)), min_tasks=2)
    assert str(caught.value) == "notes-30.md:30: bad"


def test_workers_see_the_parents_state_and_prepare_runs_first(two_jobs):
    loaded = []
    got = parallel.map_ordered(lambda n: (n, len(loaded)), range(10), min_tasks=2,
                               prepare=lambda: loaded.append("jieba"))
    assert got == [(n, 1) for n in range(10)]


def test_few_tasks_or_one_job_stay_in_process(monkeypatch):
    seen = []
    parallel.map_ordered(seen.append, range(5))                 # below MIN_TASKS: side effects stay here
    assert seen == list(range(5))
    monkeypatch.setenv("PAPERCARDS_JOBS", "1")
    assert parallel.jobs() == 1


def test_a_bad_file_among_many_is_reported_like_a_one_process_build(project, two_jobs):
    """20 notes files are read by workers; the broken one is still named, with its line."""
    from click.testing import CliRunner

    from papercards.cli import main
    source = project / "source"
    text = (source / "iclr2025-dpo.md").read_text(encoding="utf-8")
    for n in range(20):
        (source / f"part-{n:02d}.md").write_text(text.replace("## ", f"## {n}", 1), encoding="utf-8")
    (source / "part-07.md").write_bytes(b"\x00\x01binary")
    (source / "part-12.md").write_bytes(b"\x00\x02binary")
    result = CliRunner().invoke(main, ["build", "-q", "-C", str(project)])
    assert result.exit_code == 1
    assert "source/part-07.md:1: file contains NUL bytes" in result.output


def test_balanced_shares_put_the_heavy_task_alone():
    shares = parallel.balanced_shares([1, 1, 10, 1, 1, 1, 1], 2)
    assert shares == [[2], [0, 1, 3, 4, 5, 6]]
    assert sorted(i for share in parallel.balanced_shares([3, 1, 2] * 20, 3) for i in share) == list(range(60))


def test_weighted_map_keeps_task_order_and_the_first_error(two_jobs):
    weight = lambda n: 100 if n % 17 == 0 else 1         # noqa: E731
    assert parallel.map_ordered(lambda n: n * n, range(200), min_tasks=2, weight=weight) == \
        [n * n for n in range(200)]
    with pytest.raises(InputError) as caught:
        parallel.map_ordered(_square_or_fail, list(range(100)), min_tasks=2, weight=weight)
    assert str(caught.value) == "notes-30.md:30: bad"


def test_the_parent_works_a_share_unless_busy_meanwhile(two_jobs):
    import os
    parent = os.getpid()
    pids = parallel.map_ordered(lambda n: os.getpid(), range(10), min_tasks=2)
    assert parent in pids and len(set(pids)) == 2
    done = []
    pids = parallel.map_ordered(lambda n: os.getpid(), range(10), min_tasks=2,
                                meanwhile=lambda: done.append(True))
    assert done == [True] and parent not in pids and len(set(pids)) == 2


def test_a_worker_killed_is_reported_in_plain_words(two_jobs):
    import os
    import signal
    parent = os.getpid()

    def die(n):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return n
    with pytest.raises(parallel.WorkerLost, match="worker process stopped unexpectedly .*signal 9.*PAPERCARDS_JOBS=1"):
        parallel.map_ordered(die, range(10), min_tasks=2)


def test_background_runs_beside_and_gives_its_value(two_jobs, monkeypatch):
    import os
    job = parallel.in_background(lambda: os.getpid())
    assert job.result() != os.getpid()
    monkeypatch.setenv("PAPERCARDS_JOBS", "1")
    assert parallel.in_background(lambda: os.getpid()).result() == os.getpid()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_die_with_a_killed_parent():
    """A build killed by SIGKILL must not leave workers running (they would hold the
    build lock's file open): each worker asks the kernel to kill it with its parent."""
    script = textwrap.dedent("""
        import os, time
        os.environ["PAPERCARDS_JOBS"] = "2"
        from papercards import parallel
        parent = os.getpid()
        def slow(n):
            if os.getpid() != parent:
                print(os.getpid(), flush=True)
                time.sleep(60)
            return n
        parallel.map_ordered(slow, range(4), min_tasks=2)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    worker = int(proc.stdout.readline())
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 5
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")                  # a zombie has died; nobody may have reaped it yet
