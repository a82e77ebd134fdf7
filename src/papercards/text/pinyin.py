"""The toneless readings of Chinese characters, kept per user so that a build rarely imports pypinyin.

Why: importing pypinyin loads its table of 42,000 characters (about 27 ms,
as much as the rest of a rebuild's work on the paper that changed), while a
build asks the readings of a few hundred characters (the typing-slip check,
`items.typos`), and a rebuild after an edit mostly the same ones again. So the
readings asked are kept in a small text file in the user's cache folder
(`jiebadict.cache_dir`); pypinyin is imported only for a character the file
does not have, and what it answered is added to the file when the process
ends.

Safe and self-checking like the dictionary cache: the file is text only
(nothing is unpickled or run), its name carries where pypinyin is installed
and its table's size and time, its first line a magic and a CRC-32 of the rest,
and a file that does not check out is ignored (and rewritten).
``PAPERCARDS_CACHE_DIR=off`` keeps no file.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import tempfile
import zlib
from functools import lru_cache
from pathlib import Path

from ..fsutil import remove_stale_temps
from .jiebadict import cache_file_for

_MAGIC = "papercards pinyin 2"


@lru_cache(maxsize=8192)
def readings(ch: str) -> frozenset[str]:
    """Every toneless reading of one character (``显`` → {"xian"}), as pypinyin gives it."""
    return frozenset(_listed(ch))


def first_reading(ch: str) -> str:
    """The reading pypinyin lists first for a character (its usual one: ``般`` → "ban",
    not "bo"), '' for a character it cannot read."""
    listed = _listed(ch)
    return listed[0] if listed else ""


@lru_cache(maxsize=8192)
def _listed(ch: str) -> tuple[str, ...]:
    """The toneless readings of a character in pypinyin's order (the usual one first)."""
    known = _known()
    found = known.get(ch)
    if found is None:
        found = " ".join(dict.fromkeys(_pinyin()(ch)))
        known[ch] = found
        if ch.isprintable() and found:            # one line of the file per character
            _new.add(ch)
    return tuple(found.split())


_new: set[str] = set()        # characters asked of pypinyin in this process: saved at exit


@lru_cache(maxsize=1)
def _known() -> dict[str, str]:
    """The readings kept in the user's file (character → readings, space-separated)."""
    path = table_file()
    if path is not None:
        atexit.register(_save, path)
    return _read(path) if path is not None else {}


@lru_cache(maxsize=1)
def _pinyin():
    """pypinyin's toneless readings of a character, every one (imported when first needed)."""
    # Characters are compared one by one, so pypinyin's table of 40,000 phrases is not
    # needed: without it the import takes a third of the time.
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    from pypinyin import Style, pinyin
    return lambda ch: pinyin(ch, style=Style.NORMAL, heteronym=True)[0]


def table_file() -> Path | None:
    """This pypinyin's file of readings (None: no cache folder, or no pypinyin)."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.origin:
        return None
    return cache_file_for(Path(spec.origin).with_name("pinyin_dict.py"), "pinyin", ".txt", _MAGIC)


def _read(path: Path) -> dict[str, str]:
    """The file's readings; {} when it is missing, torn or damaged."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    head, _, body = text.partition("\n")
    if head != f"{_MAGIC} {zlib.crc32(body.encode('utf-8')):08x}":
        return {}
    table = {}
    for line in body.splitlines():
        ch, _, found = line.partition("\t")
        if len(ch) != 1 or not found:
            return {}
        table[ch] = found
    return table


def _save(path: Path) -> None:
    """Write the readings with what this process added, atomically and quietly (a file
    that cannot be written only costs time); another process's additions since it was
    read are kept."""
    if not _new:
        return
    table = {**_read(path), **_known()}
    body = "".join(f"{ch}\t{found}\n" for ch, found in sorted(table.items()) if ch.isprintable() and found)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(path, older_than=600)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(f"{_MAGIC} {zlib.crc32(body.encode('utf-8')):08x}\n{body}")
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass
    _new.clear()
