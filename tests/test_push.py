"""`papercards push` against a fake AnkiConnect server (tests/fake_ankiconnect.py).

No Anki desktop with the AnkiConnect add-on can run here: these tests talk to a
fake server speaking the AnkiConnect protocol (version 6). One back end keeps
notes in memory; the other runs each action on the real Anki engine the way the
add-on does, to show that pushing and importing the .apkg can be mixed without
duplicates and without touching review history.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import genanki
import pytest
from anki_engine import import_apkg, open_collection, study_all_due
from click.testing import CliRunner
from evolution_versions import BULLET_V1, BULLET_V3, replace, shipped
from fake_ankiconnect import EngineAnki, FakeAnkiConnect, free_port_url, read_package

from conftest import ROOT
from papercards.anki.connect import AnkiConnect, Unreachable
from papercards.cli import main

UNSTABLE = "9Hxdixed7p/claim/d16a8d36"
DECK_FILE = "decks/iclr-2025-dpo.apkg"


def push(root, *args, url=None):
    argv = ["push", "-C", str(root), *(["--url", url] if url else []), *args]
    return CliRunner().invoke(main, argv, catch_exceptions=False)


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    shutil.copy(ROOT / "papercards.yaml", root / "papercards.yaml")
    (root / "source" / "iclr2025-dpo.md").write_text(shipped(), encoding="utf-8")
    return root


def deck_notes(apkg: Path) -> dict[str, tuple[str, list[str], str]]:
    """{guid: (model name, fields, tags)} of the notes in a package."""
    models, _, rows = read_package(apkg)
    return {g: (models[str(mid)]["name"], flds.split("\x1f"), tags.strip()) for g, mid, flds, tags, _ in rows}


def test_first_push_adds_the_deck_notes_then_nothing_changes(root):
    with FakeAnkiConnect() as fake:
        result = push(root, url=fake.url)
        assert result.exit_code == 0, result.output
        deck = deck_notes(root / DECK_FILE)
        assert f"{len(deck)} added, 0 updated, 0 unchanged" in result.output
        # the same notes as the deck: GUIDs, note types, fields, tags
        anki = {n["guid"]: (n["modelName"], list(n["fields"].values()), " ".join(n["tags"]))
                for n in fake.backend.notes.values()}
        assert anki == deck
        for n in fake.backend.notes.values():
            assert n["guid"] == genanki.guid_for(n["fields"]["ItemId"])
        assert fake.calls.count("importPackage") == 1 and "updateNote" not in fake.calls

        fake.calls.clear()
        again = push(root, url=fake.url)
        assert again.exit_code == 0, again.output
        assert f"0 added, 0 updated, {len(deck)} unchanged" in again.output
        assert "updateNote" not in fake.calls and "importPackage" not in fake.calls


def test_an_edited_bullet_updates_exactly_that_note(root):
    with FakeAnkiConnect() as fake:
        assert push(root, url=fake.url).exit_code == 0
        by_item = {n["fields"]["ItemId"]: n for n in fake.backend.notes.values()}
        by_item["term/DPO"]["tags"].append("marked")                 # the learner marks a note
        notes_path = root / "source" / "iclr2025-dpo.md"
        notes_path.write_text(replace(shipped(), BULLET_V1, BULLET_V3), encoding="utf-8")
        fake.calls.clear()
        result = push(root, url=fake.url)
        assert result.exit_code == 0, result.output
        assert f"0 added, 1 updated, {len(by_item) - 1} unchanged" in result.output
        assert fake.calls.count("updateNote") == 1
        assert "引起不稳定" in by_item[UNSTABLE]["fields"]["Back"]
        assert "marked" in by_item["term/DPO"]["tags"]
        assert len(fake.backend.notes) == len(by_item)


def test_anki_not_running_exits_1_with_a_clear_message(root):
    url = free_port_url()
    result = push(root, url=url)
    assert result.exit_code == 1
    assert (f"Could not reach AnkiConnect at {url}: is Anki running with the AnkiConnect add-on?"
            in result.output)
    assert not (root / "cards").exists() and not (root / "decks").exists()     # checked first


def test_default_address_and_the_config_key(root):
    assert AnkiConnect().url == "http://127.0.0.1:8765"
    with FakeAnkiConnect() as fake:
        (root / "papercards.yaml").write_text((ROOT / "papercards.yaml").read_text(encoding="utf-8")
                                              + f"ankiconnect_url: {fake.url}\n", encoding="utf-8")
        result = push(root)
        assert result.exit_code == 0 and f"Pushed to {fake.url}:" in result.output
    (root / "papercards.yaml").write_text("ankiconnect_url: 127.0.0.1:8765\n", encoding="utf-8")
    result = push(root)
    assert result.exit_code == 1
    assert "papercards.yaml:1: config key 'ankiconnect_url': expected an http:// address" in result.output


def test_an_ankiconnect_error_exits_1(root):
    with FakeAnkiConnect() as fake:
        fake.fail["importPackage"] = "permission denied"
        result = push(root, url=fake.url)
        assert result.exit_code == 1
        assert "AnkiConnect importPackage failed: permission denied" in result.output


def test_not_ankiconnect_at_all(root):
    with FakeAnkiConnect() as fake:
        fake.backend.version = lambda: 5
        result = push(root, url=fake.url)
        assert result.exit_code == 1 and "needs 6 or newer" in result.output


def test_timeout_is_unreachable():
    import socket
    with socket.socket() as s:                        # accepts, never answers
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        client = AnkiConnect(f"http://127.0.0.1:{s.getsockname()[1]}", timeout=0.3)
        with pytest.raises(Unreachable):
            client.check()


def test_push_and_file_import_mix_on_the_real_engine(root, tmp_path):
    """The fake server runs each action on the real Anki engine, as the add-on does."""
    col = open_collection(tmp_path)
    try:
        conf = col.decks.get_config(1)
        conf["new"]["perDay"] = 9999
        col.decks.update_config(conf)
        with FakeAnkiConnect(EngineAnki(col)) as fake:
            first = push(root, url=fake.url)
            assert first.exit_code == 0, first.output
            notes = len(col.find_notes(""))
            assert notes == len(deck_notes(root / DECK_FILE))
            # the learner also imports the file: same GUIDs and note types, nothing new
            log = import_apkg(col, root / DECK_FILE)
            assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 0, 0)
            assert not [m.name for m in col.models.all_names_and_ids() if m.name.endswith("+")]
            assert study_all_due(col) > 50
            revlog = col.db.scalar("select count() from revlog")
            cards = col.db.all("select id, type, queue, due, ivl, reps from cards order by id")
            (root / "source" / "iclr2025-dpo.md").write_text(replace(shipped(), BULLET_V1, BULLET_V3),
                                                             encoding="utf-8")
            second = push(root, url=fake.url)
            assert second.exit_code == 0, second.output
            assert "0 added, 1 updated" in second.output
            nid = col.find_notes(f'"ItemId:{UNSTABLE}"')
            assert "引起不稳定" in col.get_note(nid[0])["Back"]
            assert len(col.find_notes("")) == notes
            assert col.db.scalar("select count() from revlog") == revlog
            assert col.db.all("select id, type, queue, due, ivl, reps from cards order by id") == cards
    finally:
        col.close()
