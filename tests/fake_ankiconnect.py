"""A small fake AnkiConnect server for the `papercards push` tests.

No Anki desktop with the AnkiConnect add-on can run here, so the tests talk to
this instead: an ``http.server`` on 127.0.0.1 (a free port, in a thread) that
speaks the AnkiConnect JSON protocol, version 6 (request ``{action, version,
params}``, answer ``{result, error}``), and implements the actions papercards
uses: version, findNotes, notesInfo, updateNote, importPackage, storeMediaFile,
suspend.

Two back ends:
* `MemoryAnki`: notes in a dict; importPackage reads the package's sqlite.
* `EngineAnki`: the real Anki engine (the `anki` wheel), doing what the
  AnkiConnect add-on does for each action — in particular importPackage runs
  ``anki.importing.AnkiPackageImporter(col, path).run()``, exactly the add-on's
  call (in Anki ≥ 23.10 that is ``import_anki_package`` with merge_notetypes,
  with_scheduling and with_deck_configs on).
"""

from __future__ import annotations

import base64
import json
import re
import sqlite3
import tempfile
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class ActionError(Exception):
    pass


def read_package(apkg: Path) -> tuple[dict, dict, list[tuple]]:
    """(models, decks, note rows: guid, mid, flds, tags, mod) of an .apkg's collection."""
    with zipfile.ZipFile(apkg) as z, tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "c.anki2"
        db.write_bytes(z.read("collection.anki2"))
        conn = sqlite3.connect(db)
        try:
            models = json.loads(conn.execute("select models from col").fetchone()[0])
            decks = json.loads(conn.execute("select decks from col").fetchone()[0])
            rows = conn.execute("select guid, mid, flds, tags, mod from notes").fetchall()
        finally:
            conn.close()
    return models, decks, rows


class MemoryAnki:
    """An in-memory collection: {note id: {guid, modelName, fields, tags}}."""

    def __init__(self):
        self.notes: dict[int, dict] = {}
        self.models: dict[str, list[str]] = {}          # name -> field names
        self.decks: set[str] = set()
        self.media: dict[str, bytes] = {}
        self._next = 1_000

    # --- actions -------------------------------------------------------------------
    def version(self):
        return 6

    def findNotes(self, query: str):
        m = re.fullmatch(r'"?(\w+):_\*"?', query)
        if not m:
            raise ActionError(f"fake AnkiConnect does not understand the query {query!r}")
        name = m.group(1).casefold()
        return sorted(nid for nid, n in self.notes.items()
                      if any(k.casefold() == name and v for k, v in n["fields"].items()))

    def notesInfo(self, notes: list):
        out = []
        for nid in notes:
            n = self.notes.get(nid)
            if n is None:
                out.append({})
                continue
            out.append({"noteId": nid, "modelName": n["modelName"], "tags": list(n["tags"]),
                        "fields": {k: {"value": v, "order": i} for i, (k, v) in enumerate(n["fields"].items())},
                        "cards": [], "mod": n["mod"]})
        return out

    def updateNote(self, note: dict):
        if "fields" not in note and "tags" not in note:
            raise ActionError('Must provide a "fields" or "tags" property.')
        n = self.notes.get(note.get("id"))
        if n is None:
            raise ActionError("Note was not found: %s" % note.get("id"))
        for k, v in (note.get("fields") or {}).items():
            if k not in n["fields"]:
                raise ActionError(f"field {k} does not exist")
            n["fields"][k] = v
        if "tags" in note:
            n["tags"] = list(note["tags"])
        return None

    def storeMediaFile(self, filename: str, data: str):
        self.media[filename] = base64.b64decode(data)
        return filename

    def suspend(self, cards: list):
        return bool(cards)              # no cards in memory: notesInfo lists none

    def importPackage(self, path: str):
        models, decks, rows = read_package(Path(path))
        self.decks |= {d["name"] for d in decks.values()}
        by_guid = {n["guid"]: nid for nid, n in self.notes.items()}
        for guid, mid, flds, tags, mod in rows:
            model = models[str(mid)]
            names = [f["name"] for f in model["flds"]]
            self.models.setdefault(model["name"], names)
            note = {"guid": guid, "modelName": model["name"], "fields": dict(zip(names, flds.split("\x1f"))),
                    "tags": tags.split(), "mod": mod}
            if guid in by_guid:
                if mod > self.notes[by_guid[guid]]["mod"]:          # "update if newer"
                    self.notes[by_guid[guid]].update(note)
                continue
            self._next += 1
            self.notes[self._next] = note
        return True


class EngineAnki:
    """The same actions on a real `anki` Collection."""

    def __init__(self, col):
        self.col = col

    def version(self):
        return 6

    def findNotes(self, query: str):
        return list(self.col.find_notes(query))

    def notesInfo(self, notes: list):
        out = []
        for nid in notes:
            note = self.col.get_note(nid)
            names = [f["name"] for f in note.note_type()["flds"]]
            out.append({"noteId": nid, "modelName": note.note_type()["name"], "tags": list(note.tags),
                        "fields": {k: {"value": note[k], "order": i} for i, k in enumerate(names)},
                        "cards": list(note.card_ids()), "mod": note.mod})
        return out

    def updateNote(self, note: dict):
        n = self.col.get_note(note["id"])
        for k, v in (note.get("fields") or {}).items():
            n[k] = v
        if "tags" in note:
            n.tags = list(note["tags"])
        self.col.update_note(n)
        return None

    def storeMediaFile(self, filename: str, data: str):
        return self.col.media.write_data(filename, base64.b64decode(data))   # the add-on's call

    def suspend(self, cards: list):
        cards = [c for c in cards if self.col.get_card(c).queue != -1]      # as the add-on does
        if not cards:
            return False
        self.col.sched.suspend_cards(cards)
        return True

    def importPackage(self, path: str):
        import warnings

        from anki import importing
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            importer = importing.AnkiPackageImporter(self.col, path)    # what the add-on calls
        importer.run()
        self.col.models._clear_cache()
        return True


class LocalServer:
    """An HTTP server on 127.0.0.1 (a free port) serving ``handler`` in a thread while the
    ``with`` block runs; ``url`` is its address."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class FakeAnkiConnect(LocalServer):
    """``with FakeAnkiConnect(backend) as fake: fake.url …``; ``fake.calls`` lists the actions."""

    def __init__(self, backend=None):
        self.backend = backend or MemoryAnki()
        self.calls: list[str] = []
        self.fail: dict[str, str] = {}               # action -> error message to answer with
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    req = json.loads(self.rfile.read(length))
                    action, version, params = req["action"], req.get("version", 4), req.get("params", {})
                    outer.calls.append(action)
                    if version != 6:
                        raise ActionError(f"fake AnkiConnect only speaks version 6, not {version}")
                    if action in outer.fail:
                        raise ActionError(outer.fail[action])
                    method = getattr(outer.backend, action, None)
                    if method is None:
                        raise ActionError("unsupported action")
                    body = {"result": method(**params), "error": None}
                except Exception as exc:                       # AnkiConnect answers errors in-band
                    body = {"result": None, "error": str(exc)}
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        super().__init__(Handler)


def free_port_url() -> str:
    """An address where nothing listens."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
