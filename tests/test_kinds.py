"""Every card kind is declared once (papercards/kinds.py) with every part it needs:
fields, identity, config default, Anki note type and renderer, quiz use."""

from __future__ import annotations

import pytest

from papercards.anki import fields
from papercards.config import CARD_KINDS, DEFAULT_CONFIG_TEXT, Config
from papercards.kinds import KINDS_DECLARED
from papercards.quiz.model import QUESTION_TYPES
from papercards.store import identity
from papercards.items.model import Item


@pytest.mark.parametrize("kind", KINDS_DECLARED, ids=lambda k: k.name)
def test_a_kind_declares_every_part(kind):
    assert kind.fields and len(set(kind.fields)) == len(kind.fields)
    # identity: an edited item is matched back to its id by these fields (forgetting them
    # used to orphan review history silently)
    assert kind.identity and set(kind.identity) <= set(kind.fields)
    assert set(kind.named_by) <= set(kind.fields)
    item = Item(id=f"p/{kind.name}/x", kind=kind.name, paper="p",
                fields={f: f"some text of {f}" for f in kind.fields})
    assert identity.identity_text(item).strip()
    # Anki: a note type that fills its fields, and for Q&A a face in anki/fields.py
    assert kind.note_type in fields.NOTE_TYPE_FIELDS
    assert kind.note_type in ("term", "qa", "cloze")
    assert (kind.name in fields.QA_FACES) == (kind.note_type == "qa")
    # quizzes: question types that exist (or none, said explicitly)
    assert set(kind.quiz) <= set(QUESTION_TYPES)
    # config: a switch with its default, in the config and in `papercards init`'s template
    assert kind.name in CARD_KINDS and Config().cards[kind.name] is kind.default
    assert f"  {kind.name}: {str(kind.default).lower()}" in DEFAULT_CONFIG_TEXT
    assert kind.about


def test_only_the_note_types_term_and_cloze_have_one_kind_each():
    assert [k.name for k in KINDS_DECLARED if k.note_type == "term"] == ["term"]
    assert [k.name for k in KINDS_DECLARED if k.note_type == "cloze"] == ["cloze"]


def _compared_strings(tree):
    """String constants that a comparison in ``tree`` reads (``kind == "term"``, ``in ("a", "b")``)."""
    import ast
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for part in [node.left, *node.comparators]:
                for const in ast.walk(part):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        yield const.value


def test_anki_asks_the_registry_not_kind_names():
    """Anki's rendering decides by what kinds.py declares (note type, glossary, answer is the
    paper): a new kind needs no edit in a list of names there."""
    import ast
    from pathlib import Path

    import papercards.anki
    names = {k.name for k in KINDS_DECLARED}
    for path in sorted(Path(papercards.anki.__file__).parent.glob("*.py")):
        named = names & set(_compared_strings(ast.parse(path.read_text(encoding="utf-8"))))
        assert not named, f"{path.name} compares kind names {sorted(named)}: declare it in kinds.py"
