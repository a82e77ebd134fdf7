"""Retirement that does not hang on an accident.

Items whose source is gone are retired: kept in cards/, shipped tagged, so a
learner who studies them keeps their history. Two accidents must not turn
into mass retirement or junk:

* a config change (``paper_heading_level: 4``) that would retire more than
  half of the items stops the build, naming the setting (`check_retirements`);
  ``--force`` goes on;
* a build that puts the settings back as they were before the last build (a
  config mistake undone) drops the items that the mistaken build made and
  this one retires, instead of keeping them as retired (`drop_short_lived`);
  the build removes the files of cards/ they leave empty, in its transaction
  (`Store.stale_files`).

Both read what the last build remembered in its stamp (`uptodate`): its
settings, the settings of the build before it, and the items it made new.
"""

from __future__ import annotations

import dataclasses
import json
import re

from .config import CONFIG_NAME, Config
from .diagnostics import InputError
from .store import MergeReport, Record
from .store.merge import content_of

_NOT_SETTINGS = ("root", "path")


def settings_of(config: Config) -> dict[str, str]:
    """Each top-level setting of the config, as comparable text."""
    return {f.name: json.dumps(_plain(getattr(config, f.name)), ensure_ascii=False, sort_keys=True, default=str)
            for f in dataclasses.fields(config) if f.name not in _NOT_SETTINGS}


def _plain(value):
    return dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value


def changed_settings(config: Config, stamp: dict | None) -> list[str]:
    """The settings that differ from the last build's (none when it did not record them)."""
    old = (stamp or {}).get("settings") if isinstance(stamp, dict) else None
    if not isinstance(old, dict):
        return []
    return [name for name, value in settings_of(config).items() if name in old and old[name] != value]


def stamp_settings(config: Config, stamp: dict | None) -> dict:
    """What a build's stamp remembers of the settings: its own, and the last build's."""
    before = (stamp or {}).get("settings") if isinstance(stamp, dict) else None
    return {"settings": settings_of(config), "settings_before": before if isinstance(before, dict) else None}


def made_by_an_undone_change(config: Config, stamp: dict | None, deck_digest: str | None) -> set[str]:
    """The items the last build made new, when that build changed a setting and this
    one puts it back (the stamp must be the last build's: its deck is in decks/)."""
    if not isinstance(stamp, dict) or stamp.get("deck") != deck_digest:
        return set()
    if not changed_settings(config, stamp) or stamp.get("settings_before") != settings_of(config):
        return set()
    born = stamp.get("born")
    return {i for i in born if isinstance(i, str)} if isinstance(born, list) else set()


def drop_short_lived(records: list[Record], report: MergeReport, born: set[str]) -> list[Record]:
    """The records without those this build retires that are ``born`` of a mistake now
    undone (`made_by_an_undone_change`) and that nobody edited since: they go
    instead of staying in cards/ as retired. Their ids move from ``report.retired``
    to ``report.dropped``."""
    retired = set(report.retired)
    drop = {r.id for r in records if r.id in born and r.id in retired and _untouched(r)}
    if not drop:
        return records
    report.retired = [i for i in report.retired if i not in drop]
    report.dropped = sorted(drop)
    return [r for r in records if r.id not in drop]


def _untouched(rec: Record) -> bool:
    return rec.origin == "auto" and rec.conflict is None and content_of(rec.item) == rec.fingerprint


def check_retirements(config: Config, report: MergeReport, records: list[Record], changed: list[str]) -> None:
    """Stop a build in which a config change retires more than half of the items that
    were active before it."""
    if not changed:
        return
    fresh = set(report.new) | set(report.revived)
    before = sum(1 for r in records if r.status == "active" and r.id not in fresh) \
        + len(report.retired) + len(report.dropped)
    retired = len(report.retired)
    if before == 0 or retired * 2 <= before:
        return
    names = ", ".join(changed)
    raise InputError(CONFIG_NAME, _line_of(config, changed[0]),
                     f"this build would retire {retired} of {before} items; the setting"
                     f"{'s' * (len(changed) > 1)} {names} changed since the last build: check "
                     f"{'it' if len(changed) == 1 else 'them'}, or run with --force to go on")


def _line_of(config: Config, key: str) -> int:
    """The line of ``key:`` in papercards.yaml (0 when it is not written there: a default)."""
    try:
        text = (config.root / CONFIG_NAME).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return 0
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(rf"{re.escape(key)}\s*:", line):
            return n
    return 0
