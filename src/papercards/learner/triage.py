"""Triage: walk items one by one and keep, suspend, edit or skip each.

Every decision is written at once, through the store's own writer (`Store.write`: all
of a file or none, under the build lock), so what a learner decided is never lost to
a closed terminal. Progress lives beside the build's stamp (`.papercards-cache/
review.json`), keyed by the list walked: the next run over the same list resumes
where this one stopped; a new build gives a new list and a fresh start.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .. import uptodate
from ..anki.render import SkipRecord, render_fields
from ..config import Config
from ..diagnostics import InputError
from ..fsutil import atomic_write, build_lock, read_regular
from ..quiz.pool import select_papers
from ..store import Store
from ..store.model import Record
from ..store.yamlio import dump_file, load_text

STATE = Path(".papercards-cache") / "review.json"
EDIT_FILE = Path(".papercards-cache") / "review-item.yaml"
STATE_VERSION = 1
KEEP, SUSPEND, EDIT, SKIP = "keep", "suspend", "edit", "skip"
_STORE_ADVICE = " (fix the file; deleting it regenerates it without your edits)"


# --------------------------------------------------------------------------- what to walk

def last_build_ids(config: Config) -> list[str]:
    """The items the last build made or changed (its stamp, `build.save_stamp`), in that order."""
    stamp = uptodate.load(config) or {}
    ids = []
    for key in ("born", "changed"):
        value = stamp.get(key) if isinstance(stamp, dict) else None
        ids += [i for i in value if isinstance(i, str)] if isinstance(value, list) else []
    return list(dict.fromkeys(ids))


def queue(config: Config, store: Store, *, every: bool = False, paper: str | None = None) -> list[Record]:
    """The records to walk, in store order: those of the last build (``every``: all),
    or all of one paper (``paper``: a key, short name, method or title part). Retired
    items make no card and are left out."""
    records = [r for r in store.records if r.status != "retired"]
    if paper:
        try:
            keys = set(select_papers(store.papers, [r.item for r in records], [paper]))
        except InputError as exc:
            raise InputError("--paper", 0, exc.diagnostic.message) from None
        return [r for r in records if r.item.paper in keys or keys & set(r.item.papers)]
    if every:
        return records
    wanted = set(last_build_ids(config))
    return [r for r in records if r.id in wanted]


# --------------------------------------------------------------------------- progress

@dataclass
class Progress:
    """The decisions taken on one list of items (``key`` names the list)."""
    key: str
    decisions: dict[str, str] = field(default_factory=dict)
    damaged: bool = False       # a saved state was there but unreadable: this one starts over

    def pending(self, records: list[Record]) -> list[Record]:
        return [r for r in records if r.id not in self.decisions]


def list_key(records: list[Record]) -> str:
    return hashlib.sha256("\n".join(r.id for r in records).encode()).hexdigest()[:16]


def load_progress(config: Config, records: list[Record], restart: bool = False) -> Progress:
    """The saved progress on this list; a fresh one for another list or ``restart``, and
    for a damaged file (marked ``damaged``: the learner is told it starts over)."""
    key = list_key(records)
    path = config.root / STATE
    if restart or not path.exists():
        return Progress(key)
    try:
        data = json.loads(read_regular(path).decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        data = None
    decisions = data.get("decisions") if isinstance(data, dict) else None
    if not isinstance(decisions, dict) or not all(isinstance(v, str) for v in decisions.values()):
        return Progress(key, damaged=True)
    if data.get("version") != STATE_VERSION or data.get("list") != key:
        return Progress(key)
    return Progress(key, dict(decisions))


def save_progress(config: Config, progress: Progress) -> None:
    atomic_write(config.root / STATE, json.dumps(
        {"version": STATE_VERSION, "list": progress.key, "decisions": progress.decisions},
        ensure_ascii=False, indent=1, sort_keys=True) + "\n")


# --------------------------------------------------------------------------- decisions

def set_suspended(config: Config, item_id: str, suspended: bool) -> bool:
    """Suspend (or unsuspend) one item in cards/; False when it is already so."""
    def change(rec: Record) -> Record | None:
        if rec.suspended == suspended:
            return None
        rec.suspended = suspended
        return rec
    return _rewrite(config, item_id, change)


def replace(config: Config, edited: Record) -> bool:
    """Put an edited record in place of the stored one with its id (in the same file)."""
    def change(rec: Record) -> Record | None:
        edited.home = rec.home
        return None if edited == rec else edited
    return _rewrite(config, edited.id, change)


def _rewrite(config: Config, item_id: str, change) -> bool:
    """Reload cards/ under the build lock (a build may have run meanwhile), apply
    ``change`` to the item and write what changed, atomically."""
    with build_lock(config.cards_path):
        store = Store.load(config.cards_path, shown_root=config.cards_dir)
        records = list(store.records)
        at = next((n for n, r in enumerate(records) if r.id == item_id), None)
        if at is None:
            raise InputError(config.cards_dir, 0, f"item {item_id} is no longer in {config.cards_dir}/ "
                             "(pruned or rebuilt meanwhile)")
        new = change(records[at])
        if new is None:
            return False
        records[at] = new
        store.write(store.plan(records, store.papers))
    return True


# --------------------------------------------------------------------------- editing

def edit_path(config: Config) -> Path:
    return config.root / EDIT_FILE


def start_edit(config: Config, record: Record) -> Path:
    """Write the item alone, as cards/ holds it, into the file the editor opens."""
    what = f"one item of {config.cards_dir}/{record.home}: save and close the editor to apply it"
    path = edit_path(config)
    atomic_write(path, dump_file(what, None, [record]))
    return path


def run_editor(path: Path) -> str | None:
    """Open $VISUAL or $EDITOR (else vi) on ``path``; None when it ran and succeeded,
    else why not (it could not start, or exited with an error: the edit is not taken)."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        done = subprocess.run([*shlex.split(command), str(path)], check=False)
    except (OSError, ValueError) as exc:
        return f"cannot start the editor '{command}' ({exc}); set EDITOR to one that runs here"
    return None if done.returncode == 0 else f"the editor '{command}' exited with code {done.returncode}"


def read_edit(config: Config, original: Record, papers) -> Record:
    """The edited item, checked as a build would check it. Raises InputError naming the
    edit file and line: broken YAML, an unknown key, another id, no card left."""
    path = edit_path(config)
    shown = EDIT_FILE.as_posix()
    try:
        text = read_regular(path).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(shown, 0, f"cannot read the edited item: {exc}") from None
    try:
        records = load_text(text, shown).records
    except InputError as exc:      # its advice is for a store file: deleting this one loses the edit
        d = exc.diagnostic
        raise InputError(d.file, d.line, d.message.removesuffix(_STORE_ADVICE)) from None
    if len(records) != 1:
        raise InputError(shown, 0, f"expected one item under 'items:', found {len(records)}")
    edited = records[0]
    if edited.id != original.id:
        raise InputError(shown, edited.line, f"the id was changed to '{edited.id}': Anki knows this note by "
                         f"'{original.id}' (put it back)")
    try:
        render_fields(edited, papers)
    except SkipRecord as why:
        raise InputError(shown, edited.line, f"item {edited.id}: Anki would get no card from it ({why})") from None
    edited.home, edited.line = original.home, original.line
    return edited


def end_edit(config: Config) -> None:
    edit_path(config).unlink(missing_ok=True)
