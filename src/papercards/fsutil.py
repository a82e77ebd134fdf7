"""Files at the edges: atomic writes, reading plain files only, and the build lock."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
import time
from pathlib import Path

from .diagnostics import InputError


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write via a temp file in the same folder + fsync + rename: never a half file."""
    path = Path(path)
    ensure_folder(path.parent)
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(path))       # mkstemp makes 0600; keep the file's usual mode
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise naming(exc, path, tmp) from None
        raise


def naming(exc: OSError, path: Path, *internal: str | Path | None) -> OSError:
    """``exc``, naming the file the user knows (``path``) when the system named
    none (a write or fsync that fails with ENOSPC or EIO names no file) or one of
    papercards' own temp files (``internal``)."""
    if exc.filename is not None and str(exc.filename) not in {str(p) for p in internal if p}:
        return exc
    return OSError(exc.errno, exc.strerror or str(exc), str(path))


def ensure_folder(folder: Path) -> None:
    """Make ``folder`` (and its parents); a file in the way is named as such, not as
    'File exists' (``decks_dir`` set to a file's name)."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder)
        raise NotADirectoryError(errno.ENOTDIR, "is a file, not a folder", str(blocker)) from None


def check_target(path: Path) -> None:
    """Raise the error that putting a file at ``path`` would meet later, now: its place
    is taken by a folder, or one of its folders is a file. Writes nothing."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file (move it away)", str(path))
    for folder in path.parents:
        if folder.exists():
            if not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "is a file, not a folder", str(folder))
            return


_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"))


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file. Anything else is refused with an OSError that says
    what it is: reading a FIFO blocks until someone writes to it, which would hang
    a command while it holds the build lock (opened non-blocking, checked, then read)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
            raise OSError(errno.EINVAL, f"is {kind}, not a regular file", str(path))
        os.set_blocking(fd, True)
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read()
    finally:
        os.close(fd)


def remove_stale_temps(path: Path, *, older_than: float = 0.0) -> None:
    """Delete temp files `atomic_write` left next to ``path`` when a process was killed
    between writing and renaming (``.<name>.*.tmp``). Call it where no other process
    can be writing ``path`` (under the build lock), or with ``older_than`` seconds."""
    path = Path(path)
    now = time.time()
    with contextlib.suppress(OSError):
        for tmp in path.parent.glob(f".{path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                if now - tmp.stat().st_mtime >= older_than:
                    tmp.unlink()


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def sync_files(folder: Path, files: list[Path]) -> None:
    """Make ``files`` (all inside ``folder``) and ``folder`` itself durable.

    One ``syncfs(2)`` of their file system where Linux offers it, else an
    fsync per file. Why: a cold build of 700 papers stages 700 files, and an
    fsync each (a journal commit each on ext4) cost more than writing them.
    """
    if _syncfs(folder):
        return
    for path in files:
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())
    _fsync_dir(folder)


def _syncfs(folder: Path) -> bool:
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        syncfs = libc.syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        return syncfs(fd) == 0
    finally:
        os.close(fd)


LOCK_FILE = ".lock"
BUSY = "another papercards build is running in this folder"
_held: dict[str, int] = {}          # lock files this process holds → nesting depth


def _say_waiting(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def build_lock(folder: Path, *, wait: bool = True, on_wait=_say_waiting, lock_file: str | None = LOCK_FILE):
    """One build per project folder at a time: an exclusive ``flock`` on
    ``<cards>/.lock``, held from the first read of cards/ to the last write
    (store files, deck, journal recovery, the up-to-date stamp).

    A second build waits for the first, after saying so once through
    ``on_wait`` (stderr by default): whatever it then reads is the first
    build's finished result, so both succeed and nothing interleaves.
    ``wait=False`` raises `InputError` instead. The kernel drops the lock when
    its process dies, even by SIGKILL, so a crashed build never leaves a stale
    lock. Re-entrant within one process (`Store.load` inside `build`).

    A read-only folder (a read-only mount, a checkout you may not write) still
    lets commands that only read (``status``, ``quiz``) run: the lock file is
    then opened read-only (flock needs no write access), and when it does not
    exist and cannot be made, the folder is read without a lock.

    ``lock_file=None`` locks the folder itself, for a folder that should hold
    nothing but its own files (the quiz folder): no file is made there.
    """
    import fcntl
    folder = Path(folder)
    ensure_folder(folder)
    lock_path = folder / lock_file if lock_file else folder
    key = str(lock_path.resolve())
    if _held.get(key):
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    fd = _open_lock(lock_path) if lock_file else os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    if fd is None:                  # a folder this user cannot write: no build of theirs changes it
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            if not wait:
                raise InputError(str(lock_path), 0, f"{BUSY}; wait for it to finish") from None
            if on_wait:
                on_wait(f"{BUSY}; waiting for it to finish…")
            fcntl.flock(fd, fcntl.LOCK_EX)
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
    finally:
        os.close(fd)


def _open_lock(lock_path: Path) -> int | None:
    """The lock file, opened to be flocked; None when it is missing and cannot be made."""
    try:
        return os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise
    try:
        return os.open(lock_path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
