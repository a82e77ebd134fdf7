"""Skip a build whose inputs have not changed since the last one.

Like make: the digest covers everything a build reads (the papercards code,
the config, every notes file, every store file and the images the cards
name, found or not, as the last build listed them) and the deck it wrote.
When all match, the outputs would come out byte-identical, so the build
only replays the last summary. This is what keeps an unchanged rebuild far
below jieba's 0.6 s dictionary load.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from .config import CONFIG_NAME, Config
from .fsutil import atomic_write, read_regular, remove_stale_temps

STAMP = Path(".papercards-cache") / "build.json"
_CODE = Path(__file__).resolve().parent


def _code_digest(h) -> None:
    for dirpath, dirnames, filenames in os.walk(_CODE):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".py", ".html", ".css")):
                st = os.stat(os.path.join(dirpath, name))
                h.update(f"{dirpath}/{name}:{st.st_size}:{st.st_mtime_ns}\n".encode())


def code_digest() -> str:
    """This papercards: its version and its code files (by size and time)."""
    from . import __version__
    h = hashlib.sha256(__version__.encode())
    _code_digest(h)
    return h.hexdigest()


def sources_digest(config: Config, notes: list[Path]):
    """The digest of what a build reads and never writes (this papercards, the config,
    the notes), taken once per build: the replay check and the stamp share it, and a
    note edited while the build runs makes the next build run (a hashlib object, for
    `inputs_digest` to go on from)."""
    from . import __version__
    h = hashlib.sha256(__version__.encode())
    _code_digest(h)
    _files_digest(h, [config.root / CONFIG_NAME, *notes])
    return h


def inputs_digest(config: Config, notes: list[Path], images: list[str] = (), sources=None) -> str:
    """``images``: the local images the last build's cards named (relative to the
    project); while the notes and cards/ are the same, the cards name the same ones.
    ``sources``: `sources_digest` of the same notes, when taken already."""
    h = (sources_digest(config, notes) if sources is None else sources).copy()
    if config.cards_path.is_dir():
        _files_digest(h, sorted(config.cards_path.rglob("*.yaml")))
    for name in images:
        h.update(name.encode() + b"\0" + _image_state(config.root / name) + b"\0")
    return h.hexdigest()


def _files_digest(h, files: list[Path]) -> None:
    folders: dict[str, str] = {}
    for path in files:
        h.update(_key(path, folders).encode() + b"\0")
        try:
            h.update(read_regular(path))
        except OSError:
            h.update(b"<missing>")
        h.update(b"\0")


def _image_state(path: Path) -> bytes:
    """What the build saw of an image: the file it leads to and its content, read
    only when it is a regular file (never a FIFO or a device)."""
    real = os.path.realpath(path)
    try:
        with open(real, "rb", opener=_open_nonblocking) as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                return f"{real}:<mode {st.st_mode:o}>".encode()
            return real.encode() + b":" + hashlib.file_digest(f, "sha256").digest()
    except OSError:
        return b"<missing>"


def _open_nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def _key(path: Path, folders: dict[str, str]) -> str:
    """A file as the digest names it: in its folder resolved, so that ``build`` and
    ``build -C /abs/path`` (or a path through a symbolic link) count as the same inputs.
    ``folders`` keeps each folder resolved once: thousands of notes share a few folders."""
    path = Path(path)
    folder = str(path.parent)
    if folder not in folders:
        folders[folder] = str(Path(folder).resolve())
    return os.path.join(folders[folder], path.name)


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(read_regular(path)).hexdigest()
    except OSError:
        return None


def images_of(stamp: dict | None) -> list[str]:
    """The images a stamp lists (none from a stamp that is not ours)."""
    images = (stamp or {}).get("images") if isinstance(stamp, dict) else None
    if not isinstance(images, list) or not all(isinstance(x, str) for x in images):
        return []
    return images


def load(config: Config) -> dict | None:
    try:
        return json.loads((config.root / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def save(config: Config, stamp: dict) -> None:
    """Write the stamp (the caller holds the build lock), clearing a temp file that a
    build killed while writing it left behind."""
    remove_stale_temps(config.root / STAMP)
    atomic_write(config.root / STAMP, json.dumps(stamp, ensure_ascii=False, indent=1, sort_keys=True))
