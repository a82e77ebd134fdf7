"""The rubric's invariants (CARDS.md) on notes the card rules were not written from
(tests/data/notes/unseen): the same author's later files and four other students' notes,
each built and imported into the real Anki engine, read back as the learner sees it."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from anki_engine import import_apkg, open_collection, strip_html

from papercards.build import build
from papercards.config import load_config
from papercards.text import cloze_answers

ROOT = Path(__file__).resolve().parent.parent
UNSEEN = Path(__file__).parent / "data" / "notes" / "unseen"
DECKS = {"same-author-3": UNSEEN / "same-author-3.md", "same-author-4": UNSEEN / "same-author-4.md",
         "students": UNSEEN / "students"}


@pytest.fixture(scope="module", params=sorted(DECKS))
def deck(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    root = tmp / "proj"
    notes = DECKS[request.param]
    if notes.is_dir():
        shutil.copytree(notes, root / "source")
    else:
        (root / "source").mkdir(parents=True)
        shutil.copy(notes, root / "source" / notes.name)
    shutil.copy(ROOT / "papercards.yaml", root / "papercards.yaml")
    result = build(load_config(root), now=1_800_000_000)
    col = open_collection(tmp)
    import_apkg(col, result.deck_path)
    anki_notes = [col.get_note(nid) for nid in col.find_notes("")]
    cards = [(strip_html(c.question()), strip_html(c.answer()), c.answer()) for c in
             (col.get_card(i) for i in col.find_cards(""))]
    yield request.param, result, anki_notes, cards
    col.close()


def test_every_paper_is_carded(deck):
    """No paper of the notes is lost: each has cards of its own (a student's one-paper file
    with plain section words once made papers named 'Setup' and nothing of its own)."""
    _, result, _, _ = deck
    per_paper = Counter(i.paper for i in result.extraction.items if i.paper)
    assert set(per_paper) == set(result.extraction.papers), (set(result.extraction.papers) - set(per_paper))
    assert all(n >= 3 for n in per_paper.values()), per_paper
    titles = {p.title for p in result.extraction.papers.values()}
    assert not titles & {"Setup", "Findings", "Key idea", "Glossary", "Method", "Results"}


def test_the_fields_basic_acronyms_are_neither_a_term_card_nor_a_blank(deck):
    """DPO, RLHF and PPO are known terms by default, like LLM: no glossary card, and no
    blank on them ("做[DPO]", "奖励模型是[RLHF]成功的关键")."""
    _, result, _, _ = deck
    basics = {"DPO", "RLHF", "PPO"}
    items = result.extraction.items
    assert not {f"term/{b}" for b in basics} & {i.id for i in items}
    blanks = {a.strip("*") for i in items if i.kind == "cloze"
              for answers in cloze_answers(i.fields["text"]).values() for a in answers}
    assert not blanks & basics, blanks & basics
    # textbook machine learning too: EM (Expectation-Maximization 期望最大化) in same-author-4
    assert "term/EM" not in {i.id for i in items}


def test_no_two_notes_share_a_first_field(deck):
    _, _, notes, _ = deck
    firsts = Counter((n.note_type()["name"], strip_html(n.fields[0])) for n in notes)
    assert [k for k, n in firsts.items() if n > 1] == []


def test_no_card_shows_markup_or_a_broken_bracket(deck):
    """No raw '**', no front that is only its blank, no line left on an open bracket."""
    _, _, _, cards = deck
    for front, back, _ in cards:
        for side in (front, back):
            assert "**" not in side, side
            assert not re.search(r"[（(]\s*$", side, re.M), side
        assert front.strip() != "[...]", back


def test_links_open_and_say_what_they_open(deck):
    _, _, _, cards = deck
    for _, _, answer_html in cards:
        for href, text in re.findall(r'<a href="([^"]*)">([^<]*)</a>', answer_html):
            assert href.startswith(("https://", "http://")), href
            assert not text.startswith(("http://", "https://")), text


def test_no_note_to_self_and_no_pointer_to_other_notes_on_a_card(deck):
    _, _, _, cards = deck
    for front, back, _ in cards:
        for side in (front, back):
            assert not re.search(r"第\s*\d+\s*篇|正文表格还没看|我的理解|数字是.*摘要里", side), side


def test_a_clean_glossary(deck):
    _, result, _, _ = deck
    terms = [i for i in result.extraction.items if i.kind == "term"]
    assert len({t.fields["term"] for t in terms}) == len(terms)
    for t in terms:
        for side in (t.fields["term"], t.fields["english"], *t.fields["chinese"].split(" / ")):
            assert side == "" or re.search(r"[A-Za-z0-9\u3400-\u9fff]", side), t.fields
            assert "/" not in side.strip(" /")[:1], t.fields
