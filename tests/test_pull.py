"""`papercards pull` from a collection file, with the real Anki engine.

The learner's collection is made the way a learner makes it: the deck imported,
then fields edited, notes suspended and tagged and cards reviewed (with
lapses) through Anki's own API. Pull must bring every edit, suspension and
tag into cards/, save the reviews beside the store, never write the
collection, and the next build must ship a deck whose import leaves the
learner's notes and history exactly as they were.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from anki_engine import import_apkg, open_collection  # isort: skip  (imports anki.collection first)
from anki.scheduler.v3 import CardAnswer  # isort: skip
from click.testing import CliRunner
from conftest import shipped_project

from papercards.anki.blocks import render_block
from papercards.anki.unrender import markdown_of
from papercards.cli import main
from papercards.kinds import KINDS_DECLARED
from papercards.store import Store
from papercards.store.history import AGAIN, load_history

DECK_FILE = "decks/iclr-2025-dpo.apkg"
BUILT = "1790000000"            # the first build: before any learner's edit (real time)
CLAIM = "9Hxdixed7p/claim/3865749f"
TERM = "term/MAB"
CLOZE = "9Hxdixed7p/cloze/fd2dd427"
SUSPEND = "term/KTO"
TAGGED = "term/DRO"
CLAIM_EDIT = "选择和拒绝响应的梯度之间的<b>相互作用</b>会导致训练不稳定"
TERM_EDIT = "多臂老虎机（探索与利用）"


def run(root: Path, *args: str, epoch: str | None = None):
    env = {"SOURCE_DATE_EPOCH": epoch} if epoch else {}
    return CliRunner(env=env).invoke(main, [args[0], "-C", str(root), *args[1:]], catch_exceptions=False)


def built_project(tmp_path: Path) -> Path:
    """The shipped project, built once before any learner's edit."""
    root = shipped_project(tmp_path / "proj")
    result = run(root, "build", epoch=BUILT)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def root(tmp_path):
    return built_project(tmp_path)


def note_of(col, item_id: str):
    nids = col.find_notes(f'"ItemId:{item_id}"')
    assert len(nids) == 1, item_id
    return col.get_note(nids[0])


def lapse(col, cid: int) -> None:
    """Make the card a review card due today, then forget it (Again): one lapse."""
    col.sched.set_due_date([cid], "0")
    card = col.get_card(cid)
    card.start_timer()
    states = col._backend.get_scheduling_states(cid)
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=CardAnswer.AGAIN))


def learner_collection(root: Path, path: Path) -> dict[str, int]:
    """The deck imported, edited, suspended, tagged and reviewed; returns {item id: card id}
    of the reviewed cards."""
    col = open_collection(path.parent, path.name)
    try:
        log = import_apkg(col, root / DECK_FILE)
        assert log.new and not log.conflicting
        claim = note_of(col, CLAIM)
        claim["Back"] = CLAIM_EDIT
        col.update_note(claim)
        term = note_of(col, TERM)
        term["Chinese"] = TERM_EDIT
        col.update_note(term)
        cloze = note_of(col, CLOZE)
        cloze["Text"] = cloze["Text"].replace("straightforward", "simple", 1)
        col.update_note(cloze)
        col.sched.suspend_cards(note_of(col, SUSPEND).card_ids())
        tagged = note_of(col, TAGGED)
        tagged.tags += ["exam", "我的重点"]
        col.update_note(tagged)
        reviewed = {CLAIM: claim.card_ids()[0], TAGGED: tagged.card_ids()[0]}
        for cid in reviewed.values():
            lapse(col, cid)
        return reviewed
    finally:
        col.close()


def snapshot(path: Path) -> dict:
    """Everything of papercards' notes a learner owns: fields, tags, cards' state, reviews."""
    col = open_collection(path.parent, path.name)
    try:
        notes = {}
        for nid in col.find_notes('"ItemId:_*"'):
            note = col.get_note(nid)
            cards = [(c.ord, c.queue, c.type, c.ivl, c.factor, c.lapses, c.reps)
                     for c in (col.get_card(cid) for cid in note.card_ids())]
            notes[note["ItemId"]] = (dict(note.items()), sorted(note.tags), note.mod, sorted(cards))
        revlog = col.db.all("select id, cid, ease, ivl, factor, type from revlog order by id")
        return {"notes": notes, "revlog": revlog}
    finally:
        col.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def records(root: Path) -> dict:
    return {r.id: r for r in Store.load(root / "cards").records}


def test_pull_brings_edits_suspensions_tags_and_history_and_a_rebuild_keeps_them(root, tmp_path):
    learner = tmp_path / "learner" / "collection.anki2"
    learner.parent.mkdir()
    reviewed = learner_collection(root, learner)
    before = snapshot(learner)
    collection_bytes = digest(learner)

    result = run(root, "pull", str(learner))
    assert result.exit_code == 0, result.output
    assert digest(learner) == collection_bytes                  # never written
    assert "3 edited in Anki" in result.output and f"  {CLAIM} (answer)" in result.output
    assert f"1 suspended in Anki, now suspended: true:\n  {SUSPEND}" in result.output
    assert f"1 with your own tags in Anki, now under tags_anki:\n  {TAGGED}: exam 我的重点" in result.output

    recs = records(root)
    assert recs[CLAIM].item.fields["answer"] == "选择和拒绝响应的梯度之间的**相互作用**会导致训练不稳定"
    assert recs[TERM].item.fields["chinese"] == TERM_EDIT
    assert "{{c1::simple" in recs[CLOZE].item.fields["text"]
    assert recs[SUSPEND].suspended is True
    assert recs[TAGGED].tags_anki == ["exam", "我的重点"]
    history = load_history(root / "cards")
    for item_id in reviewed:
        assert history[item_id].lapses == 1 and history[item_id].reviews >= 1
        assert history[item_id].log[-1].rating == AGAIN and history[item_id].last_review
    assert history[SUSPEND].reviews == 0

    # the next build keeps all of it, and its deck leaves the learner's collection as it was
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert "3 hand-edited kept" in result.output and "conflict" not in result.output.replace("0 conflicts", "")
    after_build = records(root)
    for item_id in (CLAIM, TERM, CLOZE, SUSPEND, TAGGED):
        assert after_build[item_id].item.fields == recs[item_id].item.fields
        assert (after_build[item_id].suspended, after_build[item_id].tags_anki) == \
               (recs[item_id].suspended, recs[item_id].tags_anki)
    col = open_collection(learner.parent, learner.name)
    try:
        log = import_apkg(col, root / DECK_FILE)
        assert not log.conflicting and not log.new
    finally:
        col.close()
    assert snapshot(learner) == before                          # field by field, tags, cards, reviews

    # a learner starting from the rebuilt deck gets the edits and the tags
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    col = open_collection(fresh)
    try:
        import_apkg(col, root / DECK_FILE)
        assert note_of(col, CLAIM)["Back"] == CLAIM_EDIT
        assert {"exam", "我的重点"} <= set(note_of(col, TAGGED).tags)
    finally:
        col.close()

    # pulling again changes nothing
    result = run(root, "pull", str(learner))
    assert result.exit_code == 0 and "edited in Anki" not in result.output and "Wrote 0 files" in result.output


@pytest.mark.parametrize("kind", ["apkg", "colpkg"])
def test_pull_from_an_export_with_scheduling(root, tmp_path, kind):
    learner = tmp_path / "learner" / "collection.anki2"
    learner.parent.mkdir()
    reviewed = learner_collection(root, learner)
    exported = tmp_path / f"export.{kind}"
    col = open_collection(learner.parent, learner.name)
    try:
        if kind == "apkg":
            from anki.collection import ExportAnkiPackageOptions
            col.export_anki_package(out_path=str(exported), limit=None, options=ExportAnkiPackageOptions(
                with_scheduling=True, with_deck_configs=True, with_media=False, legacy=False))
        else:
            col.export_collection_package(str(exported), include_media=False, legacy=False)
    finally:
        col.close()
    result = run(root, "pull", str(exported))
    assert result.exit_code == 0, result.output
    recs = records(root)
    assert recs[TERM].item.fields["chinese"] == TERM_EDIT and recs[SUSPEND].suspended
    assert recs[TAGGED].tags_anki == ["exam", "我的重点"]
    assert all(load_history(root / "cards")[i].lapses == 1 for i in reviewed)


def test_edited_in_anki_and_in_the_notes_anki_wins_and_the_conflict_is_reported_once(root, tmp_path):
    learner = tmp_path / "collection.anki2"
    col = open_collection(tmp_path)
    try:
        import_apkg(col, root / DECK_FILE)
        claim = note_of(col, CLAIM)
        claim["Back"] = CLAIM_EDIT
        col.update_note(claim)
    finally:
        col.close()
    notes = root / "source" / "iclr2025-dpo.md"
    text = notes.read_text(encoding="utf-8")
    old = "* 选择和拒绝响应的梯度之间的相互作用会导致不稳定\n"
    assert text.count(old) == 1
    notes.write_text(text.replace(old, "* 选择和拒绝响应的梯度之间的相互作用使训练不稳定\n"), encoding="utf-8")

    assert run(root, "pull", str(learner)).exit_code == 0
    first = run(root, "build")
    assert first.exit_code == 0, first.output
    assert f"item {CLAIM} was edited by hand and its source changed" in first.output
    rec = records(root)[CLAIM]
    assert rec.item.fields["answer"] == markdown_of(CLAIM_EDIT)                 # Anki's edit wins
    assert rec.conflict["fields"]["answer"] == "选择和拒绝响应的梯度之间的相互作用使训练不稳定"
    again = run(root, "build", "--force")
    assert again.exit_code == 0 and "was edited by hand" not in again.output    # reported once
    assert records(root)[CLAIM].item.fields["answer"] == markdown_of(CLAIM_EDIT)


def test_notes_deleted_in_anki_are_reported_not_mirrored(root, tmp_path):
    col = open_collection(tmp_path)
    try:
        import_apkg(col, root / DECK_FILE)
        col.remove_notes([note_of(col, TERM).id])
    finally:
        col.close()
    result = run(root, "pull", str(tmp_path / "collection.anki2"))
    assert result.exit_code == 0, result.output
    assert f"not in Anki (deleted there, or not imported yet; cards/ keeps them):\n  {TERM}" in result.output
    assert TERM in records(root)


def test_a_collection_open_in_anki_is_refused_plainly(root, tmp_path):
    """Anki desktop holds its collection locked: pull says so (exit 1), reads nothing."""
    col = open_collection(tmp_path)
    import_apkg(col, root / DECK_FILE)
    col.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from anki.collection import Collection
            col = Collection({str(tmp_path / 'collection.anki2')!r})
            col.db.scalar("select count() from notes")
            print("open", flush=True)
            sys.stdin.read()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        assert holder.stdout.readline().strip() == "open"
        result = run(root, "pull", str(tmp_path / "collection.anki2"))
    finally:
        holder.communicate("")
    assert result.exit_code == 1, result.output
    assert "collection.anki2: the collection is open in Anki (locked): close Anki" in result.output
    assert "Traceback" not in result.output
    assert not (root / "cards" / ".history.json").exists()


def test_not_a_collection_is_refused_plainly(root, tmp_path):
    bad = tmp_path / "collection.anki2"
    bad.write_text("not sqlite", encoding="utf-8")
    result = run(root, "pull", str(bad))
    assert result.exit_code == 1 and "not an Anki collection" in result.output
    result = run(root, "pull", str(tmp_path / "missing.colpkg"))
    assert result.exit_code == 1 and "missing.colpkg: no such file" in result.output


def test_markdown_of_gives_back_what_the_store_ships(root):
    """Every field of the shipped deck: HTML → Markdown → the same HTML."""
    from papercards.anki import render_cloze
    for rec in Store.load(root / "cards").records:
        for name, value in rec.item.fields.items():
            render = render_cloze if rec.kind == "cloze" and name == "text" else render_block
            if value:
                assert render(markdown_of(render(value))) == render(value), (rec.id, name)
    assert markdown_of('<div>a <b>b</b></div><div>c&nbsp;<i>d</i></div>') == "a **b**\n\nc *d*"
    assert markdown_of('x <span class="pc-which">（NS-DPO）</span>') == "x"


@pytest.mark.parametrize("kind", KINDS_DECLARED, ids=lambda k: k.name)
def test_every_kind_says_which_anki_fields_are_its_own(kind):
    from papercards.anki.fields import QA_EDITABLE, editable_fields
    assert (kind.name in QA_EDITABLE) == (kind.note_type == "qa")
    assert set(editable_fields(kind).values()) <= set(kind.fields)
    assert editable_fields(kind) or kind.answer_is_paper     # an answer naming the paper is composed
