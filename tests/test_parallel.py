"""papercards.parallel: results in task order, errors as one process would raise them."""

from __future__ import annotations

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
