"""An ordered map over forked worker processes, for the per-paper steps of big builds.

Why: a build is CPU-bound pure Python (jieba, markdown-it, the extractors),
and the machines it runs on have a second core. Fork, not spawn: the workers
inherit what the parent has already loaded (jieba's dictionary, the
glossary, the parsed notes), so only the task's index goes out and only its
result comes back. Results are returned in task order, so a build gives the
same bytes with one process or several (a test checks this).

Small inputs stay in-process: below `MIN_TASKS` forking costs more than it
saves. ``PAPERCARDS_JOBS=1`` turns workers off; ``PAPERCARDS_JOBS=N`` sets
their number.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_TASKS = 64          # about 60 papers: a fork and the results' pickling pay for themselves
MAX_JOBS = 4

_task: Callable | None = None      # the function and tasks of the running map, seen by forked workers
_tasks: Sequence | None = None


def jobs() -> int:
    """How many processes to use: PAPERCARDS_JOBS, else the CPUs this process may run on (≤ 4)."""
    wanted = os.environ.get("PAPERCARDS_JOBS", "").strip()
    if wanted.isdigit() and int(wanted) >= 1:
        return int(wanted)
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_JOBS))


def map_ordered(fn: Callable[[T], R], tasks: Sequence[T], *, min_tasks: int = MIN_TASKS,
                prepare: Callable[[], object] | None = None) -> list[R]:
    """``[fn(t) for t in tasks]``, spread over forked workers when there are enough tasks.

    ``fn`` may read anything the parent holds; its results must pickle. Side
    effects in a worker stay in that worker: return what the parent needs.
    ``prepare`` runs in the parent before forking (only then): load there what
    every worker would otherwise load for itself.
    """
    n = jobs()
    if n <= 1 or len(tasks) < min_tasks:
        return [fn(t) for t in tasks]
    if prepare is not None:
        prepare()
    global _task, _tasks
    _task, _tasks = fn, tasks
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            # contiguous chunks, a few per worker: even load, little pickling
            outcomes = pool.map(_run, range(len(tasks)), chunksize=max(1, len(tasks) // (n * 4)))
    finally:
        _task = _tasks = None
    for failed, value in outcomes:          # the error of the first failing task, as one process would
        if failed:
            raise value
    return [value for _, value in outcomes]


def _run(index: int) -> tuple[bool, object]:
    try:
        return False, _task(_tasks[index])
    except Exception as exc:                # noqa: BLE001 (re-raised in the parent, in task order)
        return True, exc
