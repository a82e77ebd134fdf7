"""`papercards push` against a fake AnkiConnect server (tests/fake_ankiconnect.py).

No Anki desktop with the AnkiConnect add-on can run here: these tests talk to a
fake server speaking the AnkiConnect protocol (version 6). One back end keeps
notes in memory; the other runs each action on the real Anki engine the way the
add-on does, to show that pushing and importing the .apkg can be mixed without
duplicates and without touching review history.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import genanki
import pytest
from anki_engine import import_apkg, open_collection, study_all_due
from click.testing import CliRunner
from evolution_versions import BULLET_V1, BULLET_V3, replace, shipped
from fake_ankiconnect import EngineAnki, FakeAnkiConnect, LocalServer, free_port_url, read_package

from conftest import ROOT
from papercards.anki.connect import AnkiConnect, AnkiConnectError, Unreachable, existing_notes
from papercards.cli import main

UNSTABLE = "9Hxdixed7p/claim/3865749f"
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
        by_item["term/DRO"]["tags"].append("marked")                 # the learner marks a note
        notes_path = root / "source" / "iclr2025-dpo.md"
        notes_path.write_text(replace(shipped(), BULLET_V1, BULLET_V3), encoding="utf-8")
        fake.calls.clear()
        result = push(root, url=fake.url)
        assert result.exit_code == 0, result.output
        assert f"0 added, 1 updated, {len(by_item) - 1} unchanged" in result.output
        assert fake.calls.count("updateNote") == 1
        assert "引起不稳定" in by_item[UNSTABLE]["fields"]["Back"]
        assert "marked" in by_item["term/DRO"]["tags"]
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


# ------------------------------------------------- a server that is not AnkiConnect at all

class HostileServer(LocalServer):
    """An HTTP server on 127.0.0.1 that answers every POST the way ``mode`` says:

    * ``huge``: announces 3 GB and streams zeros;
    * ``stream``: no Content-Length, ``size`` bytes streamed until it closes;
    * ``trickle``: the whole answer, status line included, one byte every 0.1 s, forever;
    * ``deep``: 200,000 nested JSON arrays;
    * ``shapes``: a real version, then findNotes and notesInfo answers of the wrong shape.
    """

    def __init__(self, mode: str, size: int = 0):
        from http.server import BaseHTTPRequestHandler

        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_POST(self):
                request = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    server.answer(self.wfile, json.loads(request)["action"])
                except (BrokenPipeError, ConnectionResetError):
                    pass                                  # the client gave up: as it should

            def log_message(self, *args):
                pass

        self.mode, self.size = mode, size
        super().__init__(Handler)

    def answer(self, out, action: str) -> None:
        import time
        if self.mode == "huge":
            out.write(b"HTTP/1.0 200 OK\r\nContent-Length: 3000000000\r\n\r\n")
            for _ in range(3_000_000_000 // 65536):
                out.write(bytes(65536))
        elif self.mode == "stream":
            out.write(b"HTTP/1.0 200 OK\r\n\r\n")
            for _ in range(self.size // 65536):
                out.write(bytes(65536))
        elif self.mode == "trickle":
            while True:
                for byte in b'HTTP/1.0 200 OK\r\n\r\n{"result": 6, "error": null}':
                    out.write(bytes([byte]))
                    out.flush()
                    time.sleep(0.1)
        else:
            if self.mode == "deep":
                body = b"[" * 200_000 + b"]" * 200_000
            else:
                result = {"version": 6, "findNotes": [1, 2], "notesInfo": [{"noteId": 1, "fields": ["x"]}]}
                body = json.dumps({"result": result[action], "error": None}).encode()
            out.write(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)



def _fails_fast(client: AnkiConnect, seconds: float) -> str:
    import time
    start = time.monotonic()
    with pytest.raises(AnkiConnectError) as err:
        client.check()
    assert time.monotonic() - start < seconds
    return str(err.value)


def test_an_answer_over_the_size_limit_is_refused():
    with HostileServer("huge") as server:             # announced: refused before reading
        message = _fails_fast(AnkiConnect(server.url), 5)
        assert message == (f"AnkiConnect at {server.url} sent more than 64 MB in answer to version; "
                           "stopped reading (is it AnkiConnect?)")
    with HostileServer("stream", size=2 * 2**20) as server:       # not announced: cut at the limit
        message = _fails_fast(AnkiConnect(server.url, max_answer=2**20), 5)
        assert "sent more than 1 MB in answer to version" in message


def test_a_trickling_answer_hits_the_deadline():
    with HostileServer("trickle") as server:          # every read gets a byte within its timeout
        message = _fails_fast(AnkiConnect(server.url, timeout=0.5, deadline=1.5), 4)
        assert message == (f"AnkiConnect at {server.url} took more than 1.5 s to answer version; "
                           "gave up (is it AnkiConnect?)")


def test_push_to_a_hostile_server_exits_1_with_a_plain_message(root):
    import time
    with HostileServer("huge") as server:
        result = push(root, url=server.url)
        assert result.exit_code == 1 and "sent more than 64 MB in answer to version" in result.output
    with HostileServer("trickle") as server:
        start = time.monotonic()
        result = push(root, "--timeout", "0.3", url=server.url)         # deadline: 6 × 0.3 s
        assert time.monotonic() - start < 5
        assert result.exit_code == 1 and "took more than 1.8 s to answer version" in result.output
    with HostileServer("deep") as server:
        result = push(root, url=server.url)
        assert result.exit_code == 1 and "did not answer like AnkiConnect (not JSON)" in result.output
    assert not (root / "cards").exists()              # refused before building anything


def test_answers_of_the_wrong_shape_are_plain_errors():
    with HostileServer("shapes") as server:
        client = AnkiConnect(server.url)
        assert client.check() == 6
        with pytest.raises(AnkiConnectError, match=r"did not answer like AnkiConnect \(notesInfo: not notes\)"):
            existing_notes(client)
