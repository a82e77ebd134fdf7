"""papercards status: what the next build would change; with --weak, the learner's weak spots."""

from __future__ import annotations

import time

import click

from ..build import conflict_diagnostics, prepare
from ..config import Config
from ..fsutil import build_lock
from ..learner import weak as weak_spots
from ..learner.faces import face_of, paper_name
from ..learner.screen import cell
from ..learner.weak import WEAKEST
from ..store import Store
from ..store.history import HISTORY_FILE
from .common import echo, handle_errors, load, project_option


@click.command("status")
@project_option
@click.option("--weak", is_flag=True, help=f"List the {WEAKEST} items you forget or find hard most in Anki "
              "(from the history papercards pull saved), with their numbers.")
@handle_errors
def status_cmd(project, weak: bool) -> None:
    """Show what changed in the notes since the last build: new, updated,
    retired and conflicting items, and items edited by hand. Writes nothing."""
    config = load(project)
    if weak:
        show_weak(config)
        return
    with build_lock(config.cards_path):
        shipped = {r.id: r.checksum for r in Store.load(config.cards_path, config.cards_dir).records}
        result, _, _ = prepare(config)
    r = result.report
    # what reaches Anki: new notes, and notes whose face changed (text, a fixed title,
    # a new link or keyword shown on them, a suspension), whatever the reason
    to_anki = [rec.id for rec in result.records if rec.id in shipped and shipped[rec.id] != rec.checksum]
    rows = [("new", r.new), ("updated", r.updated), ("retired", r.retired), ("revived", r.revived),
            ("conflicts", [i for i, _ in r.conflicts]), ("hand-edited", r.hand_edited)]
    for name, ids in rows:
        if ids:
            echo(f"{name} ({len(ids)}):")
            for i in ids[:30]:
                echo(f"  {i}")
            if len(ids) > 30:
                echo(f"  … and {len(ids) - 30} more")
    for d in conflict_diagnostics(result, config):       # cards/…yaml: item … was edited by hand …
        echo(str(d))
    if not (r.changed or to_anki or result.cards_pending):
        echo("Up to date: the next build changes nothing.")
        return
    echo(f"Next build: {len(result.cards_pending)} file(s) in {config.cards_dir}/ rewritten; "
               f"{len(r.new)} new and {len(to_anki)} changed note(s) for Anki.")


# (header, width, right-aligned): 3+12+28+7+6+6+10 columns and 6 spaces between = 78
_COLUMNS = (("#", 3, True), ("paper", 12, False), ("card", 28, False), ("reviews", 7, True),
            ("lapses", 6, True), ("ease", 6, True), ("reviewed", 10, False))


def show_weak(config: Config) -> None:
    """The weakest items, one row each in 80 columns, and where each is in cards/."""
    with build_lock(config.cards_path):
        store = Store.load(config.cards_path, shown_root=config.cards_dir)
    history = weak_spots.load(config.cards_path, config.cards_dir)
    where = f"{config.cards_dir}/{HISTORY_FILE}"
    if not history:
        echo(f"No review history yet ({where} is missing): study in Anki, then run papercards pull.")
        return
    found = weak_spots.weakest(weak_spots.studied(store.records), history)
    if not found:
        echo(f"No weak spots: no studied item in {where} was forgotten or rated hard.")
        return
    echo(f"The {len(found)} weakest item(s), from {where} (last review {_day(weak_spots.reference_time(history))}):")
    echo(_row([h for h, _, _ in _COLUMNS]))
    for n, w in enumerate(found, 1):
        face = face_of(w.record, store.papers)
        echo(_row([str(n), paper_name(w.record, store.papers), face.front or w.record.id,
                   str(w.history.reviews), str(w.history.lapses), _ease(w.history), _day(w.history.last_review)]))
        echo(f"{'':4}{cell(f'{config.cards_dir}/{w.record.home}:{w.record.line}', 74)}".rstrip())


def _row(values: list[str]) -> str:
    return " ".join(cell(v, size, right=right) for v, (_, size, right) in zip(values, _COLUMNS)).rstrip()


def _ease(history) -> str:
    """Anki's ease as it shows it (250%), or FSRS difficulty (D 7.2)."""
    if history.ease is not None:
        return f"{round(history.ease * 100)}%"
    if history.difficulty is not None:
        return f"D {history.difficulty:.1f}"
    return "–"


def _day(seconds: int | None) -> str:
    return time.strftime("%Y-%m-%d", time.localtime(seconds)) if seconds else "–"
