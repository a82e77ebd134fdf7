"""Send the deck's notes to a running Anki through the AnkiConnect add-on.

The same notes as the ``.apkg`` (`render_notes`), updated in place:

* Existing notes are found by their ``ItemId`` field (one ``findNotes
  "ItemId:_*"`` and one ``notesInfo`` for all of them). Anki's search has no
  ``guid:`` term, and the ItemId is what the GUID is derived from.
* A note whose fields or tags differ from the deck's is updated in place
  (``updateNote``: fields and tags); its cards, scheduling and review history
  are not touched. Anki's own ``leech`` and ``marked`` tags are kept.
* Notes Anki does not have yet are not created with ``addNote``: that would
  give them random GUIDs and a note type with a random id, so a later import
  of the ``.apkg`` would duplicate every one of them. They are written to a
  small package of their own and handed to ``importPackage``, which creates
  them (and, the first time, the three note types) with the same GUIDs and
  ids as the deck file. Push and file import can therefore be mixed freely.
  ``importPackage`` reads the file from disk: Anki must run on this machine.
* The images an updated note shows are sent first (``storeMediaFile``): their
  names follow their content, so a file Anki already has is only rewritten
  with the same bytes. New notes bring theirs in their package.

Only the standard library is used (urllib, json); every request has a timeout.
"""

from __future__ import annotations

import base64
import json
import socket
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..items.model import PaperInfo
from ..store.model import Record
from .images import NO_IMAGES, ImagePolicy, read_media
from .package import render_notes, write_package
from .render import RenderedNote

DEFAULT_URL = "http://127.0.0.1:8765"
API_VERSION = 6
KEEP_TAGS = ("leech", "marked")         # set by Anki or the learner, not by papercards


class AnkiConnectError(Exception):
    """AnkiConnect answered with an error, or with something that is not AnkiConnect."""


class Unreachable(AnkiConnectError):
    def __init__(self, url: str):
        super().__init__(f"Could not reach AnkiConnect at {url}: is Anki running with the AnkiConnect add-on?")
        self.url = url


class AnkiConnect:
    """A minimal AnkiConnect client (protocol version 6)."""

    def __init__(self, url: str = DEFAULT_URL, *, timeout: float = 10.0, key: str | None = None):
        self.url, self.timeout, self.key = url, timeout, key

    def invoke(self, action: str, *, timeout: float | None = None, **params):
        request = {"action": action, "version": API_VERSION, "params": params}
        if self.key:
            request["key"] = self.key
        req = urllib.request.Request(self.url, data=json.dumps(request).encode("utf-8"),
                                     headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:
                body = resp.read()
        except urllib.error.HTTPError as exc:
            raise AnkiConnectError(f"AnkiConnect at {self.url} answered HTTP {exc.code} to {action}") from None
        except (urllib.error.URLError, ConnectionError, socket.timeout, TimeoutError, OSError):
            raise Unreachable(self.url) from None
        try:
            data = json.loads(body)
        except ValueError:
            raise AnkiConnectError(f"{self.url} did not answer like AnkiConnect (not JSON)") from None
        if not isinstance(data, dict) or "result" not in data or "error" not in data:
            raise AnkiConnectError(f"{self.url} did not answer like AnkiConnect (no result/error)")
        if data["error"] is not None:
            raise AnkiConnectError(f"AnkiConnect {action} failed: {data['error']}")
        return data["result"]

    def check(self) -> int:
        """The add-on's API version; refuses versions older than 6."""
        version = self.invoke("version")
        if not isinstance(version, int) or version < API_VERSION:
            raise AnkiConnectError(f"AnkiConnect at {self.url} speaks API version {version}; "
                                   f"papercards needs {API_VERSION} or newer (update the add-on)")
        return version


@dataclass
class PushReport:
    added: list[str] = field(default_factory=list)          # item ids
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicting: list[tuple[str, str]] = field(default_factory=list)    # (item id, why not updated)


def _tags_key(tags: Iterable[str]) -> set[str]:
    return {t.casefold() for t in tags if t.casefold() not in KEEP_TAGS}


def existing_notes(client: AnkiConnect) -> dict[str, dict]:
    """Notes that carry an ItemId, by its (HTML) value: {ItemId: notesInfo entry}."""
    ids = client.invoke("findNotes", query='"ItemId:_*"')
    if not ids:
        return {}
    out: dict[str, dict] = {}
    for info in client.invoke("notesInfo", notes=list(ids)):
        value = ((info.get("fields") or {}).get("ItemId") or {}).get("value", "")
        if value:
            out.setdefault(value, info)          # two notes with one ItemId: the first (oldest) wins
    return out


def plan_push(notes: list[RenderedNote], existing: Mapping[str, dict]
              ) -> tuple[PushReport, list[RenderedNote], list[tuple[RenderedNote, dict]]]:
    """(report, notes to add, (note, what to send to updateNote) to update)."""
    report = PushReport()
    to_add: list[RenderedNote] = []
    to_update: list[tuple[RenderedNote, dict]] = []
    for note in notes:
        info = existing.get(note.fields["ItemId"])
        if info is None:
            to_add.append(note)
            continue
        if info.get("modelName") != note.model.name:
            report.conflicting.append((note.item_id, f"its note in Anki has note type "
                                   f"'{info.get('modelName')}', not '{note.model.name}'"))
            continue
        have = {name: (value or {}).get("value", "") for name, value in (info.get("fields") or {}).items()}
        fields = {name: value for name, value in note.fields.items() if have.get(name) != value}
        kept = [t for t in info.get("tags") or [] if t.casefold() in KEEP_TAGS]
        tags_differ = _tags_key(info.get("tags") or []) != _tags_key(note.tags)
        if not fields and not tags_differ:
            report.unchanged.append(note.item_id)
            continue
        update: dict = {"id": info["noteId"]}
        if fields:
            update["fields"] = fields
        if tags_differ:
            update["tags"] = list(note.tags) + kept
        to_update.append((note, update))
    return report, to_add, to_update


def push(records: list[Record], papers: Mapping[str, PaperInfo], deck_name: str,
         client: AnkiConnect, images: ImagePolicy = NO_IMAGES) -> PushReport:
    """Send the notes of ``records`` (exactly as `write_package` would ship them)."""
    client.check()
    # records that would be empty cards: not shipped
    notes, _ = render_notes(records, papers, deck_name, images)
    report, to_add, to_update = plan_push(notes, existing_notes(client))
    store_images(client, [note for note, _ in to_update])
    for note, update in to_update:
        client.invoke("updateNote", note=update)
        report.updated.append(note.item_id)
    if to_add:
        wanted = {n.item_id for n in to_add}
        with tempfile.TemporaryDirectory(prefix="papercards-push-") as tmp:
            path = Path(tmp) / "new-notes.apkg"
            write_package([r for r in records if r.item.id in wanted], papers, deck_name, path, images=images)
            # importing can take a while on a big collection
            if client.invoke("importPackage", path=str(path), timeout=max(client.timeout, 120)) is False:
                raise AnkiConnectError("AnkiConnect importPackage failed (see Anki for the reason)")
        report.added.extend(n.item_id for n in to_add)
    return report


def store_images(client: AnkiConnect, notes: Iterable[RenderedNote]) -> None:
    """Put the images these notes show into Anki's media folder."""
    files = {file.name: file for note in notes for file in note.media}
    for name in sorted(files):
        data = base64.b64encode(read_media(files[name])).decode("ascii")
        client.invoke("storeMediaFile", filename=name, data=data)
