"""Files at the edges: atomic writes and the build lock."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from .diagnostics import InputError


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write via a temp file in the same folder + fsync + rename: never a half file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def build_lock(folder: Path):
    """One build per project folder at a time (fcntl lock on a file in cards/)."""
    import fcntl
    folder.mkdir(parents=True, exist_ok=True)
    lock_path = folder / ".lock"
    fh = open(lock_path, "a+")
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise InputError(str(lock_path), 0, "another papercards build is running in this "
                                 "folder; wait for it to finish") from None
            raise
        yield
    finally:
        fh.close()
