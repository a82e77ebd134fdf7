"""Forked worker processes for the per-paper steps of big builds, and for work
that can run beside the main process.

Why: a build is CPU-bound pure Python (jieba, markdown-it, the extractors),
and the machines it runs on have a second core. Fork, not spawn: the workers
inherit what the parent has already loaded (jieba's dictionary, the
glossary, the parsed notes), so nothing goes out and only results come
back. Results are returned in task order, so a build gives the same bytes
with one process or several (a test checks this).

Not `multiprocessing.Pool`: its feeder and result threads need the parent's
GIL, so the parent cannot do its own work while the pool runs (loading
jieba's dictionary is one C call holding the GIL for 0.7 s, and starved the
pool). Here each worker gets its share of the tasks at fork time (task *i*
goes to worker *i* mod *n*, or shares are balanced by estimated cost) and
writes its pickled results to its own unnamed temporary file; the parent
reads them at the end, after doing a share itself or other work meanwhile.

Small inputs stay in-process: below `MIN_TASKS` forking costs more than it
saves. ``PAPERCARDS_JOBS=1`` turns workers off; ``PAPERCARDS_JOBS=N`` sets
their number.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import tempfile
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_TASKS = 64          # about 60 papers: a fork and the results' pickling pay for themselves
MAX_JOBS = 4


class WorkerLost(RuntimeError):
    """A worker process died without sending its results (killed, out of memory)."""


def jobs() -> int:
    """How many processes to use: PAPERCARDS_JOBS, else the CPUs this process may run on (≤ 4)."""
    wanted = os.environ.get("PAPERCARDS_JOBS", "").strip()
    if wanted.isdigit() and int(wanted) >= 1:
        return int(wanted) if hasattr(os, "fork") else 1
    if not hasattr(os, "fork"):
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_JOBS))


def map_ordered(fn: Callable[[T], R], tasks: Sequence[T], *, min_tasks: int = MIN_TASKS,
                prepare: Callable[[], object] | None = None,
                meanwhile: Callable[[], object] | None = None,
                weight: Callable[[T], float] | None = None) -> list[R]:
    """``[fn(t) for t in tasks]``, spread over forked workers when there are enough tasks.

    ``fn`` may read anything the parent holds; its results must pickle. Side
    effects in a worker stay in that worker: return what the parent needs.
    ``prepare`` runs in the parent before forking (only then): load there what
    every worker would otherwise load for itself. ``meanwhile`` runs in the
    parent while the workers work (only then): something the caller needs
    next anyway, done on the core the parent would otherwise leave idle.
    ``weight(task)`` estimates a task's cost when costs differ a lot (one
    glossary file holds a thousand terms): the shares are then balanced by
    it, heaviest task first; without it task *i* goes to worker *i* mod *n*.
    """
    n = jobs()
    if n <= 1 or len(tasks) < min_tasks:
        return [fn(t) for t in tasks]
    if prepare is not None:
        prepare()
    workers = min(n, len(tasks))
    shares = balanced_shares([weight(t) for t in tasks], workers) if weight else \
        [list(range(k, len(tasks), workers)) for k in range(workers)]
    # the parent works too, unless it has its own work to do meanwhile
    running = Forked(fn, tasks, shares, parent_works=meanwhile is None)
    try:
        if meanwhile is not None:
            meanwhile()
        return running.results()
    finally:
        running.stop()


def balanced_shares(weights: Sequence[float], workers: int) -> list[list[int]]:
    """Task indices for each worker: heaviest first, each to the least loaded worker
    (ties to the lower worker and task), every share in task order."""
    loads = [0.0] * workers
    shares: list[list[int]] = [[] for _ in range(workers)]
    for i in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
        k = min(range(workers), key=lambda k: (loads[k], k))
        shares[k].append(i)
        loads[k] += weights[i]
    return [sorted(share) for share in shares]


def in_background(fn: Callable[[], R]) -> "Background[R]":
    """Start ``fn()`` in one forked worker and return at once; ``.result()`` waits for
    its value. With one job it runs in this process when ``.result()`` is called."""
    return Background(fn, Forked(lambda _: fn(), [None], [[0]]) if jobs() > 1 else None)


class Background(Generic[R]):
    """Work started by `in_background`: ``result()`` waits for it, ``cancel()`` stops it."""

    def __init__(self, fn: Callable[[], R], running: "Forked | None"):
        self._fn, self._running = fn, running

    def result(self) -> R:
        if self._running is None:
            return self._fn()
        try:
            return self._running.results()[0]
        finally:
            self._running.stop()

    def cancel(self) -> None:
        if self._running is not None:
            self._running.stop()


class Forked:
    """Worker processes, forked now, each running ``fn`` over its share of ``tasks``
    (``shares[k]``: the indices of worker k's tasks, in increasing order).

    With ``parent_works`` this process is worker 0 and does its share in
    `results`: one fork less, and a share of results that need no pickling.
    Its side effects then stay here, so ``fn`` must give the same results
    wherever it runs (every ``fn`` of the build does: they return what they find).
    """

    def __init__(self, fn: Callable, tasks: Sequence, shares: list[list[int]], *, parent_works: bool = False):
        self.count, self.shares = len(tasks), shares
        self._fn, self._tasks = (fn, tasks) if parent_works else (None, None)
        self._pids: list[int] = []
        self._outputs: list = []
        _prepare_death_signal()
        parent = os.getpid()
        for share in shares[1:] if parent_works else shares:
            out = tempfile.TemporaryFile()
            pid = os.fork()
            if pid == 0:                                # the worker; never returns
                _work(fn, tasks, share, out, parent)
            self._pids.append(pid)
            self._outputs.append(out)

    def results(self) -> list:
        """Every task's result in task order; the error of the first failing task is raised,
        as one process running the tasks in order would have raised it."""
        outcomes: list[list[tuple[bool, object]]] = []
        if self._fn is not None:
            outcomes.append(_outcomes(self._fn, self._tasks, self.shares[0]))
        for k, pid in enumerate(self._pids):
            status = _reap(pid)
            self._pids[k] = 0
            out = self._outputs[k]
            out.seek(0)
            try:
                outcomes.append(pickle.load(out))
            except Exception:                           # noqa: BLE001 (nothing or a torn file)
                raise WorkerLost(f"a worker process stopped unexpectedly ({_describe(status)}); nothing "
                                 "was written. Run again, or with PAPERCARDS_JOBS=1 to work in one "
                                 "process (it uses less memory)") from None
        where: list[tuple[int, int]] = [(0, 0)] * self.count       # task -> (share, position)
        for k, share in enumerate(self.shares):
            for position, i in enumerate(share):
                where[i] = (k, position)
        values = []
        for k, position in where:
            failed, value = outcomes[k][position]
            if failed:
                raise value
            values.append(value)
        return values

    def stop(self) -> None:
        """Kill and reap workers still running (the parent failed or was interrupted)."""
        for k, pid in enumerate(self._pids):
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                _reap(pid)
                self._pids[k] = 0
        for out in self._outputs:
            out.close()


def _work(fn: Callable, tasks: Sequence, share: list[int], out, parent: int) -> None:
    """A worker: run its share of the tasks (`_outcomes`), write the outcomes, exit.

    ``os._exit``: no atexit handlers, no flushing of buffers inherited from
    the parent (its half-written output would appear twice).
    """
    code = 0
    try:
        _die_with_parent(parent)
        if os.environ.get("PAPERCARDS_TEST_CRASH_AT") == "worker":     # test hook: a worker killed
            os.kill(os.getpid(), signal.SIGKILL)
        outcomes = _outcomes(fn, tasks, share)
        try:
            data = pickle.dumps(outcomes, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:                        # noqa: BLE001
            data = pickle.dumps([(True, RuntimeError(f"a worker's result cannot be sent back: {exc}"))]
                                * len(outcomes))
        out.write(data)
        out.flush()
    except BaseException:                               # noqa: BLE001 (interrupted: the parent reports it)
        code = 1
    finally:
        os._exit(code)


def _outcomes(fn: Callable, tasks: Sequence, share: list[int]) -> list[tuple[bool, object]]:
    """(failed, result or error) of the share's tasks in order, up to the first that fails:
    the share's later tasks come after it, so their errors could not be the first."""
    outcomes: list[tuple[bool, object]] = []
    for i in share:
        try:
            outcomes.append((False, fn(tasks[i])))
        except Exception as exc:                        # noqa: BLE001 (re-raised by `results`, in task order)
            outcomes.append((True, exc))
            break
    return outcomes


def _reap(pid: int) -> int:
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except ChildProcessError:
            return 0
        except InterruptedError:
            continue


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


_libc = None


def _prepare_death_signal() -> None:
    """Load libc in the parent once, so each worker can ask cheaply to die with it."""
    global _libc
    if _libc is None and sys.platform.startswith("linux"):
        try:
            import ctypes
            _libc = ctypes.CDLL(None, use_errno=True)
        except OSError:
            _libc = False


def _die_with_parent(parent: int) -> None:
    """Linux: a worker is killed when the build that forked it dies (even by SIGKILL),
    instead of finishing its share for nobody while holding the build lock's file."""
    if _libc:
        _libc.prctl(1, signal.SIGKILL)                  # PR_SET_PDEATHSIG
    if os.getppid() != parent:                         # the parent died before prctl
        os._exit(1)
