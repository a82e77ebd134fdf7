"""The three papercards note types (genanki Models).

These are a RELEASED SCHEMA. Anki matches an imported note type to the one in
the learner's collection by id *and* by its field and template names: adding,
removing, renaming or reordering a field or a template under the same id makes
Anki import a copy ("papercards Q&A+") and log every existing note as
conflicting -- their text never updates again. Changing the id adds another copy.
So: the ids, names, field lists and template names below must never change.
`tests/test_anki_schema.py` pins them.

Changing template HTML or CSS (the files in ``templates/``) is safe, but Anki
only takes the new version when the incoming note type is newer: bump
``NOTETYPE_MOD`` whenever a template or style.css changes (the schema test pins
a hash of the templates together with NOTETYPE_MOD to remind you).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import genanki

# --- constant ids: generated once at random; they must NEVER change ---------------
TERM_MODEL_ID = 2129189792
QA_MODEL_ID = 1081909573
CLOZE_MODEL_ID = 1525080601

# Modification time (epoch seconds) of the templates/CSS. Anki updates an existing
# note type's templates/CSS on import only if this is newer than what it has.
# Bump it (to the current time) whenever anything in templates/ changes.
NOTETYPE_MOD = 1796500800  # 2026-12-05T20:00:00Z: 中文 → term only for a term with an abbreviation

TERM_NAME = "papercards Term"
QA_NAME = "papercards Q&A"
CLOZE_NAME = "papercards Cloze"

TERM_FIELDS = ("Term", "English", "Chinese", "Note", "Papers", "Links", "Extra", "Source", "ItemId")
QA_FIELDS = ("Front", "Back", "Context", "Paper", "Links", "Extra", "Source", "ItemId", "Reverse")
CLOZE_FIELDS = ("Text", "Extra", "Context", "Paper", "Links", "Source", "ItemId")

TERM_TEMPLATES = ("Term → meaning", "中文 → term")
QA_TEMPLATES = ("Question → answer", "Reverse")
CLOZE_TEMPLATES = ("Cloze",)

TEMPLATE_FILES = (
    "term_front.html", "term_back.html", "term_reverse_front.html", "term_reverse_back.html",
    "qa_front.html", "qa_back.html", "qa_reverse_front.html", "qa_reverse_back.html",
    "cloze_front.html", "cloze_back.html", "style.css",
)


_INCLUDE = re.compile(r"<!-- include (\S+) (\w+) -->\n")
_SPEAK = "<!-- speak -->\n"

# Term cards read aloud on the back (config ``speak_terms``) by Anki's own text to
# speech: a template change, so notes, cards and reviews stay as they are. The
# English is what is worth hearing (the Term is mostly an acronym); the Term when
# there is no English. Anki stays silent where the device has no voice for the language.
_ENGLISH = "{{#English}}{{tts en_US:English}}{{/English}}{{^English}}{{tts en_US:Term}}{{/English}}"
SPEECH = {False: "", "english": _ENGLISH, "both": _ENGLISH + "{{#Chinese}}{{tts zh_CN:Chinese}}{{/Chinese}}"}


def template_text(name: str, speak: bool | str = False) -> str:
    """A template or the stylesheet, from the package data in ``templates/``.

    ``<!-- include _meta.html Paper -->`` inserts the shared block every back
    ends with (paper, links, source), naming the field that holds the paper.
    ``<!-- speak -->`` is where a term card's back speaks (`SPEECH`); silent, it
    leaves nothing behind, so a deck without speech is what it was before.
    """
    text = resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")
    speech = f'<div class="pc-speak">{SPEECH[speak]}</div>\n' if SPEECH[speak] else ""
    text = text.replace(_SPEAK, speech)
    return _INCLUDE.sub(lambda m: template_text(m.group(1)).replace("@PAPER@", m.group(2)), text)


def notetype_mod(speak: bool | str = False) -> int:
    """The note types' modification time in a deck. Anki takes a changed template
    only from a newer note type, so turning speech on (or from english to both)
    dates the note types a second or two later; turning it back off reaches a
    collection with the next template change (`NOTETYPE_MOD`)."""
    return NOTETYPE_MOD + list(SPEECH).index(speak)


def _fields(names: tuple[str, ...]) -> list[dict]:
    return [{"name": n} for n in names]


def _tmpl(name: str, front: str, back: str, speak: bool | str = False) -> dict:
    return {"name": name, "qfmt": template_text(front), "afmt": template_text(back, speak)}


@cache
def term_model(speak: bool | str = False) -> genanki.Model:
    return genanki.Model(
        TERM_MODEL_ID, TERM_NAME, fields=_fields(TERM_FIELDS),
        templates=[
            _tmpl(TERM_TEMPLATES[0], "term_front.html", "term_back.html", speak),
            # front is wrapped in {{#English}}{{#Chinese}}: a card only for a term with an
            # abbreviation (English beside it) and a Chinese name to recall it from
            _tmpl(TERM_TEMPLATES[1], "term_reverse_front.html", "term_reverse_back.html", speak),
        ],
        css=template_text("style.css"), model_type=genanki.Model.FRONT_BACK, sort_field_index=0,
    )


@cache
def qa_model() -> genanki.Model:
    return genanki.Model(
        QA_MODEL_ID, QA_NAME, fields=_fields(QA_FIELDS),
        templates=[
            _tmpl(QA_TEMPLATES[0], "qa_front.html", "qa_back.html"),
            # front is wrapped in {{#Reverse}}: only generated when Reverse is non-empty
            _tmpl(QA_TEMPLATES[1], "qa_reverse_front.html", "qa_reverse_back.html"),
        ],
        css=template_text("style.css"), model_type=genanki.Model.FRONT_BACK, sort_field_index=0,
    )


@cache
def cloze_model() -> genanki.Model:
    return genanki.Model(
        CLOZE_MODEL_ID, CLOZE_NAME, fields=_fields(CLOZE_FIELDS),
        templates=[_tmpl(CLOZE_TEMPLATES[0], "cloze_front.html", "cloze_back.html")],
        css=template_text("style.css"), model_type=genanki.Model.CLOZE, sort_field_index=0,
    )


def all_models() -> tuple[genanki.Model, genanki.Model, genanki.Model]:
    return term_model(), qa_model(), cloze_model()


def speaking(model: genanki.Model, speak: bool | str) -> genanki.Model:
    """The note type a deck ships for notes rendered with ``model``: the term
    note type with its speech (same id, fields and template names: the same
    note type to Anki), any other (or a silent one) as it is."""
    return term_model(speak) if speak and model.model_id == TERM_MODEL_ID else model
