"""Reading and writing the item store's YAML, readable and byte-stable.

Readable: Chinese as Chinese (``allow_unicode``), multi-line answers as
``|`` blocks, keys in a fixed order. Stable: the same records always give the
same bytes, so a rebuild with nothing changed leaves every file untouched.
Strict on the way in: only plain YAML (no ``!!python`` tags), known keys and
the right types, reported with file and line.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import yaml

from ..config import NESTED_TOO_DEEP, find_alias, too_deep
from ..diagnostics import InputError
from ..items.model import KIND_FIELDS, Item, PaperInfo
from ..kinds import KIND
from .model import Record

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

ITEM_KEYS = ("id", "kind", "paper", "papers", "fields", "tags", "tags_anki", "source", "place", "origin", "suspended",
             "status", "conflict", "old_blanks", "fingerprint", "modified", "checksum")
PAPER_KEYS = ("key", "title", "title_zh", "short", "number", "pdf", "openreview", "links", "methods",
              "tags", "folders", "source")

HEADER = """\
# papercards item store: {what}
# Edit freely. Change any field, add `suspended: true` to keep an item out of
# study, or add your own items with `origin: manual`. A rebuild keeps your
# edits; when the notes change under an edit, the item gets a `conflict:` entry.
# Leave fingerprint, modified and checksum alone: they are papercards' bookkeeping.
"""


class _StoreDumper(_Dumper):
    pass


def _str_representer(dumper, value: str):
    if "\n" in value and not re.search(r"[ \t]\n|[ \t]$|^\s", value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_StoreDumper.add_representer(str, _str_representer)
_StoreDumper.ignore_aliases = lambda self, data: True     # never &id001/*id001: the loader refuses them


def dump_file(what: str, paper: PaperInfo | None, records: list[Record]) -> str:
    doc: dict = {}
    if paper is not None:
        doc["paper"] = paper_to_dict(paper)
    doc["items"] = [record_to_dict(r) for r in records]
    body = yaml.dump(doc, Dumper=_StoreDumper, allow_unicode=True, sort_keys=False, width=100,
                     default_flow_style=False)
    return HEADER.format(what=_COMMENT_UNSAFE.sub(" ", what)) + body


# YAML rejects these anywhere, comments included (control characters), or ends the
# comment line with them: a title must not turn the header into an unreadable file.
# Everything but YAML's printable characters (\t, \x20-\x7e, \xa0-\u2027, \u202a-\ud7ff,
# \ue000-\ufffd, \U00010000-\U0010ffff), listed, not as a negated class: re compiles
# a class char by char, and the negated one took 8 ms at every start
_COMMENT_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def paper_to_dict(p: PaperInfo) -> dict:
    out = {"key": p.key, "title": p.title, "title_zh": p.title_zh, "short": p.short, "number": p.number,
           "pdf": p.pdf, "openreview": p.openreview, "links": p.links, "methods": p.methods,
           "tags": p.tags, "folders": p.folders, "source": p.source}
    return {k: v for k, v in out.items() if v not in (None, [], "")}


def record_to_dict(r: Record) -> dict:
    item = r.item
    order = KIND_FIELDS.get(item.kind, ())
    fields = {k: item.fields[k] for k in order if item.fields.get(k)}
    fields.update({k: v for k, v in item.fields.items() if k not in fields and v})
    out: dict = {"id": item.id, "kind": item.kind}
    if item.paper:
        out["paper"] = item.paper
    if item.papers:
        out["papers"] = list(item.papers)
    out["fields"] = fields
    if item.tags:
        out["tags"] = list(item.tags)
    if r.tags_anki:
        out["tags_anki"] = list(r.tags_anki)
    if item.source:
        out["source"] = item.source
    if item.place:
        out["place"] = item.place
    out["origin"] = r.origin
    if r.suspended:
        out["suspended"] = True
    if r.status != "active":
        out["status"] = r.status
    if r.conflict:
        out["conflict"] = r.conflict
    if r.old_blanks:
        out["old_blanks"] = {n: r.old_blanks[n] for n in sorted(r.old_blanks)}
    if r.origin == "auto":
        out["fingerprint"] = r.fingerprint
    out["modified"] = r.modified
    out["checksum"] = r.checksum
    return out


# --------------------------------------------------------------------------- loading

# `modified` is an Anki note's mod time (seconds) and, times 1000, the base of its ids:
# past the year 9999 no calendar shows it, and SQLite's integers end soon after
MAX_MODIFIED = 253_402_300_799          # 9999-12-31 23:59:59 UTC


class _Mapping(dict):
    """A YAML mapping as read: where it starts (``line``), where each key is
    (``key_lines``), and the text as typed of each plain scalar value (``typed``),
    so that ``short: 2048`` can be the text "2048" YAML would make a number of."""
    line = 0
    key_lines: dict
    typed: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(_Loader):
    """Safe loader that builds `_Mapping`s."""


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines, mapping.typed = {}, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(None, None, "keys must be plain words",
                                                    key_node.start_mark)
        if key in mapping:
            raise yaml.constructor.ConstructorError(None, None, f"key '{key}' appears twice",
                                                    key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=deep)
        mapping.key_lines[key] = key_node.start_mark.line + 1
        if isinstance(value_node, yaml.ScalarNode) and not value_node.style:     # plain (C loader: "")
            mapping.typed[key] = value_node.value
    return mapping


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


class _NotText(ValueError):
    """A value where text belongs is a list, a mapping or binary data."""


def _text(mapping: _Mapping, key) -> str:
    """The value under ``key`` as text, "" when absent or null.

    A plain scalar that YAML reads as a number, a date or true/false is the
    text as typed (``short: 2048`` → "2048", ``answer: yes`` → "yes",
    ``answer: 1.50`` → "1.50"): the user wrote text there, and papercards
    always quotes such text when it writes. Raises `_NotText` for anything else.
    """
    value = mapping.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if key in mapping.typed:
        return mapping.typed[key]
    raise _NotText(_type_name(value))


def _type_name(value) -> str:
    return {dict: "a mapping", _Mapping: "a mapping", list: "a list"}.get(type(value), type(value).__name__)


def _as_typed(mapping: _Mapping, key) -> str:
    """A value for a message: as typed when plain, else what it is."""
    value = mapping.get(key)
    if key in mapping.typed:
        return mapping.typed[key]
    return f"the text {value!r}" if isinstance(value, str) else _type_name(value)


def _texts(mapping: _Mapping, key) -> list[str]:
    """A list of words (``tags``, ``papers``): a list whose items are plain scalars, each as text."""
    value = mapping.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        raise _NotText(_type_name(value))
    return [str(v) for v in value]


class StoreFile(NamedTuple):
    paper: PaperInfo | None       # the ``paper:`` header
    paper_line: int               # where it starts
    records: list[Record]


def load_text(text: str, shown: str) -> StoreFile:
    """Parse one store file. Raises InputError naming the file and line."""
    try:
        doc = _load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or exc.context or "not valid YAML"
        if "could not determine a constructor" in str(exc):
            problem = "YAML tags such as !!python/object are not allowed in cards/"
        elif exc.context_mark is not None and exc.problem_mark is not None \
                and exc.context_mark.line != exc.problem_mark.line:
            problem += f" ({exc.context} at line {exc.context_mark.line + 1})"
        raise InputError(shown, line, f"{problem} (fix the file; deleting it regenerates it without your edits)") from None
    except yaml.YAMLError as exc:
        raise InputError(shown, 0, f"not valid YAML: {exc}") from None
    if doc is None:
        return StoreFile(None, 0, [])
    if not isinstance(doc, dict):
        raise InputError(shown, 1, "expected a mapping with 'items:' at the top")
    unknown = [k for k in doc if k not in ("paper", "items")]
    if unknown:
        raise InputError(shown, doc.line_of(unknown[0]),
                         f"unknown top-level key '{unknown[0]}' (expected paper, items)")
    paper = doc.get("paper")
    if paper is not None and not isinstance(paper, dict):
        raise InputError(shown, doc.line_of("paper"), "'paper' must be a mapping")
    items = doc.get("items") or []
    if not isinstance(items, list):
        raise InputError(shown, doc.line_of("items"), "'items' must be a list")
    records = [_record(raw, shown, doc.line_of("items")) for raw in items]
    if paper is None:
        return StoreFile(None, 0, records)
    return StoreFile(_paper(paper, shown), doc.line_of("paper"), records)


def load_dumped(text: str, shown: str, paper: PaperInfo | None, records: list[Record]) -> StoreFile | None:
    """What `load_text` gives for ``text``, which `dump_file` wrote from ``paper`` and
    ``records``, without parsing it: their values go through the checks `load_text`
    makes, at the lines where the text has them. A build keeps it for the next build,
    which then need not parse the files it wrote (`papercards.cache`). None when the
    text's lines do not match the records."""
    lines = _LINE_BREAK.split(text)
    starts = [n for n, line in enumerate(lines, 1) if line.startswith("- id:")]
    if len(starts) != len(records) or "items:" not in lines:
        return None
    items_line = lines.index("items:") + 1
    loaded = [_record(_as_read(record_to_dict(r), line), shown, items_line) for r, line in zip(records, starts)]
    if paper is None:
        return StoreFile(None, 0, loaded)
    paper_line = lines.index("paper:") + 1 if "paper:" in lines else 0
    return StoreFile(_paper(_as_read(paper_to_dict(paper), paper_line), shown), paper_line, loaded)


# where YAML counts a new line (`load_text`'s line numbers): a title may hold U+2028
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _as_read(value, line: int):
    """A value `dump_file` wrote as the loader reads it back: mappings as `_Mapping`s."""
    if isinstance(value, dict):
        mapping = _Mapping({k: _as_read(v, line) for k, v in value.items()})
        mapping.line, mapping.key_lines, mapping.typed = line, {}, {}
        return mapping
    if isinstance(value, list):
        return [_as_read(v, line) for v in value]
    return value


def _load(text: str):
    """``yaml.load`` with the line loader, refusing deep nesting and anchors and aliases (see
    `too_deep` and `find_alias`)."""
    deep = too_deep(text, _Loader)
    if deep is not None:
        raise yaml.composer.ComposerError(None, None, NESTED_TOO_DEEP, deep)
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        alias = find_alias(node)
        if alias is not None:
            raise yaml.composer.ComposerError(None, None, "YAML anchors and aliases (&name, *name) are "
                                              "not allowed in cards/", alias.start_mark)
        return loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


_PAPER_TEXT = ("key", "title", "title_zh", "short", "pdf", "openreview", "source")


def _paper(raw: _Mapping, shown: str) -> PaperInfo:
    """The ``paper:`` header, checked like an item: known keys, the right types."""
    def bad(key, msg: str) -> InputError:
        return InputError(shown, raw.line_of(key), f"paper header: {msg}")

    for key in raw:
        if key not in PAPER_KEYS:
            raise bad(key, f"unknown key '{key}' (known: {', '.join(PAPER_KEYS)})")
    values: dict = {}
    for key in _PAPER_TEXT:
        try:
            values[key] = _text(raw, key)
        except _NotText as exc:
            raise bad(key, f"'{key}' must be text, not {exc}") from None
    if not values["key"].strip():
        raise bad("key", "'key' must be the paper's key (its OpenReview id or title slug)")
    number = raw.get("number")
    if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
        raise bad("number", f"'number' must be a whole number, not {_as_typed(raw, 'number')}")
    for key in ("tags", "methods", "folders"):
        try:
            values[key] = _texts(raw, key)
        except _NotText as exc:
            raise bad(key, f"'{key}' must be a list of words, not {exc}") from None
    links = raw.get("links") or []
    if not isinstance(links, list) or not all(isinstance(link, dict) for link in links):
        raise bad("links", "'links' must be a list of {text, href} mappings")
    try:
        values["links"] = [{k: _text(link, k) for k in link} for link in links]
    except _NotText as exc:
        raise bad("links", f"a link's text and href must be text, not {exc}") from None
    values["key"] = values["key"].strip()
    return PaperInfo(number=number, **{k: v or None if k in ("title_zh", "pdf", "openreview") else v
                                       for k, v in values.items()})


def _record(raw, shown: str, parent_line: int) -> Record:
    if not isinstance(raw, dict):
        raise InputError(shown, parent_line, "each entry under 'items' must be a mapping (id, kind, fields, …)")

    def bad(msg: str, key=None) -> InputError:
        return InputError(shown, raw.line_of(key), f"item {raw.get('id', '(no id)')!s}: {msg}")

    for key in raw:
        if key not in ITEM_KEYS:
            hint = {"suspend": "suspended", "field": "fields", "tag": "tags"}.get(key)
            raise bad(f"unknown key '{key}'" + (f" (did you mean '{hint}'?)" if hint else
                                                 f" (known: {', '.join(ITEM_KEYS)})"), key)
    for key in ("id", "kind", "fields"):
        if key not in raw:
            raise bad(f"missing '{key}'")
    text: dict[str, str] = {}
    for key in ("id", "paper", "source", "place", "fingerprint", "checksum"):
        try:
            text[key] = _text(raw, key).strip() if key == "id" else _text(raw, key)
        except _NotText as exc:
            raise bad(f"'{key}' must be text, not {exc}", key) from None
    if not text["id"]:
        raise bad("'id' must be text", "id")
    kind = raw["kind"]
    if kind not in KIND_FIELDS:
        raise bad(f"unknown kind '{kind}' (known: {', '.join(KIND_FIELDS)})", "kind")
    fields = raw["fields"]
    if not isinstance(fields, dict):
        raise bad("'fields' must be a mapping of name: text", "fields")
    clean: dict[str, str] = {}
    for k in fields:
        try:
            clean[str(k)] = _text(fields, k)
        except _NotText as exc:
            raise InputError(shown, fields.line_of(k), f"item {text['id']}: field '{k}' must be text, "
                             f"not {exc}") from None
    try:
        tags = _texts(raw, "tags")
    except _NotText:
        raise bad("'tags' must be a list of words", "tags") from None
    try:
        tags_anki = _texts(raw, "tags_anki")
    except _NotText:
        raise bad("'tags_anki' must be a list of words", "tags_anki") from None
    papers = raw.get("papers") or []
    if not isinstance(papers, list) or not all(isinstance(p, str) for p in papers):
        raise bad("'papers' must be a list of paper keys", "papers")
    origin = raw.get("origin", "manual")
    if origin not in ("auto", "manual"):
        raise bad("'origin' must be auto or manual", "origin")
    if origin == "auto":
        _check_auto_identity(text["id"], kind, bad)
    suspended = raw.get("suspended", False)
    if not isinstance(suspended, bool):
        raise bad("'suspended' must be true or false", "suspended")
    status = raw.get("status", "active")
    if status not in ("active", "retired"):
        raise bad("'status' must be active or retired", "status")
    conflict = raw.get("conflict")
    if conflict is not None and not isinstance(conflict, (dict, str)):
        raise bad("'conflict' must be a mapping", "conflict")
    old_blanks = raw.get("old_blanks") or {}
    if not isinstance(old_blanks, dict) or not all(
            isinstance(k, int) and not isinstance(k, bool) and k > 0 and isinstance(v, (str, int, float))
            and not isinstance(v, bool) for k, v in old_blanks.items()):
        raise bad("'old_blanks' must map cloze numbers to their answers", "old_blanks")
    old_blanks = {k: _text(old_blanks, k) for k in old_blanks}
    modified = raw.get("modified", 0)
    if not isinstance(modified, int) or isinstance(modified, bool) or not 0 <= modified <= MAX_MODIFIED:
        raise bad(f"'modified' must be a time in whole seconds since 1970 (at most {MAX_MODIFIED}, the "
                  f"year 9999), not {_as_typed(raw, 'modified')}; it is papercards' "
                  "bookkeeping: put back the number it wrote, or delete both 'modified' and 'checksum' "
                  "to have them set anew", "modified")
    item = Item(id=text["id"], kind=kind, fields=clean, paper=text["paper"] or None,
                papers=list(papers), tags=tags, source=text["source"], place=text["place"])
    return Record(item=item, origin=origin, suspended=suspended, tags_anki=tags_anki, status=status, conflict=_plain(conflict),
                  old_blanks=old_blanks, fingerprint=text["fingerprint"], modified=modified,
                  checksum=text["checksum"], line=raw.line)


def _check_auto_identity(item_id: str, kind: str, bad) -> None:
    """An item papercards made keeps the id and kind it made it with: Anki knows its
    note by the id (a changed id is a second note) and by its type."""
    kinds = kinds_in_id(item_id)
    if not kinds:
        raise bad("the id was changed by hand: papercards makes ids of the form <paper>/<kind>/…, and "
                  "Anki knows the note by its id (a new id makes a second note, without its review "
                  "history); change it back (to have your own item, use origin: manual)", "id")
    if kind not in kinds:
        raise bad(f"'kind' was changed by hand to {kind}, but this item is a {' or '.join(kinds)} (its id "
                  "says so): papercards makes it from your notes, and Anki knows its note by that type; "
                  "change the kind back (for another kind of card, add your own item with origin: manual)",
                  "kind")


def kinds_in_id(item_id: str) -> list[str]:
    """The kinds an id made by papercards can belong to: ``<paper>/<kind>/<anchor>``, or
    ``<kind>/<anchor>`` for a glossary kind's item, ``term/<anchor>`` (a paper whose key is
    ``term`` makes both readable)."""
    parts = item_id.split("/")
    kinds = [parts[0]] if parts[0] in KIND and KIND[parts[0]].glossary else []
    if len(parts) >= 3 and parts[1] in KIND_FIELDS and parts[1] not in kinds:
        kinds.append(parts[1])
    return kinds


def _plain(value):
    """Plain dicts and lists (`_Mapping` carries what only the loader needs)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
