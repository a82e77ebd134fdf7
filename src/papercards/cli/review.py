"""papercards review: walk new and changed cards in the terminal, one key per card."""

from __future__ import annotations

import contextlib
import os
import sys

import click

from ..diagnostics import InputError
from ..fsutil import build_lock
from ..learner import triage
from ..learner.faces import face_of, paper_name
from ..learner.screen import cell, columns, width as text_width, wrap
from ..store import Store
from .common import echo, handle_errors, load, plural, project_option

ACTIONS = {"k": triage.KEEP, "s": triage.SUSPEND, "e": triage.EDIT, "n": triage.SKIP, "q": "quit"}
PROMPT = "k keep · s suspend · e edit · n skip · q quit > "
DONE = {triage.KEEP: "kept", triage.SUSPEND: "suspended", triage.EDIT: "edited", triage.SKIP: "skipped"}


@click.command("review")
@project_option
@click.option("--all", "every", is_flag=True, help="Walk every item in cards/, not only those of the last build.")
@click.option("--paper", metavar="NAME", help="Walk every item of one paper (key, short name, method or part "
              "of the title).")
@click.option("--restart", is_flag=True, help="Start over instead of resuming where the last run stopped.")
@handle_errors
def review_cmd(project, every: bool, paper: str | None, restart: bool) -> None:
    """Look at each new or changed card of the last build as Anki will show it, and
    decide with one key: k keep, s suspend, e edit (opens $EDITOR on the item's
    YAML), n skip, q quit.

    Each decision is written to cards/ at once; the next run resumes where this
    one stopped. Without a terminal it reads one letter per line. Exit code 0
    when done or stopped, 1 on bad input.
    """
    config = load(project)
    with build_lock(config.cards_path):
        store = Store.load(config.cards_path, shown_root=config.cards_dir)
    records = triage.queue(config, store, every=every, paper=paper)
    if not records:
        echo("Nothing to review: the last build made or changed no item (papercards review --all walks "
             "every item)." if not (every or paper) else f"Nothing to review in {config.cards_dir}/.")
        return
    progress = triage.load_progress(config, records, restart)
    if progress.damaged:
        echo(f"{triage.STATE.as_posix()}: not a review state papercards wrote (damaged?); starting over.",
             err=True)
    pending = progress.pending(records)
    if not pending:
        echo(f"All {plural(len(records), 'item')} reviewed ({_tally(progress)}); --restart to go over them again.")
        return
    if progress.decisions:
        echo(f"Resuming: {len(records) - len(pending)} of {len(records)} done ({_tally(progress)}).")
    with _Keys() as keys:
        for rec in pending:
            decision = _decide(config, store, rec, records.index(rec) + 1, len(records), keys)
            if decision == "quit":
                left = len(progress.pending(records))
                echo(f"Stopped with {plural(left, 'item')} left; papercards review resumes here.")
                return
            progress.decisions[rec.id] = decision
            triage.save_progress(config, progress)
    echo(f"Reviewed {plural(len(records), 'item')} ({_tally(progress)}).")


def _decide(config, store: Store, rec, number: int, total: int, keys: "_Keys") -> str:
    """Show one card, take keys until a decision is made (and written); returns it."""
    while True:
        _show(config, store, rec, number, total)
        action = keys.read(PROMPT, ACTIONS)
        if action == "quit":
            return action
        if action == triage.EDIT:
            edited = _edit(config, store, rec, keys)
            if edited is None:
                continue                        # discarded: the same card again
            rec = edited
        elif action in (triage.KEEP, triage.SUSPEND):
            triage.set_suspended(config, rec.id, action == triage.SUSPEND)
        echo(f"  → {DONE[action]}")
        echo()
        return action


def _edit(config, store: Store, rec, keys: "_Keys"):
    """Edit the item in $EDITOR until it loads back and makes a card, or the learner
    discards the edit (None)."""
    triage.start_edit(config, rec)
    try:
        while True:
            with keys.paused():
                problem = triage.run_editor(triage.edit_path(config))
            if problem is None:
                try:
                    edited = triage.read_edit(config, rec, store.papers)
                except InputError as exc:               # file:line: what is wrong
                    problem = str(exc)
                else:
                    if not triage.replace(config, edited):
                        echo("  (no change)")
                    return edited
            echo(f"  {problem}", err=True)
            if keys.read("r edit again · d discard the edit > ", {"r": "retry", "d": "discard"}) == "discard":
                return None
    finally:
        triage.end_edit(config)


def _show(config, store: Store, rec, number: int, total: int) -> None:
    width = columns()
    face = face_of(rec, store.papers)
    where = f"{config.cards_dir}/{rec.home}:{rec.line}"
    state = " · suspended" if rec.suspended else ""
    head = f"── {number}/{total} · {paper_name(rec, store.papers)} · {rec.kind}{state} "
    echo(head + "─" * max(0, width - text_width(head)))
    for title, text in (("Front", face.front), ("Back", face.back), ("Paper", face.paper)):
        if text:
            echo(title)
            for line in wrap(text, width, indent="  "):
                echo(line)
    if face.problem:
        echo(f"  (Anki gets no card from it: {face.problem})")
    echo(cell(where, width).rstrip())


def _tally(progress) -> str:
    counts = {}
    for decision in progress.decisions.values():
        counts[decision] = counts.get(decision, 0) + 1
    return ", ".join(f"{counts[d]} {DONE[d]}" for d in DONE if counts.get(d)) or "nothing decided"


class _Keys:
    """One key per answer in a terminal (no Enter needed); one letter per line when
    stdin is not a terminal (a pipe, a script). End of input quits.

    The terminal is put in cbreak mode for the whole walk (keys typed ahead are not
    held back for an Enter), and given back as it was around the editor and at the end.
    """

    def __init__(self):
        self.tty = sys.stdin.isatty() and _has_termios()
        self.saved = None

    def __enter__(self) -> "_Keys":
        if self.tty:
            import termios
            import tty
            self.saved = termios.tcgetattr(sys.stdin.fileno())
            tty.setcbreak(sys.stdin.fileno())
        return self

    def __exit__(self, *exc) -> None:
        if self.saved is not None:
            import termios
            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self.saved)

    @contextlib.contextmanager
    def paused(self):
        """The terminal as the learner had it (for $EDITOR)."""
        self.__exit__()
        try:
            yield
        finally:
            self.__enter__()

    def read(self, prompt: str, choices: dict[str, str]) -> str:
        while True:
            click.echo(prompt, nl=False)
            key = self._key_from_terminal() if self.tty else self._key_from_line()
            if key is None:                                   # end of input
                click.echo()
                return "quit" if "q" in choices else list(choices.values())[-1]
            if self.tty:
                click.echo(key if key.isprintable() else "")
            if key.lower() in choices:
                return choices[key.lower()]
            echo(f"  one of: {', '.join(choices)}")

    @staticmethod
    def _key_from_terminal() -> str | None:
        data = os.read(sys.stdin.fileno(), 8)      # a key, or an escape sequence (arrows: ignored)
        if not data or data == b"\x04":           # Ctrl-D
            return None
        return data[:1].decode("ascii", "replace")

    @staticmethod
    def _key_from_line() -> str | None:
        line = sys.stdin.readline()
        if not line:
            return None
        return line.strip()[:1] or " "


def _has_termios() -> bool:
    try:
        import termios  # noqa: F401
        import tty  # noqa: F401
    except ImportError:                     # Windows: line prompts
        return False
    return True
