"""Reading and writing the item store's YAML, readable and byte-stable.

Readable: Chinese as Chinese (``allow_unicode``), multi-line answers as
``|`` blocks, keys in a fixed order. Stable: the same records always give the
same bytes, so a rebuild with nothing changed leaves every file untouched.
Strict on the way in: only plain YAML (no ``!!python`` tags), known keys and
the right types, reported with file and line.
"""

from __future__ import annotations

import re

import yaml

from ..config import NESTED_TOO_DEEP, find_alias, too_deep
from ..diagnostics import InputError
from ..items.model import KIND_FIELDS, Item, PaperInfo
from .model import Record

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

ITEM_KEYS = ("id", "kind", "paper", "papers", "fields", "tags", "source", "origin", "suspended",
             "status", "conflict", "old_blanks", "fingerprint", "modified", "checksum")
PAPER_KEYS = ("key", "title", "title_zh", "short", "number", "pdf", "openreview", "links", "methods",
              "tags", "source")

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
# comment line with them: a title must not turn the header into an unreadable file
_COMMENT_UNSAFE = re.compile("[^\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def paper_to_dict(p: PaperInfo) -> dict:
    out = {"key": p.key, "title": p.title, "title_zh": p.title_zh, "short": p.short, "number": p.number,
           "pdf": p.pdf, "openreview": p.openreview, "links": p.links, "methods": p.methods,
           "tags": p.tags, "source": p.source}
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
    if item.source:
        out["source"] = item.source
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

class _LineLoader(_Loader):
    """Safe loader that remembers the line of every mapping (as key ``__line__``)."""


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    mapping = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(None, None, "keys must be plain words",
                                                    key_node.start_mark)
        if key in mapping:
            raise yaml.constructor.ConstructorError(None, None, f"key '{key}' appears twice",
                                                    key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load_text(text: str, shown: str) -> tuple[dict | None, list[Record]]:
    """Parse one store file → (paper header dict or None, records). Raises InputError."""
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
        return None, []
    if not isinstance(doc, dict):
        raise InputError(shown, 1, "expected a mapping with 'items:' at the top")
    unknown = [k for k in doc if k not in ("paper", "items", "__line__")]
    if unknown:
        raise InputError(shown, doc["__line__"], f"unknown top-level key '{unknown[0]}' (expected paper, items)")
    paper = doc.get("paper")
    if paper is not None and not isinstance(paper, dict):
        raise InputError(shown, doc["__line__"], "'paper' must be a mapping")
    items = doc.get("items") or []
    if not isinstance(items, list):
        raise InputError(shown, doc["__line__"], "'items' must be a list")
    records = [_record(raw, shown, doc["__line__"]) for raw in items]
    if paper is not None:
        paper = {k: v for k, v in paper.items() if k != "__line__"}
    return paper, records


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


def _record(raw, shown: str, parent_line: int) -> Record:
    if not isinstance(raw, dict):
        raise InputError(shown, parent_line, "each entry under 'items' must be a mapping (id, kind, fields, …)")
    line = raw.get("__line__", parent_line)

    def bad(msg: str) -> InputError:
        return InputError(shown, line, f"item {raw.get('id', '(no id)')!s}: {msg}")

    for key in raw:
        if key != "__line__" and key not in ITEM_KEYS:
            hint = {"suspend": "suspended", "field": "fields", "tag": "tags"}.get(key)
            raise bad(f"unknown key '{key}'" + (f" (did you mean '{hint}'?)" if hint else
                                                 f" (known: {', '.join(ITEM_KEYS)})"))
    for key in ("id", "kind", "fields"):
        if key not in raw:
            raise bad(f"missing '{key}'")
    if not isinstance(raw["id"], str) or not raw["id"].strip():
        raise bad("'id' must be text")
    if raw["kind"] not in KIND_FIELDS:
        raise bad(f"unknown kind '{raw['kind']}' (known: {', '.join(KIND_FIELDS)})")
    fields = raw["fields"]
    if not isinstance(fields, dict):
        raise bad("'fields' must be a mapping of name: text")
    clean: dict[str, str] = {}
    for k, v in fields.items():
        if k == "__line__":
            continue
        if v is None:
            v = ""
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            v = str(v)
        if not isinstance(v, str):
            raise bad(f"field '{k}' must be text, not {type(v).__name__}")
        clean[str(k)] = v
    tags = raw.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, (str, int)) for t in tags):
        raise bad("'tags' must be a list of words")
    papers = raw.get("papers") or []
    if not isinstance(papers, list) or not all(isinstance(p, str) for p in papers):
        raise bad("'papers' must be a list of paper keys")
    origin = raw.get("origin", "manual")
    if origin not in ("auto", "manual"):
        raise bad("'origin' must be auto or manual")
    suspended = raw.get("suspended", False)
    if not isinstance(suspended, bool):
        raise bad("'suspended' must be true or false")
    status = raw.get("status", "active")
    if status not in ("active", "retired"):
        raise bad("'status' must be active or retired")
    conflict = raw.get("conflict")
    if conflict is not None and not isinstance(conflict, (dict, str)):
        raise bad("'conflict' must be a mapping")
    if isinstance(conflict, dict):
        conflict = _strip_lines(conflict)
    old_blanks = _strip_lines(raw.get("old_blanks") or {})
    if not isinstance(old_blanks, dict) or not all(
            isinstance(k, int) and not isinstance(k, bool) and k > 0 and isinstance(v, (str, int, float))
            and not isinstance(v, bool) for k, v in old_blanks.items()):
        raise bad("'old_blanks' must map cloze numbers to their answers")
    old_blanks = {k: str(v) for k, v in old_blanks.items()}
    modified = raw.get("modified", 0)
    if not isinstance(modified, int) or isinstance(modified, bool) or modified < 0:
        raise bad("'modified' must be a whole number (seconds)")
    for key in ("fingerprint", "checksum", "source", "paper"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise bad(f"'{key}' must be text")
    item = Item(id=raw["id"].strip(), kind=raw["kind"], fields=clean, paper=raw.get("paper"),
                papers=list(papers), tags=[str(t) for t in tags], source=raw.get("source") or "")
    record = Record(item=item, origin=origin, suspended=suspended, status=status, conflict=conflict,
                    old_blanks=old_blanks, fingerprint=raw.get("fingerprint") or "", modified=modified,
                    checksum=raw.get("checksum") or "", line=line)
    return record


def _strip_lines(value):
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def paper_from_dict(d: dict) -> PaperInfo | None:
    if not isinstance(d, dict) or not isinstance(d.get("key"), str):
        return None
    known = {k: d[k] for k in PAPER_KEYS if k in d}
    try:
        return PaperInfo(**known)
    except TypeError:
        return None
