"""Pins the released note type schema. DO NOT "fix" this test by editing the pins.

Anki matches an imported note type to the learner's by id AND schema (field names
and order, template names and order, cloze or not). If any of these change under
the same id, Anki imports a copy ("papercards Q&A+") and logs every existing note
as *conflicting*: the learner's notes never receive updates again, in this or any
later import. Changing an id makes a second note type and duplicates every note.
So once shipped, these values never change. A new field needs a NEW note type
(new id, new name) and a migration plan, not an edit here.

Template HTML and CSS may change (that is safe), but Anki only takes them when the
incoming note type is newer: whoever edits templates/ must bump NOTETYPE_MOD. The
last test pins a hash of the templates together with NOTETYPE_MOD to enforce that.
"""

import hashlib

import genanki

from papercards.anki import notetypes

TERM = {
    "id": 2129189792,
    "name": "papercards Term",
    "type": genanki.Model.FRONT_BACK,
    "fields": ["Term", "English", "Chinese", "Note", "Papers", "Links", "Extra", "Source", "ItemId"],
    "templates": ["Term → meaning", "中文 → term"],
    "sortf": 0,
}
QA = {
    "id": 1081909573,
    "name": "papercards Q&A",
    "type": genanki.Model.FRONT_BACK,
    "fields": ["Front", "Back", "Context", "Paper", "Links", "Extra", "Source", "ItemId", "Reverse"],
    "templates": ["Question → answer", "Reverse"],
    "sortf": 0,
}
CLOZE = {
    "id": 1525080601,
    "name": "papercards Cloze",
    "type": genanki.Model.CLOZE,
    "fields": ["Text", "Extra", "Context", "Paper", "Links", "Source", "ItemId"],
    "templates": ["Cloze"],
    "sortf": 0,
}

# (hash of templates/*, NOTETYPE_MOD). When you change a template or style.css:
# set NOTETYPE_MOD in notetypes.py to the current epoch seconds, then update both here.
TEMPLATES_PIN = ("0546b67570236d45740a196c42e11b0662034b65", 1796500800)


def _schema(model: genanki.Model) -> dict:
    return {
        "id": model.model_id,
        "name": model.name,
        "type": model.model_type,
        "fields": [f["name"] for f in model.fields],
        "templates": [t["name"] for t in model.templates],
        "sortf": model.sort_field_index,
    }


def test_term_schema_is_frozen():
    assert _schema(notetypes.term_model()) == TERM


def test_qa_schema_is_frozen():
    assert _schema(notetypes.qa_model()) == QA


def test_cloze_schema_is_frozen():
    assert _schema(notetypes.cloze_model()) == CLOZE


def test_names_are_not_stock_names():
    # "Basic"/"Cloze" would be imported as "Basic+"/"Cloze+"
    names = {m.name for m in notetypes.all_models()}
    assert not names & {"Basic", "Cloze", "Basic (and reversed card)", "Basic (optional reversed card)"}


def test_optional_cards_only_exist_when_their_field_does():
    term, qa, _ = notetypes.all_models()
    # 中文 → term: a name to recall from the Chinese (an abbreviation's expansion beside it)
    assert term._req[1][:2] == [1, "all"]
    assert sorted(term._req[1][2]) == sorted([TERM["fields"].index("English"), TERM["fields"].index("Chinese")])
    assert sorted(qa._req[1][2]) == sorted([QA["fields"].index("Back"), QA["fields"].index("Reverse")])
    assert qa._req[0] == [0, "all", [QA["fields"].index("Front")]]


def test_template_change_bumps_notetype_mod():
    h = hashlib.sha1()      # what Anki receives: every template as shipped, includes expanded
    for name in sorted(notetypes.TEMPLATE_FILES):
        h.update(name.encode() + b"\0" + notetypes.template_text(name).encode("utf-8") + b"\0")
    assert (h.hexdigest(), notetypes.NOTETYPE_MOD) == TEMPLATES_PIN, (
        "templates/ changed: bump NOTETYPE_MOD in notetypes.py (Anki ignores template/CSS "
        "updates whose note type is not newer) and update TEMPLATES_PIN here")


def test_every_released_note_type_is_pinned():
    """A note type added later must be pinned here too (and never change afterwards)."""
    pinned = {TERM["id"]: TERM, QA["id"]: QA, CLOZE["id"]: CLOZE}
    models = notetypes.all_models()
    assert sorted(m.model_id for m in models) == sorted(pinned)
    for model in models:
        assert _schema(model) == pinned[model.model_id]
    assert (notetypes.TERM_FIELDS, notetypes.QA_FIELDS, notetypes.CLOZE_FIELDS) == \
        (tuple(TERM["fields"]), tuple(QA["fields"]), tuple(CLOZE["fields"]))
    assert (notetypes.TERM_TEMPLATES, notetypes.QA_TEMPLATES, notetypes.CLOZE_TEMPLATES) == \
        (tuple(TERM["templates"]), tuple(QA["templates"]), tuple(CLOZE["templates"]))
