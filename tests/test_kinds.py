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
    # what other modules read through the registry names fields the kind carries
    for read in (kind.blanks, kind.question, kind.answer, kind.defines, kind.proposes):
        assert not read or read in kind.fields
    assert not kind.question or kind.answer         # a question written in the notes has its answer


def test_the_quiz_reads_only_kinds_it_may_ask():
    """The quiz's readers per kind (like Anki's face per kind) agree with kinds.py's ``quiz``."""
    from papercards.kinds import KIND
    from papercards.quiz.generators import cloze, mcq
    assert all("cloze" in KIND[name].quiz for name in cloze.SENTENCES)
    assert all("mcq" in KIND[name].quiz for name in mcq.QUOTES)


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


# Modules that may name kinds: the registry, and the extractor rules that make items of a kind.
# notes/ and text/ read Markdown before any item exists: their blocks, spans and links have
# kinds of their own ("paragraph", "bold", "arxiv"), which are not card kinds.
_MAY_NAME_KINDS = ("kinds.py", "items/extractors/")
_BEFORE_ITEMS = ("notes/", "text/")


def _reads_a_kind(node) -> bool:
    """``item.kind``, ``rec.kind``, ``kind``, ``item_kind``: an expression that is a kind."""
    import ast
    return (isinstance(node, ast.Attribute) and node.attr == "kind") or \
        (isinstance(node, ast.Name) and node.id.endswith("kind"))


def _kind_comparisons(tree, names: set[str]):
    """(line, kind names) of each comparison of a kind with a literal naming card kinds:
    ``item.kind == "term"``, ``kind in ("claim", "cloze")``, ``"term" != rec.kind``."""
    import ast
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            parts = [node.left, *node.comparators]
            if any(_reads_a_kind(p) for p in parts):
                named = names & {c.value for p in parts for c in ast.walk(p)
                                 if isinstance(c, ast.Constant) and isinstance(c.value, str)}
                if named:
                    yield node.lineno, sorted(named)


def test_only_the_registry_and_extractors_compare_an_items_kind_with_a_name():
    """A kind is decided by what kinds.py declares (glossary, blanks, question, paper title, …):
    adding a kind is an entry there, its extractor and its Anki face, not an edit of every
    `if item.kind == "…"` in the store, the checks and the quiz."""
    import ast
    from pathlib import Path

    import papercards
    root = Path(papercards.__file__).parent
    names = {k.name for k in KINDS_DECLARED}
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(_MAY_NAME_KINDS + _BEFORE_ITEMS):
            continue
        for line, named in _kind_comparisons(ast.parse(path.read_text(encoding="utf-8")), names):
            found.append(f"{rel}:{line}: compares a kind with {named}")
    assert not found, "declare what the code asks in kinds.py and read it there:\n" + "\n".join(found)


def test_the_scan_sees_kind_comparisons_and_not_block_kinds():
    import ast
    names = {k.name for k in KINDS_DECLARED}
    code = """
if item.kind == "term": pass
if rec.kind in ("claim", "cloze"): pass
x = [i for i in items if "summary" != i.kind]
if block.kind == "paragraph": pass
if k in ("term", "english", "chinese"): pass
"""
    assert [named for _, named in _kind_comparisons(ast.parse(code), names)] == \
        [["term"], ["claim", "cloze"], ["summary"]]
