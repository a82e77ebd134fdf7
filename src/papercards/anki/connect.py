"""Send the deck's notes to a running Anki through the AnkiConnect add-on.

The same notes as the ``.apkg`` (`render_notes`), updated in place:

* Existing notes are found by their ``ItemId`` field (one ``findNotes
  "ItemId:_*"``, then ``notesInfo`` for them, 500 at a time). Anki's search has no
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
* A retired note (tag ``papercards::retired``) that Anki has gets the tag, and
  its cards are suspended when the tag is new to it (a card the learner
  unsuspends later stays so); one that Anki does not have is not sent, as a
  new learner importing the deck gets no card for it either.
* The images an updated note shows are sent first (``storeMediaFile``): their
  names follow their content, so a file Anki already has is only rewritten
  with the same bytes. New notes bring theirs in their package.

Only the standard library is used (http.client, json). An answer is read with
limits, since whatever listens at the address may not be AnkiConnect: each read
waits at most ``timeout`` seconds, the whole exchange at most ``deadline``
(default 6 × ``timeout``), and an answer over ``max_answer`` bytes (64 MB) is
refused; ``notesInfo`` is asked in batches so that real answers stay far below.
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import tempfile
import threading
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..items.model import PaperInfo
from ..store.model import Record
from .images import NO_IMAGES, ImagePolicy, read_media
from .package import render_notes, write_package
from .render import RenderedNote
from .tags import RETIRED_TAG

DEFAULT_URL = "http://127.0.0.1:8765"
API_VERSION = 6
KEEP_TAGS = ("leech", "marked")         # set by Anki or the learner, not by papercards
MAX_ANSWER = 64 * 1024 * 1024           # bytes; 500 notes of notesInfo are well under 1 MB
DEADLINE_FACTOR = 6                     # a whole exchange may take this many read timeouts
NOTES_PER_CALL = 500                    # notesInfo batch
_CHUNK = 64 * 1024


class AnkiConnectError(Exception):
    """AnkiConnect answered with an error, or with something that is not AnkiConnect."""


class Unreachable(AnkiConnectError):
    def __init__(self, url: str):
        super().__init__(f"Could not reach AnkiConnect at {url}: is Anki running with the AnkiConnect add-on?")
        self.url = url


class AnkiConnect:
    """A minimal AnkiConnect client (protocol version 6)."""

    def __init__(self, url: str = DEFAULT_URL, *, timeout: float = 10.0, key: str | None = None,
                 deadline: float | None = None, max_answer: int = MAX_ANSWER):
        self.url, self.timeout, self.key = url, timeout, key
        self.deadline, self.max_answer = deadline, max_answer

    def invoke(self, action: str, *, timeout: float | None = None, **params):
        request = {"action": action, "version": API_VERSION, "params": params}
        if self.key:
            request["key"] = self.key
        timeout = timeout or self.timeout
        body = self._post(json.dumps(request).encode("utf-8"), action, timeout,
                          self.deadline or DEADLINE_FACTOR * timeout)
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise AnkiConnectError(f"{self.url} did not answer like AnkiConnect (not JSON)") from None
        if not isinstance(data, dict) or "result" not in data or "error" not in data:
            raise AnkiConnectError(f"{self.url} did not answer like AnkiConnect (no result/error)")
        if data["error"] is not None:
            raise AnkiConnectError(f"AnkiConnect {action} failed: {data['error']}")
        return data["result"]

    def _post(self, body: bytes, action: str, timeout: float, deadline: float) -> bytes:
        """POST ``body`` and return the answer's body, within the limits (see the module)."""
        conn = self._connection(timeout)
        watchdog = _Watchdog(conn, deadline)
        try:
            conn.request("POST", urllib.parse.urlsplit(self.url).path or "/", body=body,
                         headers={"Content-Type": "application/json"})
            answer = conn.getresponse()
            if answer.status != 200:
                raise AnkiConnectError(f"AnkiConnect at {self.url} answered HTTP {answer.status} to {action}")
            data = self._read(answer, action)
        except (http.client.HTTPException, OSError) as exc:
            if watchdog.expired.is_set():
                raise self._too_slow(action, deadline) from None
            if isinstance(exc, http.client.HTTPException) and not isinstance(exc, ConnectionError):
                raise AnkiConnectError(f"{self.url} did not answer like AnkiConnect (not HTTP)") from None
            raise Unreachable(self.url) from None
        finally:
            watchdog.cancel()
            conn.close()
        if watchdog.expired.is_set():           # cut just as the last byte came: still too slow
            raise self._too_slow(action, deadline)
        return data

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        """A connection to ``url``, not opened yet (each blocking read waits ``timeout``)."""
        parts = urllib.parse.urlsplit(self.url)
        connection = {"http": http.client.HTTPConnection, "https": http.client.HTTPSConnection}.get(parts.scheme)
        try:
            if connection and parts.hostname:
                return connection(parts.hostname, parts.port, timeout=timeout)
        except ValueError:                                  # a port that is not a number
            pass
        raise AnkiConnectError(f"{self.url} is not an http:// address, like {DEFAULT_URL}")

    def _read(self, answer: http.client.HTTPResponse, action: str) -> bytes:
        """The answer's body, refused as soon as it is known to be over ``max_answer`` bytes."""
        length = answer.getheader("Content-Length", "").strip()
        if length.isdigit() and int(length) > self.max_answer:
            raise self._too_big(action)
        chunks, size = [], 0
        while chunk := answer.read(_CHUNK):
            size += len(chunk)
            if size > self.max_answer:
                raise self._too_big(action)
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_big(self, action: str) -> AnkiConnectError:
        return AnkiConnectError(f"AnkiConnect at {self.url} sent more than {self.max_answer / 2**20:g} MB "
                                f"in answer to {action}; stopped reading (is it AnkiConnect?)")

    def _too_slow(self, action: str, deadline: float) -> AnkiConnectError:
        return AnkiConnectError(f"AnkiConnect at {self.url} took more than {deadline:g} s to answer "
                                f"{action}; gave up (is it AnkiConnect?)")

    def check(self) -> int:
        """The add-on's API version; refuses versions older than 6."""
        version = self.invoke("version")
        if not isinstance(version, int) or version < API_VERSION:
            raise AnkiConnectError(f"AnkiConnect at {self.url} speaks API version {version}; "
                                   f"papercards needs {API_VERSION} or newer (update the add-on)")
        return version


class _Watchdog:
    """Cuts a connection still open after ``seconds``: a server sending one byte every few
    seconds satisfies each read's timeout but must not hold the exchange forever."""

    def __init__(self, conn: http.client.HTTPConnection, seconds: float):
        self.conn, self.expired = conn, threading.Event()
        self.timer = threading.Timer(seconds, self._expire)
        self.timer.daemon = True
        self.timer.start()

    def _expire(self) -> None:
        self.expired.set()
        sock = self.conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)         # wakes the blocked read with end-of-file
            except OSError:
                pass

    def cancel(self) -> None:
        self.timer.cancel()


@dataclass
class PushReport:
    added: list[str] = field(default_factory=list)          # item ids
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicting: list[tuple[str, str]] = field(default_factory=list)    # (item id, why not updated)
    suspended: list[int] = field(default_factory=list)      # card ids of notes retired by this push


def _tags_key(tags: Iterable[str]) -> set[str]:
    return {t.casefold() for t in tags if t.casefold() not in KEEP_TAGS}


def existing_notes(client: AnkiConnect) -> dict[str, dict]:
    """Notes that carry an ItemId, by its (HTML) value: {ItemId: notesInfo entry}."""
    ids = client.invoke("findNotes", query='"ItemId:_*"')
    if not ids:
        return {}
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise AnkiConnectError(f"{client.url} did not answer like AnkiConnect (findNotes: not note ids)")
    out: dict[str, dict] = {}
    for start in range(0, len(ids), NOTES_PER_CALL):
        infos = client.invoke("notesInfo", notes=ids[start:start + NOTES_PER_CALL])
        if not isinstance(infos, list) or not all(_is_note_info(i) for i in infos):
            raise AnkiConnectError(f"{client.url} did not answer like AnkiConnect (notesInfo: not notes)")
        for info in infos:
            value = ((info.get("fields") or {}).get("ItemId") or {}).get("value", "")
            if value:
                out.setdefault(value, info)      # two notes with one ItemId: the first (oldest) wins
    return out


def _is_note_info(info) -> bool:
    """The shape `plan_push` reads: {noteId, modelName, fields: {name: {value}}, tags: [str]},
    or {} (a note deleted meanwhile)."""
    if not isinstance(info, dict):
        return False
    fields, tags = info.get("fields") or {}, info.get("tags") or []
    return (not info or isinstance(info.get("noteId"), int)) and isinstance(fields, dict) \
        and all(f is None or isinstance(f, dict) and isinstance(f.get("value", ""), str) for f in fields.values()) \
        and isinstance(tags, list) and all(isinstance(t, str) for t in tags)


def plan_push(notes: list[RenderedNote], existing: Mapping[str, dict]
              ) -> tuple[PushReport, list[RenderedNote], list[tuple[RenderedNote, dict]]]:
    """(report, notes to add, (note, what to send to updateNote) to update); the cards
    to suspend are in ``report.suspended``."""
    report = PushReport()
    to_add: list[RenderedNote] = []
    to_update: list[tuple[RenderedNote, dict]] = []
    for note in notes:
        info = existing.get(note.fields["ItemId"])
        retired = RETIRED_TAG in note.tags
        if info is None:
            if not retired:
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
            if retired and RETIRED_TAG.casefold() not in _tags_key(info.get("tags") or []):
                report.suspended.extend(c for c in info.get("cards") or [] if isinstance(c, int))
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
    if report.suspended:
        client.invoke("suspend", cards=report.suspended)
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
