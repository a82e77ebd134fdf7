"""Packages imported into the REAL Anki engine (anki wheel, same Rust backend as desktop)."""

import copy

import genanki
import pytest
from anki_engine import (
    DECK, T0, assert_card_clean, import_apkg, open_collection, render_all, sample_papers, sample_records,
    strip_html, study_all_due,
)

from papercards.anki import notetypes, write_package
from papercards.anki import package as package_mod
from papercards.anki.notetypes import CLOZE_FIELDS, QA_FIELDS, TERM_FIELDS
from papercards.text import render_inline

PAPERS = sample_papers()


def build(path, records=None):
    return write_package(sample_records() if records is None else records, PAPERS, DECK, path)


@pytest.fixture
def col(tmp_path):
    c = open_collection(tmp_path)
    yield c
    c.close()


@pytest.fixture
def imported(tmp_path, col):
    path = tmp_path / "v1.apkg"
    stats = build(path)
    log = import_apkg(col, path)
    return col, stats, log


def notes_by_item(col):
    out = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        out[note["ItemId"]] = note
    return out


def card_text(col, item_id, ord_=0):
    note = notes_by_item(col)[item_id]
    card = [c for c in note.cards() if c.ord == ord_][0]
    return strip_html(card.question()), strip_html(card.answer())


def test_every_card_renders_clean(imported):
    col, stats, log = imported
    assert len(log.new) == stats.notes == 11
    cards = render_all(col)
    assert len(cards) == stats.total_cards == 14      # the retired note ships without cards
    for cid, question, answer in cards:
        card = col.get_card(cid)
        is_cloze = card.note_type()["type"] == 1
        assert_card_clean(question, answer, is_cloze=is_cloze)
        # every back names its paper(s): its title and links, or (a term several papers
        # share) how many papers and their short names
        assert ("paper-en" in answer and "openreview.net/" in answer) or 'class="papers"' in answer, answer
        assert "./papers/" not in answer                  # no link that cannot open in Anki


def test_note_types_after_import(imported):
    col = imported[0]
    for name, fields, templates in (
        ("papercards Term", TERM_FIELDS, notetypes.TERM_TEMPLATES),
        ("papercards Q&A", QA_FIELDS, notetypes.QA_TEMPLATES),
        ("papercards Cloze", CLOZE_FIELDS, notetypes.CLOZE_TEMPLATES),
    ):
        model = col.models.by_name(name)
        assert model is not None, name
        assert [f["name"] for f in model["flds"]] == list(fields)
        assert [t["name"] for t in model["tmpls"]] == list(templates)
    assert not [m for m in col.models.all_names_and_ids() if m.name.endswith("+")]


def test_guids_are_item_ids(imported):
    col = imported[0]
    notes = notes_by_item(col)
    expected = {r.item.id for r in sample_records()} - {"PabAln0jjB/claim/empty", "PabAln0jjB/cloze/noblank"}
    assert set(notes) == expected
    for item_id, note in notes.items():
        assert note.guid == genanki.guid_for(item_id)


def test_tags_and_decks(imported):
    col = imported[0]
    assert {"稳健_优化", "3D属性", "偏好漂移", "papercards::paper::NS-DPO", "papercards::kind::term",
            "papercards::retired", "papercards::suspended"} <= set(col.tags.all())
    notes = notes_by_item(col)
    assert "稳健_优化" in notes["term/DRO"].tags
    assert "papercards::retired" in notes["9Hxdixed7p/claim/9f00aa01"].tags
    assert "papercards::retired" not in notes["9Hxdixed7p/claim/5b1c0e2a"].tags

    def decks_of(item_id):
        return {col.decks.name(c.did) for c in notes[item_id].cards()}

    assert decks_of("term/DRO") == {f"{DECK}::Glossary 术语"}
    assert decks_of("PabAln0jjB/method/NS-DPO") == {f"{DECK}::NS-DPO"}
    assert decks_of("9Hxdixed7p/cloze/0d9e4f11") == {f"{DECK}::3D-Properties"}
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert {DECK, f"{DECK}::Glossary 术语", f"{DECK}::NS-DPO", f"{DECK}::3D-Properties"} <= names


def test_cards_per_note(imported):
    col = imported[0]
    counts = {item_id: len(note.cards()) for item_id, note in notes_by_item(col).items()}
    assert counts["term/DRO"] == 2                       # both ways
    assert counts["term/LLM"] == 1                       # no Chinese → no 中文 → term card
    assert counts["9Hxdixed7p/paper/title"] == 2         # Reverse
    assert counts["9Hxdixed7p/sentence/3c6e8d90"] == 1     # one direction only
    assert counts["9Hxdixed7p/claim/5b1c0e2a"] == 1      # no Reverse
    assert counts["9Hxdixed7p/cloze/0d9e4f11"] == 2      # c1, c2


def test_a_plain_term_is_asked_one_way(tmp_path, col):
    """中文 → term asks a name back only when there is one to recall (an abbreviation):
    recalling "preference model" from 偏好模型 is a translation drill, and reviewers
    deleted it as a duplicate of the card the other way."""
    from papercards.items.model import Item
    from papercards.store.model import Record
    plain = Record(item=Item(id="term/preference-model", kind="term", papers=["9Hxdixed7p"],
                             fields={"term": "preference model", "english": "", "chinese": "偏好模型",
                                     "note": "输入prompt和两个回答，输出一个比另一个好的概率"},
                             source="source/iclr2025-dpo.md:30"), modified=T0 + 30)
    path = tmp_path / "plain.apkg"
    build(path, sample_records() + [plain])
    import_apkg(col, path)
    counts = {item_id: len(note.cards()) for item_id, note in notes_by_item(col).items()}
    assert counts["term/preference-model"] == 1
    assert counts["term/DRO"] == 2
    q, a = card_text(col, "term/preference-model", 0)
    assert "preference model" in q and "偏好模型" in a and "输出一个比另一个好的概率" in a


def test_rendered_examples(imported):
    col = imported[0]
    q, a = card_text(col, "term/DRO", 0)
    assert "DRO" in q and "Distributionally Robust Optimization · 分布稳健优化" in a
    assert "2 papers 篇论文: 3D-Properties、NS-DPO" in a            # both papers, briefly
    q, a = card_text(col, "term/DRO", 1)
    assert "分布稳健优化" in q and "DRO, Distributionally Robust Optimization" in a and "DRO" not in q
    q, a = card_text(col, "9Hxdixed7p/cloze/0d9e4f11", 0)
    assert "[...]" in q and "参考策略" in q and "\\pi_{\\text{ref} }" in a
    q, a = card_text(col, "9Hxdixed7p/cloze/0d9e4f11", 1)
    assert "[...]" in q and "参考策略" not in q and "参考策略" in a
    q, a = card_text(col, "9Hxdixed7p/definition/3D-properties")
    assert "3D-properties 是什么？" in q and "Drastic drop" in a
    q, a = card_text(col, "9Hxdixed7p/paper/title", 1)
    assert q.startswith("3D 属性") and "Charting a Path Forward" in a


def test_suspended_record(tmp_path, col):
    path = tmp_path / "v1.apkg"
    build(path)
    # Anki resets imported cards to "new" unless the learner imports scheduling, so
    # suspension only survives with that option; the tag is always there.
    import_apkg(col, path, with_scheduling=True)
    notes = notes_by_item(col)
    assert {c.queue for c in notes["PabAln0jjB/cloze/77aa0b3c"].cards()} == {-1}
    assert {c.queue for c in notes["9Hxdixed7p/cloze/0d9e4f11"].cards()} == {0}
    assert "papercards::suspended" in notes["PabAln0jjB/cloze/77aa0b3c"].tags


def test_suspended_record_default_import_is_tagged(imported):
    col = imported[0]
    assert col.find_notes("tag:papercards::suspended") == [
        notes_by_item(col)["PabAln0jjB/cloze/77aa0b3c"].id]


def test_reimport_same_package_updates_nothing(tmp_path, imported):
    col = imported[0]
    path = tmp_path / "v1b.apkg"
    build(path)                                      # a fresh, identical build
    log = import_apkg(col, path)
    assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 0, 0)
    assert len(log.duplicate) == 11


def test_changed_record_updates_exactly_that_note(tmp_path, imported):
    col = imported[0]
    records = sample_records()
    claim = next(r for r in records if r.item.id == "9Hxdixed7p/claim/5b1c0e2a")
    claim.item.fields["answer"] = "梯度之间的**相互作用**导致不稳定（已修订）"
    claim.modified += 1000
    path = tmp_path / "v2.apkg"
    build(path, records)
    log = import_apkg(col, path)
    assert (len(log.new), len(log.conflicting)) == (0, 0)
    assert [n.id.nid for n in log.updated] == [notes_by_item(col)[claim.item.id].id]
    note = notes_by_item(col)[claim.item.id]
    assert note["Back"] == render_inline("梯度之间的**相互作用**导致不稳定（已修订）")
    assert note.mod == claim.modified


def test_edit_in_anki_survives_rebuild_of_unchanged_record(tmp_path, imported):
    col = imported[0]
    note = notes_by_item(col)["term/LLM"]
    note["Extra"] = "my own remark"
    col.update_note(note)
    path = tmp_path / "again.apkg"
    build(path)
    log = import_apkg(col, path)
    assert len(log.updated) == 0
    assert notes_by_item(col)["term/LLM"]["Extra"] == "my own remark"


def test_new_record_does_not_disturb_existing_notes(tmp_path, imported):
    col = imported[0]
    from papercards.items.model import Item
    from papercards.store.model import Record
    new = Record(Item("term/MAB", "term", {"term": "MAB", "english": "multi-armed bandit",
                                           "chinese": "多臂老虎机", "note": ""},
                      papers=["9Hxdixed7p"]), modified=T0 + 500)
    path = tmp_path / "v2.apkg"
    build(path, [new, *sample_records()])          # shifts every note/card id in the package
    log = import_apkg(col, path)
    assert (len(log.new), len(log.updated), len(log.conflicting), len(log.duplicate)) == (1, 0, 0, 11)
    assert len(col.find_notes("")) == 12 and len(col.find_cards("")) == 16


def test_review_history_kept_after_reimport(tmp_path, imported):
    col = imported[0]
    answered = study_all_due(col)
    assert answered >= 14
    revlog_before = col.db.scalar("select count() from revlog")
    sched_before = {cid: (c.ivl, c.due, c.queue, c.type, c.reps)
                    for cid in col.find_cards("") for c in [col.get_card(cid)]}
    # every card was answered at least once (its interval depends on the time of day:
    # learning steps vs Anki's 4 a.m. day boundary, so reps is what we check)
    assert revlog_before == answered and all(v[4] >= 1 for v in sched_before.values() if v[2] != -1)

    records = sample_records()
    for r in records:
        if r.item.id == "term/DRO":
            r.item.fields["note"] = "新增备注 **bold**"
            r.modified += 1000
    path = tmp_path / "v2.apkg"
    build(path, records)
    log = import_apkg(col, path)
    assert len(log.updated) == 1 and len(log.new) == 0
    assert notes_by_item(col)["term/DRO"]["Note"] == render_inline("新增备注 **bold**")
    assert col.db.scalar("select count() from revlog") == revlog_before
    sched_after = {cid: (c.ivl, c.due, c.queue, c.type, c.reps)
                   for cid in col.find_cards("") for c in [col.get_card(cid)]}
    assert sched_after == sched_before


def test_template_update_needs_newer_notetype_mod(tmp_path, imported, monkeypatch):
    """Why NOTETYPE_MOD must be bumped with every template/CSS change."""
    col = imported[0]
    models = [copy.deepcopy(m) for m in notetypes.all_models()]
    for m in models:
        m.css += "\n/* v2 */"
    monkeypatch.setattr(package_mod, "render_notes", _render_with_models(models))
    same = tmp_path / "same.apkg"
    build(same)
    import_apkg(col, same)
    assert "/* v2 */" not in col.models.by_name("papercards Q&A")["css"]      # ignored: not newer
    monkeypatch.setattr(notetypes, "NOTETYPE_MOD", notetypes.NOTETYPE_MOD + 60)
    newer = tmp_path / "newer.apkg"
    build(newer)
    log = import_apkg(col, newer)
    assert len(log.conflicting) == 0
    assert all("/* v2 */" in col.models.by_name(m.name)["css"] for m in models)


def test_a_plain_terms_reverse_card_from_before_is_an_empty_card(tmp_path, col, monkeypatch):
    """A collection imported before 中文 → term asked only abbreviations keeps the old reverse
    card of a plain term (Anki never deletes a card on import): its front is blank now, and
    Tools › Empty Cards lists it, as README says. The term's own card and history stay."""
    from papercards.items.model import Item
    from papercards.store.model import Record

    def records():              # fresh each build: a record keeps its rendered note (anki.memo)
        plain = Record(item=Item(id="term/preference-model", kind="term", papers=["9Hxdixed7p"],
                                 fields={"term": "preference model", "english": "", "chinese": "偏好模型",
                                         "note": "输入prompt和两个回答，输出一个比另一个好的概率"},
                                 source="source/iclr2025-dpo.md:30"), modified=T0 + 30)
        return sample_records() + [plain]

    models = [copy.deepcopy(m) for m in notetypes.all_models()]
    models[0].templates[1]["qfmt"] = "{{#Chinese}}\n<div class=\"pc-kind\">中文 → term</div>{{Chinese}}\n{{/Chinese}}\n"
    models[0].__dict__.pop("_req", None)          # genanki caches which fields a card needs
    monkeypatch.setattr(package_mod, "render_notes", _render_with_models(models))
    monkeypatch.setattr(notetypes, "NOTETYPE_MOD", notetypes.NOTETYPE_MOD - 60)
    before = tmp_path / "before.apkg"
    build(before, records())
    import_apkg(col, before)
    assert len(notes_by_item(col)["term/preference-model"].cards()) == 2
    monkeypatch.undo()
    after = tmp_path / "after.apkg"
    build(after, records())
    import_apkg(col, after)
    cards = notes_by_item(col)["term/preference-model"].cards()
    assert len(cards) == 2                                   # nothing deleted, history kept
    reverse = next(c for c in cards if c.ord == 1)
    assert "front of this card is blank" in strip_html(reverse.question())
    assert "中文 → term" in col.get_empty_cards().report
    assert "Term · 术语" in strip_html(next(c for c in cards if c.ord == 0).question())


def test_schema_change_would_orphan_notes(tmp_path, imported, monkeypatch):
    """Why the field lists are frozen (see test_anki_schema.py)."""
    col = imported[0]
    models = [copy.deepcopy(m) for m in notetypes.all_models()]
    models[1].fields = models[1].fields[:-1] + [{"name": "Reversed"}]      # rename one Q&A field
    monkeypatch.setattr(package_mod, "render_notes", _render_with_models(models))
    path = tmp_path / "renamed.apkg"
    build(path)
    log = import_apkg(col, path)
    assert len(log.conflicting) > 0
    assert col.models.by_name("papercards Q&A+") is not None


def _render_with_models(models):
    real = package_mod.render_notes
    by_id = {m.model_id: m for m in models}

    def render(records, papers, deck_name, *images):
        notes, skipped = real(records, papers, deck_name, *images)
        for n in notes:
            model = by_id[n.model.model_id]
            n.fields = dict(zip([f["name"] for f in model.fields], n.field_list))
            n.model = model
        return notes, skipped
    return render


def test_text_change_without_newer_modified_is_not_imported(tmp_path, imported):
    """`record.modified` is the only signal Anki uses: the store must bump it."""
    col = imported[0]
    records = sample_records()
    records[0].item.fields["english"] = "changed but not re-stamped"
    path = tmp_path / "stale.apkg"
    build(path, records)
    log = import_apkg(col, path)
    assert len(log.updated) == 0
    assert notes_by_item(col)["term/DRO"]["English"] == "Distributionally Robust Optimization"


@pytest.mark.parametrize("question, answer, is_cloze", [
    ("", "back", False),
    ("<div>  </div>", "back", False),
    ("front", "{{Back}}", False),
    ("{{c1::x}}", "x", True),
    ("**bold**", "b", False),
    ("front", "## heading", False),
    ("front", "<div>* item</div>", False),
    ("math $x$ here", "a", False),
    ('<div class="pc-cloze">no blank</div>', "a", None),
])
def test_assert_card_clean_catches_defects(question, answer, is_cloze):
    with pytest.raises(AssertionError):
        assert_card_clean(question, answer, is_cloze=is_cloze)


def test_assert_card_clean_accepts_math_braces():
    assert_card_clean(r"<div>\(x^{y^{2}}\)</div>", r"\[\frac{a}{b}\]")
    assert_card_clean('<div class="pc-cloze"><span class="cloze">[...]</span></div>', "a")
