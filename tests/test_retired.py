"""Retired items and accidents: what a new learner gets, what a learner who has the
cards keeps, `prune`, the config guard, and the files a build no longer needs.

Real builds in tmp_path, imported into the real Anki engine."""

from __future__ import annotations

import re

import pytest
import yaml
from anki_engine import import_apkg, open_collection, study_all_due
from click.testing import CliRunner
from evolution_versions import paper_block, replace
from fake_ankiconnect import EngineAnki, FakeAnkiConnect

from conftest import shipped_project
from papercards.cli import main
from papercards.cli.init import EXAMPLE_NOTE

RETIRED = "tag:papercards::retired"
DECK = "decks/iclr-2025-dpo.apkg"
NOTES = "source/iclr2025-dpo.md"


def run(root, *args, input=None):
    return CliRunner().invoke(main, [args[0], "-C", str(root), *args[1:]], input=input, catch_exceptions=False)


def build_ok(root, *args):
    out = run(root, "build", *args)
    assert out.exit_code == 0, out.output
    return out


def without_paper(root, number: int) -> None:
    """The notes with paper ``number`` deleted: its items are retired."""
    path = root / NOTES
    text = path.read_text(encoding="utf-8")
    path.write_text(replace(text, paper_block(text, number), ""), encoding="utf-8")


def store_items(root) -> dict[str, dict]:
    out = {}
    for path in (root / "cards").rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("items", []) if isinstance(data, dict) else data:
            if isinstance(entry, dict) and "id" in entry:
                out[entry["id"]] = entry
    return out


def store_files(root) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "cards").rglob("*.yaml"))


def set_config(root, key: str, value: str) -> None:
    path = root / "papercards.yaml"
    lines = [f"{key}: {value}" if line.startswith(f"{key}:") else line
             for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def retiring(tmp_path):
    """A shipped project built once (v1.apkg), then built again without paper 6 (v2.apkg)."""
    root = shipped_project(tmp_path / "proj")
    build_ok(root)
    (tmp_path / "v1.apkg").write_bytes((root / DECK).read_bytes())
    without_paper(root, 6)
    out = build_ok(root)
    retired = {i for i, e in store_items(root).items() if e.get("status") == "retired"}
    assert retired and f"{len(retired)} retired" in out.output
    return root, retired


# ------------------------------------------------------------------ the deck, in Anki

IMPORT_OPTIONS = {"default": {}, "update always": {"update_notes": 1}, "learning progress": {"with_scheduling": True},
                  "merge note types": {"merge_notetypes": True}}


@pytest.mark.parametrize("options", IMPORT_OPTIONS.values(), ids=IMPORT_OPTIONS.keys())
def test_a_new_learner_gets_no_card_for_a_retired_item(tmp_path, retiring, options):
    root, retired = retiring
    col = open_collection(tmp_path, "fresh.anki2")
    try:
        import_apkg(col, root / DECK, **options)
        assert col.find_cards("")                                 # the live cards are there
        assert col.find_cards(RETIRED) == []                      # no dead card, new or due
        tagged = {col.get_note(n)["ItemId"] for n in col.find_notes(RETIRED)}
        assert len(tagged) == len(retired)                        # the notes come, without cards
        assert all(not col.find_cards(f'"ItemId:{i}"') for i in retired)
    finally:
        col.close()


@pytest.mark.parametrize("options", IMPORT_OPTIONS.values(), ids=IMPORT_OPTIONS.keys())
def test_a_learner_who_has_them_keeps_the_history_and_gets_the_tag(tmp_path, retiring, options):
    root, retired = retiring
    col = open_collection(tmp_path, "old.anki2")
    try:
        conf = col.decks.get_config(1)
        conf["new"]["perDay"] = 9999
        col.decks.update_config(conf)
        import_apkg(col, tmp_path / "v1.apkg", **options)
        assert study_all_due(col) > 40
        before = {cid: col.db.scalar("select count() from revlog where cid = ?", cid)
                  for i in retired for cid in col.find_cards(f'"ItemId:{i}"')}
        assert before and all(before.values())
        import_apkg(col, root / DECK, **options)
        after = {cid: col.db.scalar("select count() from revlog where cid = ?", cid)
                 for i in retired for cid in col.find_cards(f'"ItemId:{i}"')}
        assert after == before                                    # the same cards, the same history
        tagged = {col.get_note(n)["ItemId"] for n in col.find_notes(RETIRED)}
        assert {i for i in retired if col.find_notes(f'"ItemId:{i}"')} == tagged
    finally:
        col.close()


def test_push_suspends_the_cards_of_notes_it_retires(tmp_path):
    root = shipped_project(tmp_path / "proj")
    col = open_collection(tmp_path, "pushed.anki2")
    try:
        with FakeAnkiConnect(EngineAnki(col)) as fake:
            assert run(root, "push", "--url", fake.url).exit_code == 0
            study_all_due(col)
            without_paper(root, 6)
            out = run(root, "push", "--url", fake.url)
            assert out.exit_code == 0, out.output
            cards = col.find_cards(RETIRED)
            assert cards and all(col.get_card(c).queue == -1 for c in cards)
            assert f"suspended {len(cards)} card(s) of retired notes" in out.output
            assert not [c for c in col.find_cards("-" + RETIRED) if col.get_card(c).queue == -1]
            # a card the learner unsuspends stays so
            col.sched.unsuspend_cards([cards[0]])
            again = run(root, "push", "--url", fake.url)
            assert again.exit_code == 0 and "suspended" not in again.output
            assert col.get_card(cards[0]).queue != -1
    finally:
        col.close()


def test_push_does_not_send_a_retired_note_anki_lacks(tmp_path, retiring):
    root, retired = retiring
    col = open_collection(tmp_path, "late.anki2")
    try:
        with FakeAnkiConnect(EngineAnki(col)) as fake:
            assert run(root, "push", "--url", fake.url).exit_code == 0
        assert col.find_notes(RETIRED) == []
        assert col.find_notes("")
    finally:
        col.close()


# ------------------------------------------------------------------ prune

def test_prune_shows_what_goes_and_asks(retiring):
    root, retired = retiring
    before = {p: (root / p).read_bytes() for p in store_files(root)}
    out = run(root, "prune", input="n\n")
    assert out.exit_code == 1
    assert all(i in out.output for i in retired) and "Remove them?" in out.output
    assert {p: (root / p).read_bytes() for p in store_files(root)} == before      # nothing changed


def test_prune_removes_retired_items_and_the_files_they_leave_empty(tmp_path, retiring):
    root, retired = retiring
    paper6 = [p for p in store_files(root) if p.endswith("F6z3utfcYw.yaml")]
    assert paper6
    out = run(root, "prune", "--yes")
    assert out.exit_code == 0, out.output
    items = store_items(root)
    assert not retired & set(items) and not any(e.get("status") == "retired" for e in items.values())
    assert not (root / paper6[0]).exists()                 # only retired items were left in it
    assert not (root / "cards" / ".papercards-txn").exists()
    assert "Nothing to prune" in run(root, "prune").output
    build_ok(root)
    col = open_collection(tmp_path, "after.anki2")
    try:
        import_apkg(col, root / DECK)
        assert col.find_notes(RETIRED) == []
    finally:
        col.close()


def test_prune_help():
    out = CliRunner().invoke(main, ["prune", "--help"])
    assert out.exit_code == 0 and "--yes" in out.output


# ------------------------------------------------------------------ accidents

def test_a_config_change_that_retires_most_items_stops_the_build(tmp_path):
    root = shipped_project(tmp_path / "proj")
    build_ok(root)
    before = {p: (root / p).read_bytes() for p in store_files(root)}
    deck = (root / DECK).read_bytes()
    set_config(root, "paper_heading_level", "3")
    out = run(root, "build")
    assert out.exit_code == 1
    line = next(n for n, text in enumerate((root / "papercards.yaml").read_text().splitlines(), 1)
                if text.startswith("paper_heading_level:"))
    said = re.search(rf"papercards.yaml:{line}: this build would retire (\d+) of (\d+) items; the setting "
                     "paper_heading_level changed since the last build", out.output)
    assert said and int(said.group(1)) * 2 > int(said.group(2)), out.output
    assert "--force" in out.output and "Traceback" not in out.output
    assert {p: (root / p).read_bytes() for p in store_files(root)} == before
    assert (root / DECK).read_bytes() == deck
    forced = build_ok(root, "--force")
    assert f"{said.group(1)} retired" in forced.output


def test_undoing_a_config_mistake_leaves_no_junk_in_cards(tmp_path):
    root = shipped_project(tmp_path / "proj")
    build_ok(root)
    files = store_files(root)
    items = store_items(root)
    set_config(root, "paper_heading_level", "3")
    build_ok(root, "--force")
    assert len(store_files(root)) > len(files)
    set_config(root, "paper_heading_level", "auto")
    out = build_ok(root)                                  # no --force needed to undo it
    assert "dropped" in out.output
    assert store_files(root) == files
    after = store_items(root)
    assert set(after) == set(items) and not any(e.get("status") == "retired" for e in after.values())


def test_deleting_notes_is_not_stopped_by_the_guard(retiring):
    """Only a config change stops the build: deleting notes retires what it retires."""
    root, _ = retiring
    for number in (1, 2, 3, 4, 5):
        without_paper(root, number)
    build_ok(root)


def test_the_init_example_is_a_made_up_paper_that_real_notes_never_clash_with(tmp_path):
    root = tmp_path / "mine"
    assert CliRunner().invoke(main, ["init", str(root)]).exit_code == 0
    assert "Direct Preference Optimization" not in EXAMPLE_NOTE and "openreview" not in EXAMPLE_NOTE.lower()
    build_ok(root)
    example = set(store_items(root))
    # the learner's own notes: the shipped DPO notes, beside the example
    shipped_project(tmp_path / "shipped")
    (root / "source" / "dpo.md").write_text((tmp_path / "shipped" / NOTES).read_text(encoding="utf-8"),
                                            encoding="utf-8")
    out = build_ok(root)
    assert "same key" not in out.output and "same title" not in out.output
    mine = set(store_items(root)) - example
    assert mine
    # deleting the example, as it says, retires only the example's items
    (root / "source" / "example.md").unlink()
    out = build_ok(root)
    items = store_items(root)
    assert {i for i, e in items.items() if e.get("status") == "retired"} == example
    assert mine <= set(items) and all(items[i].get("status", "active") == "active" for i in mine)
