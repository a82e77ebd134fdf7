r"""papercards: bilingual paper notes → reviewable items → Anki decks and quizzes.

The pipeline, one package per arrow::

    source/*.md --notes--> Paper trees --items--> Item list --store--> cards/*.yaml
                                                                  \--anki--> decks/*.apkg
                                                                  \--quiz--> decks/quizzes/*
"""

__version__ = "0.1.0"
