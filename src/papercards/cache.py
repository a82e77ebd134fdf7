"""Incremental builds: per-file and per-paper results kept by content in ``.papercards-cache/``.

Why: a rebuild after one edited bullet used to cost a whole cold build,
though only one paper changed. Each step whose result depends on one file or
one paper is kept here under a digest of everything it reads: the papercards
code and the settings (`BuildCache.of`), the step's own input (a notes file's
bytes, a paper's parsed tree, a store file's text) and, for the extractor
chain, a digest of what crosses papers (the glossary and the terms' use
across papers, `shared_digest`). The sentences a paper looks up in the
table of pasted text (`Context.abstract_owners`) are recorded with what they
found and checked again on reuse, so a paper's cards change when another
paper now holds one of its sentences. Each record's Anki note is kept by its
content and the papers it shows (`note_key`), and the store files a build
wrote are kept as the next build will read them (`BuildCache.seed`).

Entries are validated on read: a file that is torn, corrupt, made by another
version or for another key is ignored and the step runs again. Nothing from the
project folder runs as code: a pack is unpickled only when it carries an HMAC
made with this user's key (`user_key`, kept outside the project, in the user's
cache folder), so a pack written by anyone else, or changed since, is never
unpickled. Without a key (the folder cannot be written, or
``PAPERCARDS_CACHE_DIR=off``) the build keeps no cache. Entries this
build did not use are dropped when it saves the cache (`BuildCache.save`), so
the cache holds one build's worth. ``papercards build --force`` does not read it.

A hit gives the same value as running the step (a fresh copy, unpickled):
the test in tests/test_incremental.py compares incremental builds after
random edits with cold builds, byte for byte.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import hmac
import os
import pickle
import secrets
import stat
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .config import Config
from .fsutil import read_regular

CACHE_DIR = ".papercards-cache"
_FOLDER = "steps"
_MAGIC = b"papercards-cache-2\n"
_KEY_FILE = "key"                       # in the user's cache folder (`jiebadict.cache_dir`)
_KEY_BYTES = 32
_MISS = object()


def in_turn(fn: Callable, tasks: list) -> list:
    return [fn(task) for task in tasks]


class BuildCache:
    """Results of the build's steps by digest of their inputs; `NO_CACHE` keeps nothing.

    One file per step (``steps/<step>.pack``): an HMAC of the rest under ``key``, then
    the pickled table of digest → pickled result. Thousands of small files would cost
    more to create and delete than the steps they save."""

    def __init__(self, folder: Path | None, salt: bytes = b"", *, read: bool = True, key: bytes = b""):
        if not key:
            folder = None                               # nothing read can be trusted: keep nothing
        self.folder, self.salt, self.read, self.key = folder, salt, read, key
        self._found: dict[str, dict[bytes, bytes]] = {}      # step → entries read from its pack
        self._kept: dict[str, dict[bytes, bytes]] = {}       # step → entries this build used or made
        self.hits: Counter[str] = Counter()       # step → results reused
        self.misses: Counter[str] = Counter()     # step → results made

    @classmethod
    def of(cls, config: Config, *, force: bool = False) -> "BuildCache":
        """The project's cache; with ``force`` it is written but not read. Its salt is this
        papercards, the libraries whose output the steps keep, and the settings (not where
        the project is: a copy keeps its cache)."""
        from . import uptodate
        settings = repr(dataclasses.replace(config, root=Path(), path=None))
        salt = hashlib.sha256(f"{uptodate.code_digest()}\0{_library_versions()}\0{settings}".encode()).digest()
        return cls(config.root / CACHE_DIR / _FOLDER, salt, read=not force, key=user_key() or b"")

    # -- entries -------------------------------------------------------------------
    def _entries(self, step: str) -> dict[bytes, bytes]:
        if step not in self._found:
            self._found[step] = _read_pack(self.folder / f"{step}.pack", self.key) if self.read else {}
            self._kept[step] = {}
        return self._found[step]

    def get(self, step: str, key: bytes) -> Any:
        """The value kept for ``key``, or `_MISS` (none, unreadable, or not ours)."""
        if self.folder is None:
            return _MISS
        digest = hashlib.sha256(self.salt + key).digest()
        blob = self._entries(step).get(digest)
        if blob is None:
            return _MISS
        try:
            value = pickle.loads(blob)
        except Exception:                               # noqa: BLE001 (a damaged entry)
            return _MISS
        self._kept[step][digest] = blob
        return value

    def put(self, step: str, key: bytes, value: Any) -> None:
        if self.folder is None:
            return
        self._entries(step)
        self._kept[step][hashlib.sha256(self.salt + key).digest()] = \
            pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    def seed(self, step: str, args: tuple, value: Any) -> None:
        """Keep ``value`` as what ``step`` (keyed by its arguments) gives for ``args``,
        known without running it."""
        self.put(step, _pickled(args), value)

    def step(self, step: str, fn: Callable[..., Any], key: Callable[..., bytes | None] | None = None,
             keep: Callable[[Any], bool] | None = None):
        """``fn`` with its results kept by ``key(*args)`` (by default the pickled arguments);
        only those ``keep`` accepts, when given."""
        def kept(*args):
            k = key(*args) if key else _pickled(args)
            if k is None:                               # no key (an unreadable file): just run it
                return fn(*args)
            value = self.get(step, k)
            if value is _MISS:
                self.misses[step] += 1
                value = fn(*args)
                if keep is None or keep(value):
                    self.put(step, k, value)
                return value
            self.hits[step] += 1
            return value
        return kept

    def memo(self, step: str, fn: Callable[..., Any]):
        """``fn`` with its results kept by the values of its arguments (`_described`: equal
        arguments give one key, however they share their strings)."""
        return self.step(step, fn, key=_described)

    def save(self) -> None:
        """Write each step's pack with the entries this build used or made (the others
        are dropped: the cache holds one build's worth). A write that fails only costs
        the steps next time; a torn one fails its HMAC and is ignored."""
        if self.folder is None:
            return
        for step, kept in self._kept.items():
            if kept == self._found.get(step):
                continue
            payload = pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)
            path = self.folder / f"{step}.pack"
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            with contextlib.suppress(OSError):
                self.folder.mkdir(parents=True, exist_ok=True)
                tmp.write_bytes(_MAGIC + _mac(self.key, payload) + payload)
                os.replace(tmp, path)

    # -- per-paper steps of the extraction (`items.extract`'s ``each``) ----------------
    def each(self, step: str, fn: Callable, pcs: list, run: Callable = in_turn) -> list:
        """Run ``fn`` over the papers in order, reusing the result of a paper whose inputs
        are unchanged: its parsed tree (its typing slips, ``slips``; what the first pass reads,
        ``survey``), and for the extractor chain also what
        the first pass found about it and what crosses papers (``rules``). The papers to
        compute go through ``run(fn, pcs)``, which returns ``[fn(pc) for pc in pcs]``
        (the build may spread them over processes)."""
        if step in ("slips", "survey"):
            keys = [_described(pc.paper, pc.info) for pc in pcs]
            return self.map(step, fn, pcs, keys, run)
        if step == "rules":
            shared = shared_digest(pcs[0].ctx) if pcs else b""
            keys = [shared + _described(pc.paper, pc.info, pc.methods, pc.abstract_en, pc.abstract_zh)
                    for pc in pcs]
            found = self.map("rules", functools.partial(_recorded, fn), pcs, keys, run, _still_found)
            return [value for value, _ in found]
        return run(fn, pcs)                             # pragma: no cover - a step the cache does not know

    def map(self, step: str, fn: Callable, tasks: list, keys: list[bytes | None], run: Callable = in_turn,
            valid: Callable[[Any, Any], bool] = lambda kept, task: True,
            keep: Callable[[Any], bool] = lambda value: True) -> list:
        """``[fn(t) for t in tasks]``, each from the cache under its key (None: not kept)
        when ``valid`` for that task; the others computed by ``run(fn, tasks)``, which
        keeps their order (the build may spread them over processes), and kept when
        ``keep`` accepts them."""
        values = [_MISS if key is None else self.get(step, key) for key in keys]
        todo = [i for i, (value, task) in enumerate(zip(values, tasks)) if value is _MISS or not valid(value, task)]
        self.hits[step] += len(tasks) - len(todo)
        self.misses[step] += sum(keys[i] is not None for i in todo)
        for i, value in zip(todo, run(fn, [tasks[i] for i in todo])):
            if keys[i] is not None and keep(value):
                self.put(step, keys[i], value)
            values[i] = value
        return values


def _recorded(fn: Callable, pc) -> tuple[Any, dict | None]:
    """``fn(pc)`` and the sentences it looked up in the pasted-text table with their
    first owner (None: it read the whole table), to check on reuse."""
    owners = pc.ctx.abstract_owners
    recorder = _Lookups(owners)
    pc.ctx.abstract_owners = recorder
    try:
        value = fn(pc)
    finally:
        pc.ctx.abstract_owners = owners
    return value, None if recorder.everything else recorder.seen


def _still_found(kept, pc) -> bool:
    """A kept extractor result whose every lookup in the pasted-text table finds what it
    found then."""
    owners = pc.ctx.abstract_owners
    return isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[1], dict) \
        and all(_first(owners.get(k)) == found for k, found in kept[1].items())


NO_CACHE = BuildCache(None)


def yaml_key(what: str, paper, records: list) -> bytes:
    """A store file's text by what `yamlio.dump_file` writes of its header and records."""
    from .store.yamlio import paper_to_dict, record_to_dict
    return _described(what, paper_to_dict(paper) if paper is not None else None, [record_to_dict(r) for r in records])


def note_key(papers, deck_name: str, images) -> Callable:
    """A record's Anki note by everything its rendering reads (`anki.memo.lasting_key`)."""
    from .anki.memo import lasting_key
    return lambda record: _described(lasting_key(record, papers, deck_name, images))


def file_key(path: Path, *_) -> bytes | None:
    """A notes file by its name and bytes (None when it cannot be read as a plain small
    file: the step itself then says what is wrong)."""
    from .notes.reader import MAX_NOTES_BYTES
    try:
        if path.stat().st_size > MAX_NOTES_BYTES:
            return None
        return _pickled(str(path), read_regular(path))
    except OSError:
        return None


def shared_digest(ctx) -> bytes:
    """What the first pass found across papers and the extractor chain reads (`Context`),
    besides the pasted-text table (checked per lookup): the glossary and the terms' use."""
    return _described(
        sorted(ctx.glossary.words), sorted(ctx.common), sorted(ctx.widespread), sorted(ctx.named_terms),
        sorted(ctx.chinese_of.items()), sorted((k, sorted(v)) for k, v in ctx.keyword_users.items()),
        sorted(ctx.furniture), sorted((k, sorted(v)) for k, v in ctx.other_names.items()))


def _first(owners):
    """The sentence's owner: the extractors ask only who holds it first (`pasted_from`)."""
    return owners[0] if owners else None


class _Lookups(Mapping):
    """`Context.abstract_owners` while one paper's extractor chain runs: records each
    sentence looked up and its first owner, the one thing the extractors read of it (the
    whole list would grow with the papers sharing the sentence: at 1,000 copies of one
    bullet, a list of 1,000 keys per lookup per paper); reading the whole table counts as
    depending on all."""

    def __init__(self, table: Mapping):
        self.table, self.seen, self.everything = table, {}, False

    def __getitem__(self, key):
        found = self.table.get(key)
        self.seen[key] = _first(found)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key, default=None):
        found = self.table.get(key)
        self.seen[key] = _first(found)
        return default if found is None else found

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __iter__(self) -> Iterator:
        self.everything = True
        return iter(self.table)

    def __len__(self) -> int:
        self.everything = True
        return len(self.table)


def _read_pack(path: Path, key: bytes) -> dict[bytes, bytes]:
    """A step's entries; nothing when the file is missing, torn, corrupt or not ours.
    Its HMAC is checked before anything in it is unpickled."""
    try:
        data = read_regular(path)
    except OSError:
        return {}
    head, check, payload = data[:len(_MAGIC)], data[len(_MAGIC):len(_MAGIC) + 32], data[len(_MAGIC) + 32:]
    if head != _MAGIC or not hmac.compare_digest(_mac(key, payload), check):
        return {}
    try:
        entries = pickle.loads(payload)
    except Exception:                                   # noqa: BLE001
        return {}
    if not isinstance(entries, dict) or not all(isinstance(k, bytes) and isinstance(v, bytes)
                                                for k, v in entries.items()):
        return {}
    return entries


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()


def user_key() -> bytes | None:
    """This user's key for the cache's HMACs, made on first use: 32 random bytes in
    ``<cache folder>/key``, readable by this user only. None (no cache) when the
    folder is off or cannot be written, or the file is not a private file of this
    user's: a key others can read would let them write packs this user unpickles."""
    from .text.jiebadict import cache_dir
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / _KEY_FILE
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        _create_key(path)
        return _read_key(path)
    except OSError:
        return None


def _read_key(path: Path) -> bytes | None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        mine = info.st_uid == os.getuid() if hasattr(os, "getuid") else True
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077 or not mine:
            return None
        key = fh.read(_KEY_BYTES + 1)
    return key if len(key) == _KEY_BYTES else None


def _create_key(path: Path) -> None:
    """Written to a private temporary file, then linked into place: a second build
    making its key at the same time finds the first one's, whole."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(_KEY_BYTES))
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


def _library_versions() -> str:
    """Markdown parsing, word segmentation and YAML: a new version may read the same text
    otherwise. Each by a digest of its package's ``__init__.py``, which holds its
    ``__version__``: asking `importlib.metadata` for the versions took 12 ms of every build."""
    import importlib.util
    found = []
    for name in ("markdown_it", "jieba", "yaml"):
        try:
            origin = Path(importlib.util.find_spec(name).origin)
            found.append(f"{name}={hashlib.sha256(read_regular(origin)).hexdigest()[:16]}")
        except (ImportError, AttributeError, TypeError, ValueError, OSError):
            found.append(f"{name}=?")
    return " ".join(found)


def _pickled(*parts) -> bytes:
    return pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)


def _described(*parts) -> bytes:
    """A digest of values (dataclasses, lists, dicts, strings) by their `repr`: unlike a
    pickle, it does not depend on which equal strings happen to be one object."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).digest()
