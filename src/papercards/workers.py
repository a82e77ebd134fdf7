"""Worker processes for the per-file and per-paper steps of a big build: `map_ordered`.

Why: the build is CPU-bound pure Python and the machines it runs on have a
second core; parsing the notes files and the per-paper steps of the
extraction (the first pass and the extractor chain) are most of a big build. Only `build` uses this module: the
packages give per-paper functions and know nothing of processes.

The standard library's pool (`concurrent.futures.ProcessPoolExecutor`) with
a fork context: the workers inherit what the parent holds (the parsed notes,
the glossary, jieba's dictionary), so only a range of task numbers goes out
and the results come back pickled, in task order: a build gives the same
bytes with workers or without (tests/test_workers.py). The parent runs the
first task itself before forking, so that what every task loads on first use
(the segmenter taught the glossary) is loaded once. Each worker asks the
kernel to end it when the parent dies (Linux), and leaves Ctrl-C to the
parent: a killed or interrupted build leaves no process behind.

`build` decides when they pay (big notes) and asks `mapper` for the map to use.
``PAPERCARDS_WORKERS=0`` turns workers off; ``PAPERCARDS_WORKERS=N`` uses N
whatever the size of the notes.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 4
CHUNKS_PER_WORKER = 4   # small enough to balance papers of unequal size, few enough to pickle little
_PR_SET_PDEATHSIG = 1

# map(fn, tasks) → [fn(t) for t in tasks], in order
Map = Callable[[Callable[[T], R], Sequence[T]], list[R]]

# (fn, tasks) of the map running now: the forked workers inherit it, so nothing is pickled on the way out
_job: tuple[Callable, Sequence] | None = None


class WorkerLost(RuntimeError):
    """A worker process died without giving its results (killed from outside, out of memory)."""


def mapper(big: bool) -> Map:
    """The map for a build's per-file and per-paper steps: over worker processes when
    the build is ``big`` and this machine has two CPUs, or as ``PAPERCARDS_WORKERS``
    says; else in this process."""
    count = worker_count(big)
    return functools.partial(map_ordered, workers=count) if count else in_turn


def worker_count(big: bool) -> int:
    """``PAPERCARDS_WORKERS`` when set; else the CPUs (at most `MAX_WORKERS`) for a big
    build with two or more, none otherwise."""
    if not hasattr(os, "fork"):
        return 0
    wanted = os.environ.get("PAPERCARDS_WORKERS", "").strip()
    if wanted.isdigit():
        return int(wanted)
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return min(cpus, MAX_WORKERS) if big and cpus >= 2 else 0


def in_turn(fn: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
    return [fn(t) for t in tasks]


def map_ordered(fn: Callable[[T], R], tasks: Sequence[T], workers: int) -> list[R]:
    """``[fn(t) for t in tasks]``, the tasks after the first in ``workers`` forked
    processes. ``fn`` may read anything this process holds and its results must
    pickle; its side effects in a worker stay there, so it must return what the caller
    needs. The first exception in task order is raised, as in one process."""
    if workers < 1 or len(tasks) < 2:
        return in_turn(fn, tasks)
    import multiprocessing                       # here: a build without workers does not load them
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    results = [fn(tasks[0])]                      # loads here what every task needs, once
    global _job
    _job = (fn, tasks)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_in_worker, initargs=(os.getpid(),))
    try:
        futures = [pool.submit(_run, start, stop) for start, stop in _chunks(1, len(tasks), workers)]
        for future in futures:
            results.extend(future.result())
    except BrokenProcessPool:
        _stop(pool)
        raise WorkerLost("a worker process stopped unexpectedly (killed from outside, or out of "
                         "memory?); PAPERCARDS_WORKERS=0 builds in one process") from None
    except BaseException:                          # a task's error, Ctrl-C: nobody reads the rest
        _stop(pool)
        raise
    finally:
        _job = None
    pool.shutdown()
    return results


def _chunks(start: int, stop: int, workers: int) -> list[tuple[int, int]]:
    """Consecutive ranges of task numbers, a few per worker."""
    size = max(1, -(-(stop - start) // (workers * CHUNKS_PER_WORKER)))
    return [(i, min(i + size, stop)) for i in range(start, stop, size)]


def _run(start: int, stop: int) -> list:
    fn, tasks = _job
    return [fn(tasks[i]) for i in range(start, stop)]


def _in_worker(parent: int) -> None:
    """A worker's first act: die with the parent (Linux's parent-death signal), and
    leave Ctrl-C to the parent, which stops the workers itself."""
    import ctypes
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:                     # the parent died before the signal was set
        os._exit(1)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Shut the pool down without waiting for work nobody will read: its workers are
    ended now, not when they finish their share."""
    processes = list(getattr(pool, "_processes", None) or {})   # the pool keeps them by pid
    pool.shutdown(wait=False, cancel_futures=True)
    for pid in processes:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
