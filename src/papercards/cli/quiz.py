"""papercards quiz: questions from cards/ → decks/quizzes/ (PDF, HTML, Markdown, CSV/TSV, GIFT, JSON)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from ..diagnostics import InputError
from ..learner import weak as weak_spots
from ..quiz import DIRECTIONS, FORMATS, QUESTION_TYPES, QuizOptions, load_pool, make_quiz, write_quiz
from ..quiz.write import RendererMissing, check_formats, load_renderer
from ..store.history import HISTORY_FILE
from .common import echo, handle_errors, load, plural, project_option, report


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


@click.command("quiz")
@project_option
@click.option("--papers", metavar="LIST",
              help='Papers to ask about, comma-separated: key, short name, method name or part of the '
                   'title (English or 中文), e.g. "NS-DPO,UNA". Default: all.')
@click.option("-n", "--questions", type=click.IntRange(min=1), help="Number of questions (default from "
              "papercards.yaml, else 40).")
@click.option("--types", metavar="LIST", help=f"Question types, comma-separated, from {', '.join(QUESTION_TYPES)} "
              "(default: all).")
@click.option("--seed", type=click.IntRange(min=0), help="Random seed: the same seed makes the same quiz, byte "
              "for byte (default from papercards.yaml, else 1).")
@click.option("--versions", type=click.IntRange(1, 26), default=1, show_default=True,
              help="Versions A, B, …: the same questions in another order, options shuffled.")
@click.option("--direction", type=click.Choice(DIRECTIONS), help="Which side is asked: en-zh (English shown, "
              "中文 answered), zh-en, or mixed (default from papercards.yaml, else mixed).")
@click.option("--paper-size", "paper_size", type=click.Choice(["A4", "Letter"], case_sensitive=False),
              help="PDF page size (default from papercards.yaml, else A4).")
@click.option("--formats", metavar="LIST", help=f"Files to write, comma-separated, from {', '.join(FORMATS)} "
              "(default: all).")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the quiz files (default: <decks_dir>/quizzes).")
@click.option("--name", default="quiz", show_default=True, help="File name stem: NAME-A.pdf, NAME-A.html, ….")
@click.option("--title", help="Title printed on the quiz (default: the deck name).")
@click.option("--weak", is_flag=True, help="Ask only about your weak spots: the items you forget or find "
              "hard most in Anki, recent answers counting most (from the history papercards pull saved; "
              "without one, every item).")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@handle_errors
def quiz_cmd(project, papers, questions, types, seed, versions, direction, paper_size, formats, out, name,
             title, weak, quiet) -> None:
    """Make a quiz from the items in cards/: a PDF to print with its answer key, an offline
    HTML page for phones, Markdown, CSV/TSV for Anki and Quizlet, Moodle GIFT and JSON.

    Suspended and retired items are left out; hand edits in cards/ are used as
    they are. When cards/ is empty the notes are built first. Exit code 0 on
    success, 1 on bad input (unknown paper, too few items for the questions
    asked), 3 if a file cannot be written.
    """
    config = load(project)
    qc = config.quiz
    say = (lambda msg: None) if quiet else echo
    wanted_types = tuple(_split(types)) or tuple(qc.types)
    bad = [t for t in wanted_types if t not in QUESTION_TYPES]
    if bad:
        raise click.BadParameter(f"unknown type '{bad[0]}' (known: {', '.join(QUESTION_TYPES)})",
                                 param_hint="--types")
    try:
        fmts = check_formats(_split(formats) or list(FORMATS))
    except InputError as exc:
        raise click.BadParameter(exc.diagnostic.message, param_hint="--formats") from None
    if not formats:
        fmts = _available(fmts, say)
    pool = load_pool(config.cards_path, tuple(_split(papers)))
    if not pool.items:
        say(f"{config.cards_dir}/ is empty: building the notes first…")
        from ..build import build
        result = build(config)
        report(result.summary().diagnostics)
        pool = load_pool(config.cards_path, tuple(_split(papers)))
    if not pool.items:
        raise InputError(config.cards_dir, 0, "no items to make questions from (are all items suspended?)")
    if weak:
        weak = _focus_on_weak(config, pool, say)
    options = QuizOptions(questions=questions or qc.questions, types=wanted_types,
                          papers=tuple(_split(papers)), direction=direction or qc.direction,
                          seed=qc.seed if seed is None else seed, versions=versions,
                          title=title or f"{config.deck} — {'Weak spots 薄弱点' if weak else 'Quiz 测验'}",
                          fit=questions is None)   # the default size: as many fair questions as there are
    asked = [pool.papers[k].short or pool.papers[k].title for k in pool.selected]
    say(f"Pool: {plural(sum(1 for i in pool.items if pool.asks(i)), 'item')} from {plural(len(asked), 'paper')}"
        + (f" ({', '.join(asked)})" if _split(papers) else ""))
    quizzes = make_quiz(pool, options)
    if len(quizzes[0].questions) < options.questions:
        say(f"Only {plural(len(quizzes[0].questions), 'fair question')} can be made from these cards "
            f"(asked for {options.questions}); the quiz has them all")
    counts = Counter(q.type for q in quizzes[0].questions)
    letters = ", ".join(q.version for q in quizzes)
    say(f"Quiz:  {plural(len(quizzes[0].questions), 'question')} — "
        + ", ".join(f"{counts[t]} {t}" for t in options.types if counts[t])
        + f"; seed {options.seed}, {options.direction}; version{'s' * (len(quizzes) > 1)} {letters}")
    out_dir = out if out is not None else config.decks_path / "quizzes"
    paths = write_quiz(quizzes, out_dir, fmts, name=name, paper=_paper(paper_size or qc.paper))
    say(f"Wrote {plural(len(paths), 'file')}:")
    for p in paths:
        say(f"  {_shown(p, config.root)}")


def _focus_on_weak(config, pool, say) -> bool:
    """Ask only about the pool's weakest items (`learner.weak`); without a history, or
    with nothing weak in it, about every item, saying so. True when focused."""
    history = weak_spots.load(config.cards_path, config.cards_dir)
    where = f"{config.cards_dir}/{HISTORY_FILE}"
    found = weak_spots.weakest([i for i in pool.items if pool.asks(i)], history)
    if not history:
        echo(f"No review history in {where} yet (papercards pull saves it): the quiz asks about every item",
             err=True)
        return False
    if not found:
        echo(f"No weak spots in {where} (nothing forgotten or rated hard): the quiz asks about every item",
             err=True)
        return False
    pool.focus = frozenset(w.record.id for w in found)
    say(f"Weak spots: the {plural(len(found), 'item')} forgotten or rated hard most ({where})")
    return True


def _paper(size: str) -> str:
    return "Letter" if size.lower() == "letter" else "A4"


def _available(fmts: list[str], say) -> list[str]:
    """Default formats: leave out (and say so) one whose renderer cannot be loaded here."""
    out = []
    for fmt in fmts:
        try:
            load_renderer(fmt)
        except RendererMissing as exc:
            echo(f"warning: {exc.diagnostic.message}; skipped", err=True)
            continue
        out.append(fmt)
    return out


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(root).resolve()))
    except ValueError:
        return str(path)
