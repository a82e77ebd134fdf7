"""All-or-nothing updates of ``cards/`` and the deck: a small write-ahead journal.

Why: every file is written atomically, but a build changes several files at
once (the papers that changed in ``cards/``, ``cards/glossary.yaml``, the deck
in ``decks/``). A build killed half-way (power cut, Ctrl-C, SIGKILL) would
otherwise leave some of them new and some old: a glossary naming items no
paper file holds, a deck that does not match its store.

How (the journal is the folder ``cards/.papercards-txn/``):

1. **stage**: each new file is written into the journal folder, then all are
   made durable at once (`fsutil.sync_files`); the files people use are not
   touched;
2. **commit**: ``committed.json`` (staged name → target path) is written
   atomically. This is the single instant at which the build turns from "old"
   into "new";
3. **apply**: each staged file is renamed onto its target;
4. **done**: the journal folder is removed.

Recovery (`recover`), run under the build lock before anything reads
``cards/`` (`build`, `Store.load`, hence ``status``, ``push``, ``quiz``): a
journal with ``committed.json`` is rolled forward (step 3 for the files not yet
moved, then step 4); a journal without it is deleted and the old files stay.
Both are idempotent: a recovery that is itself killed is simply run again by
the next command.

The leading dot keeps the journal out of `Store.load` and out of git's way.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .fsutil import _fsync_dir, _mode_for, atomic_write, build_lock, sync_files

JOURNAL = ".papercards-txn"
COMMITTED = "committed.json"


def _crash_point(step: str) -> None:
    """Test hook: ``PAPERCARDS_TEST_CRASH_AT=<step>`` kills this process right
    here, with SIGKILL, as a power cut would (no cleanup, no flush). Steps:
    ``stage:1``, ``stage:all``, ``commit``, ``apply:1``, ``apply:all``, ``recover:1``."""
    if os.environ.get("PAPERCARDS_TEST_CRASH_AT") == step:
        os.kill(os.getpid(), signal.SIGKILL)


class Transaction:
    """Files to replace together: `add` them, then `commit`.

    ``root`` is the cards/ folder, where the journal lives; targets may be
    anywhere (the deck is in decks/). The caller holds the build lock. Nothing
    is written before the first `add` or `open`. As a context manager: leaving normally
    commits, leaving by an exception discards what was staged.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.journal = self.root / JOURNAL
        self.entries: list[tuple[str, Path]] = []      # (staged file name, target)
        # Creating hundreds of files costs kernel time (0.2-0.6 ms each here), so it
        # is overlapped with CPU work: files given to `add` are written by one
        # background thread, and the build's workers `stage` the store files they
        # dump themselves. `commit` and `abort` wait for the thread's writes.
        self._writer: ThreadPoolExecutor | None = None
        self._writes: list[Future] = []
        self._opened = False

    def add(self, target: Path, data: bytes | str) -> None:
        """Stage ``data`` as the new ``target`` (written by a background thread)."""
        self.open()
        if self._writer is None:                        # started late: workers are forked before it
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="papercards-stage")
        if isinstance(data, str):
            data = data.encode("utf-8")
        target = Path(target)
        name = f"{len(self.entries) + 1:04d}-{target.name}"
        self._writes.append(self._writer.submit(_stage, self.journal / name, data, _mode_for(target)))
        self._entry(name, target)

    def open(self) -> None:
        """Make the journal, once (finishing a leftover journal first): before the first
        `add`, or before workers `stage` files into it."""
        if self._opened:
            return
        recover(self.root, locked=True)                 # a leftover journal is finished first
        self.journal.mkdir(parents=True)
        self._opened = True

    def stage(self, name: str, target: Path, data: bytes | str) -> None:
        """Write the staged file ``name`` for ``target`` now, in this process, which may be
        a worker (`papercards.parallel`): creating hundreds of files costs kernel time
        that workers spread and overlap with their other work. The journal must be
        `open`; the file counts once `adopt` is called in the transaction's process."""
        _stage(self.journal / name, data.encode("utf-8") if isinstance(data, str) else data,
               _mode_for(Path(target)))

    def is_staged(self, name: str) -> bool:
        """Has `stage` written ``name`` into this transaction's journal? (The journal is
        new: `open` refuses one that is already there.)"""
        return self._opened and (self.journal / name).is_file()

    def adopt(self, name: str, target: Path) -> None:
        """Count a file written by `stage` as part of this transaction."""
        self._entry(name, Path(target))

    def _entry(self, name: str, target: Path) -> None:
        self.entries.append((name, target))
        if len(self.entries) == 1:
            _crash_point("stage:1")

    def _wait_for_writes(self) -> None:
        """Every staged file written (or the first write error raised)."""
        writes, self._writes = self._writes, []
        try:
            for write in writes:
                write.result()
        finally:
            if self._writer is not None:
                self._writer.shutdown(wait=True)
                self._writer = None

    def commit(self) -> None:
        """Make the staged files the real ones. Once ``committed.json`` is
        written the change is decided: if a rename then fails (or the process
        dies), the journal stays and the next command finishes it."""
        if not self.entries:
            self.abort()                                # opened, nothing staged: no journal left
            return
        self._wait_for_writes()
        _crash_point("stage:all")
        sync_files(self.journal, [self.journal / name for name, _ in self.entries])  # staged files durable…
        files = [[name, os.path.relpath(target, self.root)] for name, target in self.entries]
        atomic_write(self.journal / COMMITTED, json.dumps({"files": files}, ensure_ascii=False, indent=1))
        _crash_point("commit")                          # …before the commit record
        _apply(self.root, files, "apply:1")
        _crash_point("apply:all")
        _finish(self.root)
        self.entries = []
        self._opened = False

    def abort(self) -> None:
        if self._opened:
            with contextlib.suppress(OSError):
                self._wait_for_writes()
            shutil.rmtree(self.journal, ignore_errors=True)
            self.entries = []
            self._opened = False

    def __enter__(self) -> "Transaction":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def _stage(path: Path, data: bytes, mode: int) -> None:
    with open(path, "xb") as fh:                    # made durable all at once in `commit`
        fh.write(data)
    os.chmod(path, mode)                            # keep the target's mode


def recover(root: Path, *, locked: bool = False) -> str | None:
    """Finish or discard what an interrupted build left in ``root`` (cards/).

    Returns ``"rolled forward"``, ``"discarded"`` or None (nothing to do: one
    stat, so every reader can afford to call it). Takes the build lock unless
    the caller holds it: a journal is only ever touched by the lock's owner.
    """
    journal = Path(root) / JOURNAL
    if not journal.is_dir():
        return None
    if not locked:
        with build_lock(Path(root)):
            return recover(root, locked=True)
    try:
        files = json.loads((journal / COMMITTED).read_text(encoding="utf-8"))["files"]
    except FileNotFoundError:
        files = None                                    # killed before the commit point
    except (OSError, ValueError, KeyError, TypeError):
        files = None                                    # cannot happen (atomic write); be safe
    if files is None:
        shutil.rmtree(journal, ignore_errors=True)
        return "discarded"
    _apply(Path(root), files, "recover:1")
    _finish(Path(root))
    return "rolled forward"


def _apply(root: Path, files: list[list[str]], step: str) -> None:
    """Rename each staged file that is still in the journal onto its target.
    A staged file that is gone was moved already (rename is atomic)."""
    journal = root / JOURNAL
    folders = set()
    for n, (name, rel) in enumerate(files):
        staged, target = journal / name, root / rel
        if not staged.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(staged, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:                # decks/ on another file system: copy
                raise
            atomic_write(target, staged.read_bytes())
            staged.unlink()
        folders.add(target.parent)
        if n == 0:
            _crash_point(step)
    for folder in folders:
        _fsync_dir(folder)


def _finish(root: Path) -> None:
    shutil.rmtree(root / JOURNAL, ignore_errors=True)
    _fsync_dir(root)
