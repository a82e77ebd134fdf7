"""`push` and `pull` against a real Anki desktop with the real AnkiConnect add-on.

Anki (aqt) runs headless (Qt offscreen) in a base folder of the test's own, with
AnkiConnect on a free port (`anki_desktop.running_anki`). The learner's actions
are made through AnkiConnect's own actions, as a script or the add-on's users
make them. Skipped with the reason when aqt or the add-on is absent (not on CI).
"""

from __future__ import annotations


import pytest
from anki_desktop import need_desktop, running_anki
from click.testing import CliRunner

from conftest import shipped_project
from papercards.anki.connect import AnkiConnect
from papercards.cli import main
from papercards.store import Store
from papercards.store.history import AGAIN, load_history

BUILT = "1790000000"            # the builds' clock: before anything the learner does
CLAIM = "9Hxdixed7p/claim/3865749f"
SUSPEND = "term/KTO"
TAGGED = "term/DRO"
OLD = "* 选择和拒绝响应的梯度之间的相互作用会导致不稳定\n"
NEW = "* 选择和拒绝响应的梯度之间的相互作用使训练不稳定\n"


@pytest.fixture
def anki(tmp_path):
    need_desktop()
    with running_anki(tmp_path) as url:
        yield AnkiConnect(url, timeout=30)


@pytest.fixture
def root(tmp_path):
    root = shipped_project(tmp_path / "proj")
    return root


def run(root, *args, epoch: str | None = BUILT):
    env = {"SOURCE_DATE_EPOCH": epoch} if epoch else {}
    result = CliRunner(env=env).invoke(main, [args[0], "-C", str(root), *args[1:]], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def note_id(anki: AnkiConnect, item_id: str) -> int:
    ids = anki.invoke("findNotes", query=f'"ItemId:{item_id}"')
    assert len(ids) == 1, item_id
    return ids[0]


def note_info(anki: AnkiConnect, item_id: str) -> dict:
    return anki.invoke("notesInfo", notes=[note_id(anki, item_id)])[0]


def test_push_to_a_real_anki_adds_then_updates_in_place_keeping_reviews(anki, root):
    out = run(root, "push", "--url", anki.url)
    notes = len(anki.invoke("findNotes", query='"ItemId:_*"'))
    assert notes == 30 and f"{notes} added, 0 updated, 0 unchanged" in out
    assert f"0 added, 0 updated, {notes} unchanged" in run(root, "push", "--url", anki.url)

    card = note_info(anki, CLAIM)["cards"][0]
    assert anki.invoke("answerCards", answers=[{"cardId": card, "ease": 3}]) == [True]
    anki.invoke("addTags", notes=[note_id(anki, CLAIM)], tags="exam")
    notes_file = root / "source" / "iclr2025-dpo.md"
    notes_file.write_text(notes_file.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    out = run(root, "push", "--url", anki.url, epoch=None)
    assert "0 added, 1 updated" in out
    info = note_info(anki, CLAIM)
    assert info["fields"]["Back"]["value"] == "选择和拒绝响应的梯度之间的相互作用使训练不稳定"
    assert len(anki.invoke("getReviewsOfCards", cards=[card])[str(card)]) == 1     # history kept
    assert len(anki.invoke("findNotes", query='"ItemId:_*"')) == notes                # no duplicate


def test_pull_from_a_real_anki_brings_edits_suspensions_tags_and_reviews(anki, root):
    run(root, "push", "--url", anki.url)
    claim = note_id(anki, CLAIM)
    anki.invoke("updateNoteFields", note={"id": claim, "fields": {"Back": "梯度之间的<b>相互作用</b>"}})
    anki.invoke("suspend", cards=note_info(anki, SUSPEND)["cards"])
    anki.invoke("addTags", notes=[note_id(anki, TAGGED)], tags="exam 我的重点")
    card = note_info(anki, TAGGED)["cards"][0]
    assert anki.invoke("answerCards", answers=[{"cardId": card, "ease": 1}]) == [True]
    before = note_info(anki, CLAIM)

    out = run(root, "pull", "--url", anki.url, epoch=None)
    assert f"  {CLAIM} (answer)" in out and f"  {SUSPEND}" in out and f"  {TAGGED}: exam 我的重点" in out
    records = {r.id: r for r in Store.load(root / "cards").records}
    assert records[CLAIM].item.fields["answer"] == "梯度之间的**相互作用**"
    assert records[SUSPEND].suspended is True
    assert sorted(records[TAGGED].tags_anki) == ["exam", "我的重点"]
    history = load_history(root / "cards")
    assert history[TAGGED].reviews == 1 and history[TAGGED].log[0].rating == AGAIN

    # the next push finds Anki as cards/ says, but for the tag that marks the suspended item
    out = run(root, "push", "--url", anki.url, epoch=None)
    assert "0 added, 1 updated" in out
    assert "papercards::suspended" in note_info(anki, SUSPEND)["tags"]
    assert note_info(anki, CLAIM)["fields"] == before["fields"]
    assert set(note_info(anki, TAGGED)["tags"]) >= {"exam", "我的重点"}
