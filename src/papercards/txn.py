"""All-or-nothing updates of ``cards/`` and the deck: a small write-ahead journal.

Why: every file is written atomically, but a build changes several files at
once (the papers that changed in ``cards/``, ``cards/glossary.yaml``, the deck
in ``decks/``). A build killed half-way (power cut, Ctrl-C, SIGKILL) would
otherwise leave some of them new and some old: a glossary naming items no
paper file holds, a deck that does not match its store.

How (the journal is the folder ``cards/.papercards-txn/``):

1. **stage**: each new file is written into the journal folder, then all are
   made durable at once (`fsutil.sync_files`); the files people use are not
   touched. A target outside ``root`` (the deck in decks/) is staged beside
   it instead (``.<name>.papercards-txn``, listed in the journal's
   ``beside.txt``): its folder may be read-only, full or on another file
   system, and only a write there tells. Every target is checked too (a folder
   where the file goes, a file where a folder is). So whatever cannot be
   written fails here, before the commit point, and changes nothing;
2. **commit**: ``committed.json`` (staged name → target path) is written
   atomically. This is the single instant at which the build turns from "old"
   into "new";
3. **apply**: each staged file is renamed onto its target, then each file the
   build no longer needs (`Transaction.remove`, listed under ``remove``) is
   deleted;
4. **done**: the journal folder is removed.

Recovery (`recover`), run under the build lock before anything reads
``cards/`` (`build`, `Store.load`, hence ``status``, ``push``, ``quiz``): a
journal with ``committed.json`` is rolled forward (step 3 for the files not yet
moved, then step 4); a journal without it is deleted and the old files stay.
Both are idempotent: a recovery that is itself killed is simply run again by
the next command.

A committed file that still cannot be moved into place (its folder turned
read-only after the commit point, or a journal left by an older papercards):
a target outside ``root`` is made from the files inside it (the deck from
cards/), so it is dropped, the rest is finished and the command says which
file to fix before building again; a target inside ``root`` keeps the journal
and the error says what to fix before running any command again. Nothing is
ever stuck behind a journal nobody can finish.

The leading dot keeps the journal out of `Store.load` and out of git's way.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .fsutil import (_fsync_dir, _mode_for, atomic_write, build_lock, check_target, ensure_folder, naming,
                     sync_files)

JOURNAL = ".papercards-txn"
COMMITTED = "committed.json"
BESIDE = "beside.txt"           # files staged outside the journal, beside their targets
BESIDE_SUFFIX = ".papercards-txn"


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
        self.removals: list[Path] = []                 # files inside root to delete on commit
        # Creating hundreds of files costs kernel time (0.2-0.6 ms each here), so it
        # is overlapped with CPU work: files given to `add` are written by one
        # background thread. `commit` and `abort` wait for its writes.
        self._writer: ThreadPoolExecutor | None = None
        self._writes: list[Future] = []
        self._opened = False

    def add(self, target: Path, data: bytes | str) -> None:
        """Stage ``data`` as the new ``target`` (written by a background thread)."""
        self.open()
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="papercards-stage")
        if isinstance(data, str):
            data = data.encode("utf-8")
        target = Path(target)
        name = f"{len(self.entries) + 1:04d}-{target.name}"
        if _outside(os.path.relpath(target, self.root)):
            name = os.path.relpath(self._beside(target), self.journal)
        self._writes.append(self._writer.submit(_stage, _staged_path(self.journal, name), data,
                                                _mode_for(target), target))
        self._entry(name, target)

    def remove(self, target: Path) -> None:
        """Delete ``target`` (a file inside ``root``) with the rest, at the commit."""
        if _outside(os.path.relpath(target, self.root)):
            raise ValueError(f"{target}: only files inside {self.root} can be removed by a transaction")
        self.open()
        self.removals.append(Path(target))

    def _beside(self, target: Path) -> Path:
        """Where a target outside ``root`` is staged: in its own folder, recorded in the
        journal first so that a discarded journal takes it along."""
        ensure_folder(target.parent)
        staged = target.parent / f".{target.name}{BESIDE_SUFFIX}"
        with open(self.journal / BESIDE, "a", encoding="utf-8") as fh:
            fh.write(os.path.relpath(staged, self.journal) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):              # left by a journal lost in a power cut;
            staged.unlink()                             # a read-only folder says so when staging
        return staged

    def open(self) -> None:
        """Make the journal, once (finishing a leftover journal first), before the first `add`."""
        if self._opened:
            return
        recover(self.root, locked=True)                 # a leftover journal is finished first
        self.journal.mkdir(parents=True)
        self._opened = True

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
        if not self.entries and not self.removals:
            self.abort()                                # opened, nothing staged: no journal left
            return
        files = [[name, os.path.relpath(target, self.root)] for name, target in self.entries]
        removals = [os.path.relpath(target, self.root) for target in self.removals]
        try:                                            # any failure up to the commit record: nothing changed
            self._wait_for_writes()
            _crash_point("stage:all")
            for _, target in self.entries:
                check_target(target)
            self._sync()                                # staged files durable…
            atomic_write(self.journal / COMMITTED, json.dumps({"files": files, "remove": removals},
                                                              ensure_ascii=False, indent=1))
        except BaseException:
            self.abort()
            raise
        _crash_point("commit")                          # …before the commit record
        dropped = _apply(self.root, files, "apply:1")
        _remove(self.root, removals)
        _crash_point("apply:all")
        _finish(self.root)
        self.entries, self.removals = [], []
        self._opened = False
        if dropped:
            raise dropped[0]

    def _sync(self) -> None:
        """Make every staged file durable: the journal's file system, and each other
        folder a file was staged beside."""
        staged = [_staged_path(self.journal, name) for name, _ in self.entries]
        sync_files(self.journal, [p for p in staged if p.parent == self.journal])
        for path in staged:
            if path.parent != self.journal:
                try:
                    sync_files(path.parent, [path])
                except OSError as exc:
                    raise naming(exc, path.parent) from None

    def abort(self) -> None:
        if self._opened:
            with contextlib.suppress(OSError):
                self._wait_for_writes()
            _discard(self.root)
            self.entries, self.removals = [], []
            self._opened = False

    def __enter__(self) -> "Transaction":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def _stage(path: Path, data: bytes, mode: int, target: Path) -> None:
    """Write the staged file; an error names ``target``, the file the user knows
    (a full disk names no file at all)."""
    try:
        with open(path, "xb") as fh:                # made durable all at once in `commit`
            fh.write(data)
        os.chmod(path, mode)                        # keep the target's mode
    except OSError as exc:
        raise naming(exc, target, path) from None


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
        record = json.loads((journal / COMMITTED).read_text(encoding="utf-8"))
        files, removals = record["files"], record.get("remove", [])
    except FileNotFoundError:
        files = None                                    # killed before the commit point
    except (OSError, ValueError, KeyError, TypeError):
        files = None                                    # cannot happen (atomic write); be safe
    if files is None:
        _discard(Path(root))
        return "discarded"
    dropped = _apply(Path(root), files, "recover:1")
    _remove(Path(root), removals)
    _finish(Path(root))
    for exc in dropped:
        print(f"warning: could not write {exc.filename}: {exc.strerror}", file=sys.stderr, flush=True)
    return "rolled forward"


def _staged_path(journal: Path, name: str) -> Path:
    """A staged file: ``name`` in the journal, or a path from it to beside a target
    (taken lexically, like the targets, even when cards/ is a symbolic link)."""
    return Path(os.path.normpath(journal / name))


def _outside(rel: str) -> bool:
    """Is this target (relative to the journal's root) outside the root?"""
    return os.path.normpath(rel).split(os.sep)[0] == os.pardir


def _apply(root: Path, files: list[list[str]], step: str) -> list[OSError]:
    """Rename each staged file that is still there onto its target. A staged file
    that is gone was moved already (rename is atomic).

    Returns the errors of targets outside ``root`` that could not be written:
    those are made from the files inside (the deck from cards/), so they are
    dropped and the rest goes on. A target inside that cannot be written stops
    here with the journal kept, and the error says what to do."""
    journal = root / JOURNAL
    folders, dropped = set(), []
    for n, (name, rel) in enumerate(files):
        staged, target = _staged_path(journal, name), Path(os.path.normpath(root / rel))
        if not staged.exists():
            continue
        try:
            _move(staged, target)
        except OSError as exc:
            if not _outside(rel):
                raise OSError(exc.errno, f"{exc.strerror}; the last build is committed but this file of "
                              "it could not be put in place: fix that, then run any papercards command "
                              "to finish the build", str(target)) from None
            with contextlib.suppress(OSError):
                staged.unlink()
            dropped.append(OSError(exc.errno, f"{exc.strerror}; the rest of the build is in place: run "
                                   "'papercards build' once this file can be written", str(target)))
            continue
        folders.add(target.parent)
        if n == 0:
            _crash_point(step)
    for folder in folders:
        _fsync_dir(folder)
    return dropped


def _remove(root: Path, removals: list[str]) -> None:
    """Delete the committed removals that are still there (idempotent, like `_apply`)."""
    folders = set()
    for rel in removals:
        target = Path(os.path.normpath(root / rel))
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
            folders.add(target.parent)
    for folder in sorted(folders, reverse=True):
        if folder != root and not any(folder.iterdir()):
            with contextlib.suppress(OSError):      # a group folder left empty goes too
                folder.rmdir()
                folder = folder.parent
        _fsync_dir(folder)


def _move(staged: Path, target: Path) -> None:
    ensure_folder(target.parent)
    try:
        os.replace(staged, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:                    # decks/ on another file system: copy
            raise naming(exc, target, staged) from None
        atomic_write(target, staged.read_bytes())
        staged.unlink()


def _discard(root: Path) -> None:
    """Throw away an uncommitted journal, with the files staged beside their targets."""
    journal = root / JOURNAL
    with contextlib.suppress(OSError):
        for line in (journal / BESIDE).read_text(encoding="utf-8").splitlines():
            if line.endswith(BESIDE_SUFFIX):
                with contextlib.suppress(OSError):
                    _staged_path(journal, line).unlink()
    shutil.rmtree(journal, ignore_errors=True)


def _finish(root: Path) -> None:
    shutil.rmtree(root / JOURNAL, ignore_errors=True)
    _fsync_dir(root)
