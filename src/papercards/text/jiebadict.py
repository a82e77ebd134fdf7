"""jieba's dictionary, read from papercards' own cache, and only the words looked up.

Why: every build needs jieba's prefix dictionary (about 500,000 words and
prefixes with their frequencies), and jieba loads it from its cache with
``marshal.load``, which takes 0.65–0.85 s on this project's machines: more
than half of a build of the shipped notes. Even rebuilt from one array of
frequencies and one text of words, the ``dict`` costs 0.1–0.15 s, while a
build of 70 papers looks up 1,500 different words, of 700 papers 2,900, and a
rebuild after one edited bullet 360. So papercards keeps the dictionary as a hash table on disk
(`_Table`): a lookup hashes the word and compares the few words in its
bucket. After `WORDS_BEFORE_LOADING` different words, about what the
``dict`` would have cost, the whole ``dict`` is built and takes over
(`Dictionary`).

Safe and self-checking: the file holds only numbers and text (nothing is
unpickled or executed), its name carries jieba's version and the
dictionary file's size and mtime, a CRC-32 covers it, and a file that
does not check out is ignored and rewritten. It lives in the user's cache
folder (``$PAPERCARDS_CACHE_DIR``, else ``$XDG_CACHE_HOME/papercards``, else
``~/.cache/papercards``), never in a shared temp folder. When it cannot be
read or written, jieba loads its dictionary the usual way;
``PAPERCARDS_CACHE_DIR=off`` always does.
"""

from __future__ import annotations

import array
import hashlib
import os
import struct
import sys
import tempfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..fsutil import remove_stale_temps

_MAGIC = b"papercards jieba dictionary 2\n"
# number of words, total frequency, number of buckets, CRC-32 of the rest
_HEADER = struct.Struct("<qqqI")
WORDS_BEFORE_LOADING = 50_000


def cache_dir() -> Path | None:
    """Where papercards keeps caches shared by all projects of this user (None: off)."""
    chosen = os.environ.get("PAPERCARDS_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "papercards"


def cache_file(jieba: Any) -> Path | None:
    """This jieba's dictionary cache: named after jieba's version and its dictionary file."""
    return cache_file_for(Path(jieba.__file__).with_name("dict.txt"), "jieba", ".dict",
                          repr(_MAGIC), jieba.__version__, sys.byteorder)


def cache_file_for(source: Path, name: str, suffix: str, *salt: str) -> Path | None:
    """A file of the user's cache folder made from ``source``, named after ``salt`` and the
    source's path, size and time (a new library version is a new file); None when caching
    is off or the source cannot be read."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        stat = source.stat()
    except OSError:
        return None
    key = "|".join([*salt, str(source), str(stat.st_size), str(stat.st_mtime_ns)])
    return folder / f"{name}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}{suffix}"


def load_dictionary(tokenizer: Any, jieba: Any) -> None:
    """Fill ``tokenizer`` (a fresh ``jieba.Tokenizer`` with the default dictionary) as
    ``tokenizer.initialize()`` would: from papercards' cache, else jieba's own way
    (and then write the cache for next time)."""
    path = cache_file(jieba)
    table = _Table.read(path) if path is not None else None
    if table is not None:
        tokenizer.FREQ, tokenizer.total = Dictionary(table, tokenizer), table.total
        tokenizer.initialized = True
        return
    tokenizer.initialize()
    if path is not None:
        _write(path, tokenizer.FREQ, tokenizer.total)


class _Table:
    """The dictionary file: frequencies and words in jieba's order, and a hash table
    over them (``buckets[b]:buckets[b + 1]`` are the places in ``slots`` of the words
    whose CRC-32 falls in bucket ``b``)."""

    def __init__(self, total: int, freqs, starts, buckets, slots, text: bytes):
        self.total, self.freqs, self.starts, self.buckets, self.slots, self.text = \
            total, freqs, starts, buckets, slots, text

    @classmethod
    def read(cls, path: Path) -> "_Table | None":
        """The table in ``path``; None when it is missing, torn or damaged."""
        try:
            data = path.read_bytes()
        except OSError:
            return None
        start = len(_MAGIC) + _HEADER.size
        if not data.startswith(_MAGIC) or len(data) < start:
            return None
        count, total, nbuckets, crc = _HEADER.unpack_from(data, len(_MAGIC))
        if count <= 0 or nbuckets <= 0 or zlib.crc32(memoryview(data)[start:]) != crc:
            return None
        view, arrays = memoryview(data), []
        for code, length in (("q", count), ("I", count + 1), ("I", nbuckets + 1), ("I", count)):
            size = length * struct.calcsize(code)
            if len(data) < start + size:
                return None
            arrays.append(view[start:start + size].cast(code))
            start += size
        text = data[start:]
        if arrays[1][count] != len(text) + 1:
            return None
        return cls(total, *arrays, text)

    def get(self, word: str) -> int | None:
        key = word.encode("utf-8")
        starts, slots, text = self.starts, self.slots, self.text
        bucket = zlib.crc32(key) % (len(self.buckets) - 1)
        for slot in range(self.buckets[bucket], self.buckets[bucket + 1]):
            i = slots[slot]
            if text[starts[i]:starts[i + 1] - 1] == key:
                return self.freqs[i]
        return None

    def load(self) -> dict[str, int]:
        """The whole dictionary, in jieba's order."""
        return dict(zip(self.text.decode("utf-8").split("\n"), self.freqs))


class Dictionary(Mapping):
    """jieba's ``FREQ`` answered from the `_Table`, each word looked up once; after
    `WORDS_BEFORE_LOADING` different words the whole ``dict`` is built and set as the
    tokenizer's ``FREQ`` (its lookups are then the fastest there are)."""

    def __init__(self, table: _Table, tokenizer: Any = None):
        self.table, self.tokenizer = table, tokenizer
        self.found: dict[str, int | None] = {}
        self.full: dict[str, int] | None = None

    def get(self, word, default=None):
        if self.full is not None:
            return self.full.get(word, default)
        found = self.found.get(word, self)
        if found is self:
            if len(self.found) >= WORDS_BEFORE_LOADING:
                return self.load().get(word, default)
            found = self.found[word] = self.table.get(word) if isinstance(word, str) else None
        return default if found is None else found

    def __getitem__(self, word):
        found = self.get(word)
        if found is None:
            raise KeyError(word)
        return found

    def __contains__(self, word) -> bool:
        return self.get(word) is not None

    def load(self) -> dict[str, int]:
        """The whole dictionary, from now on the tokenizer's own."""
        if self.full is None:
            self.full = self.table.load()
            if self.tokenizer is not None:
                self.tokenizer.FREQ = self.full
        return self.full

    def __iter__(self) -> Iterator[str]:
        return iter(self.load())

    def __len__(self) -> int:
        return len(self.load())


def _write(path: Path, freq: dict[str, int], total: int) -> None:
    """Atomically, and quietly: a cache that cannot be written only costs time."""
    words = list(freq)
    if any("\n" in w for w in words):
        return
    try:
        body = _table_bytes(words, [freq[w] for w in words])
        header = _HEADER.pack(len(words), total, len(words), zlib.crc32(body))
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(path, older_than=600)        # left by a process killed while writing
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_MAGIC + header + body)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, OverflowError, UnicodeEncodeError):
        pass


def _table_bytes(words: list[str], freqs: list[int]) -> bytes:
    """The file after its header: `_Table`'s arrays and text, one bucket per word."""
    encoded = [w.encode("utf-8") for w in words]
    starts, pos = array.array("I"), 0
    for key in encoded:
        starts.append(pos)
        pos += len(key) + 1
    starts.append(pos)
    homes = [zlib.crc32(key) % len(words) for key in encoded]
    slots = array.array("I", sorted(range(len(words)), key=homes.__getitem__))
    buckets, counts = array.array("I", [0]), [0] * len(words)
    for home in homes:
        counts[home] += 1
    for n in counts:
        buckets.append(buckets[-1] + n)
    return (array.array("q", freqs).tobytes() + starts.tobytes() + buckets.tobytes() + slots.tobytes()
            + b"\n".join(encoded))
