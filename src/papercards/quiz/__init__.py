"""quiz: questions from the items in ``cards/``, and the files to print, open or import.

The small public API::

    pool = load_pool(config.cards_path, papers=("NS-DPO", "UNA"))
    quizzes = make_quiz(pool, QuizOptions(questions=30, seed=7, versions=2))
    paths = write_quiz(quizzes, config.decks_path / "quizzes", ["md", "json"])

Modules, one job each: `pool` (the study pool from the store), `normalize`
(when two options are the same), `checks` (giveaways and odd options),
`generators` (one module per question type), `compose` (pick, balance,
versions), `render` (one module per format), `write` (files).
"""

from .compose import make_quiz
from .model import DIRECTIONS, QUESTION_TYPES, Question, Quiz, QuizOptions
from .pool import Pool, load_pool
from .render import FORMATS
from .write import write_quiz

__all__ = ["load_pool", "make_quiz", "write_quiz", "Pool", "Quiz", "Question", "QuizOptions",
           "QUESTION_TYPES", "DIRECTIONS", "FORMATS"]
