"""Record + PaperInfo → note type, field values (HTML), tags, deck and GUID.

Pure functions: nothing here touches files or the clock. Item fields are inline
Markdown; they are rendered with ``papercards.text.render_inline`` (the one
Markdown/LaTeX → HTML renderer of the project), line by line, with lines that
start with ``- ``/``* ``/``1. `` turned into ``<ul>``/``<ol>``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import genanki

from ..diagnostics import Diagnostic
from ..items.model import KINDS, Item, PaperInfo
from ..items.place import SEPARATOR
from ..store.merge import content_of
from ..store.model import Record
from ..text import cloze_safe, render_inline
from .images import NO_IMAGES, ImagePolicy, MediaFile, place_images
from ..text.inline import escape_text, refused_tex
from .notetypes import CLOZE_FIELDS, QA_FIELDS, TERM_FIELDS, all_models, cloze_model, qa_model, term_model

GLOSSARY_DECK = "Glossary 术语"
SHOWN_PAPERS = 3          # a term used by more papers shows this many names and a count

TAG_PREFIX = "papercards"
RETIRED_TAG = "papercards::retired"
SUSPENDED_TAG = "papercards::suspended"

class SkipRecord(ValueError):
    """The record would make an empty or unanswerable card; the reason is the message."""


@dataclass
class RenderedNote:
    """Everything a genanki note needs, computed from one record."""
    item_id: str
    kind: str
    model: genanki.Model
    fields: dict[str, str]            # field name -> HTML, in the model's field order
    tags: list[str]
    deck: str                         # full deck name: "Deck::Short"
    guid: str
    mod: int                          # record.modified: when the content last changed
    suspend: bool = False
    media: tuple[MediaFile, ...] = ()          # images the card shows: packed with the deck
    media_inputs: tuple[str, ...] = ()         # local images it names, found or not (see `uptodate`)
    problems: tuple[Diagnostic, ...] = ()      # images left out, and why
    which: tuple[str, ...] = ()                # what tells it from a note with its first field (`distinct`)

    @property
    def field_list(self) -> list[str]:
        return [self.fields[f["name"]] for f in self.model.fields]


# --------------------------------------------------------------------------- Markdown

_LIST_LINE = re.compile(r"^(?P<indent>[ \t]*)(?:(?P<bullet>[-*+])|(?P<num>\d{1,3})[.)])[ \t]+(?P<text>.*)$")
_HEADING_LINE = re.compile(r"^[ \t]*#{1,6}[ \t]+(?P<text>.*?)[ \t#]*$")


def render_block(md: str | None) -> str:
    """Multi-line inline Markdown → HTML: lines starting ``- ``/``* ``/``1. `` become
    ``<ul>``/``<ol>`` (nested by indentation), ``## heading`` lines become bold lines,
    other lines are rendered inline and joined with ``<br>``; a single plain line
    comes back as plain inline HTML (no wrapper)."""
    if not md or not md.strip():
        return ""
    lines = md.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    blocks: list[tuple[str, str]] = []     # ("p" | "list" | "h", html)
    para: list[str] = []
    out: list[str] = []                    # html of the list being built
    stack: list[tuple[int, str]] = []      # open lists: (indent, "ul"/"ol"), each with an open <li>

    def flush_para() -> None:
        if para:
            blocks.append(("p", "<br>".join(render_inline(line) for line in para)))
            para.clear()

    def close_lists(indent: int = -1) -> None:
        while stack and stack[-1][0] > indent:
            out.append(f"</li></{stack.pop()[1]}>")
        if not stack and out:
            blocks.append(("list", "".join(out)))
            out.clear()

    for raw in lines:
        if not raw.strip():
            flush_para()
            continue
        m = _LIST_LINE.match(raw)
        if m:
            flush_para()
            indent = len(m.group("indent").expandtabs(4))
            tag = "ol" if m.group("num") else "ul"
            # close lists nested deeper than this line
            while stack and stack[-1][0] > indent:
                out.append(f"</li></{stack.pop()[1]}>")
            if stack and stack[-1][0] == indent and stack[-1][1] == tag:
                out.append("</li><li>")
            else:
                if stack and stack[-1][0] == indent:      # same level, other list type
                    out.append(f"</li></{stack.pop()[1]}>")
                start = int(m.group("num")) if m.group("num") else 1
                attr = f' start="{start}"' if tag == "ol" and start != 1 else ""
                out.append(f"<{tag}{attr}><li>")
                stack.append((indent, tag))
            out.append(render_inline(m.group("text").strip()))
            continue
        h = _HEADING_LINE.match(raw)
        if h:
            flush_para()
            close_lists()
            blocks.append(("h", f'<div class="pc-h"><b>{render_inline(h.group("text"))}</b></div>'))
            continue
        if stack and raw[:1] in (" ", "\t"):               # continuation of a list item
            out.append("<br>" + render_inline(raw.strip()))
            continue
        close_lists()
        para.append(raw.strip())
    flush_para()
    close_lists()

    if len(blocks) == 1 and blocks[0][0] == "p":
        return blocks[0][1]
    return "".join(f"<div>{h}</div>" if kind == "p" else h for kind, h in blocks)


# Cloze markers are swapped for private-use placeholders while the text is rendered,
# so Markdown may span a blank (``**{{c1::x}}**``) and the blank's inside is rendered too.
_OPEN_PH = "\ue000"
_HINT_PH = "\ue001"
_CLOSE_PH = "\ue002"
_PH_NUM_END = "\ue003"
_CLOZE_OPEN = re.compile(r"\{\{c(\d+)::")
_CLOZE_BLANK = re.compile(r"\{\{c[1-9]\d*::.+?\}\}", re.S)     # what makes Anki create a card
_PLACEHOLDER_RE = re.compile(f"{_OPEN_PH}(\\d+){_PH_NUM_END}")


def _protect_clozes(text: str, *, balance: bool) -> tuple[str, bool]:
    """Swap cloze markers for placeholders. With ``balance``, a ``}}`` ends a blank
    only when the braces opened inside it are closed (``{{c1::\\textbf{3D}}}``: the
    macro's brace is not the blank's end). Returns the text and whether every
    blank was closed."""
    out: list[str] = []
    stack: list[list] = []           # open blanks: [brace depth, hint seen]
    i = 0
    while i < len(text):
        m = _CLOZE_OPEN.match(text, i)
        if m:
            out.append(f"{_OPEN_PH}{m.group(1)}{_PH_NUM_END}")
            stack.append([0, False])
            i = m.end()
            continue
        if stack:
            top = stack[-1]
            if text.startswith("}}", i) and (not balance or top[0] == 0):
                out.append(_CLOSE_PH)
                stack.pop()
                i += 2
                continue
            if text.startswith("::", i) and not top[1]:
                out.append(_HINT_PH)
                top[1] = True
                i += 2
                continue
            if balance:
                if text[i] == "\\":            # \{ \} and macros: copied as they are
                    out.append(text[i:i + 2])
                    i += 2
                    continue
                if text[i] == "{":
                    top[0] += 1
                elif text[i] == "}" and top[0]:
                    top[0] -= 1
        out.append(text[i])
        i += 1
    return "".join(out), not stack


def _restore_clozes(rendered: str) -> str:
    rendered = _PLACEHOLDER_RE.sub(lambda m: "{{c" + m.group(1) + "::", rendered)
    return rendered.replace(_HINT_PH, "::").replace(_CLOSE_PH, "}}")


def render_cloze(text: str) -> str:
    """Cloze Markdown → HTML with the ``{{cN::…}}`` (and ``::hint``) markers intact."""
    safe = cloze_safe(text)
    protected, closed = _protect_clozes(safe, balance=True)
    if not closed:                   # unbalanced braces: Anki's own rule, first }} ends a blank
        protected, _ = _protect_clozes(safe, balance=False)
    rendered = _restore_clozes(render_block(protected))
    if any(ph in rendered for ph in (_OPEN_PH, _HINT_PH, _CLOSE_PH, _PH_NUM_END)) or \
            len(_CLOZE_OPEN.findall(rendered)) != len(_CLOZE_OPEN.findall(safe)):
        # the renderer mangled a placeholder: render piece by piece instead
        parts = re.split(r"(\{\{c\d+::|::|\}\})", safe)
        rendered = "".join(p if re.fullmatch(r"\{\{c\d+::|::|\}\}", p) else render_inline(p) for p in parts)
    return rendered


# --------------------------------------------------------------------------- papers

def _e(s: str | None) -> str:
    """Text shown on a card as written (nothing in it typeset or taken for a field)."""
    return escape_text(s or "")


@lru_cache(maxsize=1 << 14)
def safe_href(href: str | None) -> str | None:
    """The href if it is http(s) or relative, else None (no javascript:, data:, file: …)."""
    if not href:
        return None
    href = href.strip().replace(" ", "%20")
    if not href or any(unicodedata.category(c)[0] in "CZ" for c in href):
        return None                   # control, format or other space characters
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https"):
        return href if parts.netloc else None
    if parts.scheme:                  # any other scheme
        return None
    if ":" in href.split("/", 1)[0] or href.startswith("\\"):
        return None                   # "java script:"-like tricks, Windows paths
    return href


def paper_links(info: PaperInfo | None) -> list[tuple[str, str]]:
    """(label, href) for the PDF, OpenReview and other links, unsafe hrefs dropped."""
    if info is None:
        return []
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    candidates = [("PDF", pdf_href(info)), ("OpenReview", info.openreview)]
    candidates += [((link.get("text") or "").strip(), link.get("href")) for link in info.links or []]
    for label, href in candidates:
        ok = safe_href(href)
        if ok is None or ok in seen or not urlsplit(ok).scheme:
            continue                  # a relative link cannot open from Anki (it stays in cards/)
        seen.add(ok)
        found.append((label or ok, ok))
    return found


_OPENREVIEW_ID = re.compile(r"^https?://openreview\.net/(?:forum|pdf)\?(?:.*&)?id=([A-Za-z0-9_-]+)")


def pdf_href(info: PaperInfo) -> str | None:
    """The PDF link a phone can open: the notes' own when it is a web address, else the
    paper's OpenReview PDF (``./papers/x.pdf`` is a file on the author's disk)."""
    pdf = safe_href(info.pdf)
    if pdf and urlsplit(pdf).scheme:
        return pdf
    m = _OPENREVIEW_ID.match(info.openreview or "")
    return f"https://openreview.net/pdf?id={m.group(1)}" if m else None


def links_html(info: PaperInfo | None, *, label: str | None = None) -> str:
    links = paper_links(info)
    if not links:
        return ""
    anchors = " ".join(f'<a href="{html.escape(href)}">{_e(text)}</a>' for text, href in links)
    head = f'<span class="links-paper">{_e(label)}</span> ' if label else ""
    return f'<div class="links">{head}{anchors}</div>'


def paper_html(info: PaperInfo | None, key: str | None = None) -> str:
    if info is None:
        return f'<div class="paper-en">{_e(key)}</div>' if key else ""
    out = f'<div class="paper-en">{render_inline(info.title or info.key)}</div>'
    if info.title_zh:
        out += f'<div class="paper-zh">{render_inline(info.title_zh)}</div>'
    return out


def short_name(info: PaperInfo | None, key: str | None = None) -> str:
    return ((info.short if info else "") or (info.key if info else "") or key or "").strip()


def card_place(item: Item, papers: Mapping[str, PaperInfo]) -> str:
    """Where the item comes from, as its card shows it: ``item.place`` (file, paper,
    heading: no line number, which would go stale), else the file and the paper
    (an item written by hand in cards/, or stored before places were kept)."""
    if item.place:
        return item.place
    file, _, line = item.source.rpartition(":")
    file = file if line.isdigit() else item.source
    paper = short_name(papers.get(item.paper), item.paper) if item.paper else ""
    return SEPARATOR.join(p for p in (PurePosixPath(file).name if file else "", paper) if p)


# --------------------------------------------------------------------------- tags, decks

@lru_cache(maxsize=1 << 14)
def sanitize_tag(tag: str) -> str:
    """A tag Anki keeps as one tag: whitespace → ``_``, no control characters, no empty
    ``::`` components. Any script is kept (CJK included)."""
    tag = unicodedata.normalize("NFC", tag or "")
    tag = re.sub(r"\s+", "_", tag.strip()).replace('"', "")
    tag = "".join(c for c in tag if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    return "::".join(p for p in (part.strip("_") for part in tag.split("::")) if p)


def _dedupe_tags(tags: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for t in tags:
        t = sanitize_tag(t)
        if t and t.casefold() not in seen:       # Anki tags are case-insensitive
            seen.add(t.casefold())
            out.append(t)
    return out


def sanitize_deck_part(name: str) -> str:
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    return re.sub(r"\s+", " ", name.replace("::", ":")).strip()


def deck_path(deck_name: str, *parts: str) -> str:
    root = "::".join(p for p in (sanitize_deck_part(x) for x in deck_name.split("::")) if p) or "papercards"
    sub = [p for p in (sanitize_deck_part(x) for x in parts) if p]
    return "::".join([root, *sub])


def deck_id(full_name: str) -> int:
    """Deterministic deck id from the deck's full name, in genanki's range [2**30, 2**31)."""
    h = int.from_bytes(hashlib.sha1(full_name.encode("utf-8")).digest()[:8], "big")
    return (1 << 30) + h % (1 << 30)


# --------------------------------------------------------------------------- records

def _f(item: Item, name: str) -> str:
    return (item.fields.get(name) or "").strip()


def html_text(fragment: str) -> str:
    """The visible text of an HTML fragment (to tell an empty field)."""
    text = re.sub(r"<[^>]*>", "", fragment)
    return html.unescape(text).replace("\xa0", " ").strip()


def _papers_of(item: Item) -> list[str]:
    keys = list(item.papers or [])
    if item.paper and item.paper not in keys:
        keys.insert(0, item.paper)
    return list(dict.fromkeys(k for k in keys if k))


def render_fields(record: Record, papers: Mapping[str, PaperInfo]) -> tuple[genanki.Model, dict[str, str]]:
    """The note type and its field values (HTML) for one record.

    Raises SkipRecord when the card's front (or answer) would be empty."""
    item = record.item
    kind = item.kind
    if kind not in KINDS:
        raise SkipRecord(f"unknown kind {kind!r}")
    common = {"Source": _e(card_place(item, papers)), "ItemId": _e(item.id)}

    if kind == "term":
        keys = _papers_of(item)
        infos = [(k, papers.get(k)) for k in keys]
        if len(infos) > 2:       # a shared term: how many papers and a few names, not the whole list
            names = "、".join(_e(short_name(info, k)) for k, info in infos[:SHOWN_PAPERS])
            more = "…" if len(infos) > SHOWN_PAPERS else ""
            papers_field = f'<div class="papers">{len(infos)} papers 篇论文: {names}{more}</div>'
            links = ""
        elif len(infos) == 2:
            names = "、".join(_e(short_name(info, k)) for k, info in infos)
            papers_field = f'<div class="papers">2 papers 篇论文: {names}</div>'
            links = ""
        else:
            papers_field = "".join(paper_html(info, k) for k, info in infos)
            links = "".join(links_html(info) for k, info in infos)
        values = {
            "Term": render_inline(_f(item, "term")),
            "English": render_inline(_f(item, "english")),
            "Chinese": render_inline(_f(item, "chinese")),
            "Note": render_block(_f(item, "note")),
            "Papers": papers_field, "Links": links, "Extra": "", **common,
        }
        if not html_text(values["Term"]):
            raise SkipRecord("empty term")
        if not any(html_text(values[k]) for k in ("English", "Chinese", "Note")):
            raise SkipRecord("term without meaning")
        return term_model(), {name: values[name] for name in TERM_FIELDS}

    info = papers.get(item.paper) if item.paper else None
    short = short_name(info, item.paper)
    base = {"Context": _e(short), "Paper": paper_html(info, item.paper), "Links": links_html(info),
            "Extra": "", **common}

    if kind == "cloze":
        text = render_cloze(_f(item, "text"))
        if not _CLOZE_BLANK.search(text, 0, text.rfind("}}") + 2):     # none closes past the last }}
            raise SkipRecord("cloze without a blank")
        values = {**base, "Text": text, "Extra": render_block(_f(item, "hint"))}
        if _names(text, short):
            values["Context"] = ""           # the first field names the paper already
        return cloze_model(), {name: values[name] for name in CLOZE_FIELDS}

    face = QA_FACES.get(kind)
    if face is None:  # pragma: no cover - a kind declared in kinds.py without its face here
        raise SkipRecord(f"kind {kind!r} has no Q&A face")
    front, back, reverse = face(item, info, short, base)
    if not html_text(front):
        raise SkipRecord("empty front")
    if not html_text(back):
        raise SkipRecord("empty answer")
    values = {**base, "Front": front, "Back": back, "Reverse": reverse}
    if _names(front, short):
        values["Context"] = ""               # the first field names the paper already
    return qa_model(), {name: values[name] for name in QA_FIELDS}


# --------------------------------------------------------------------------- Q&A faces
# One function per kind shown on the Q&A note type (kinds.py says which): the front, the
# back and whether a reverse card is made; ``base`` holds the other fields, to adjust.

def _definition_face(item: Item, info: PaperInfo | None, short: str, base: dict) -> tuple[str, str, str]:
    term = render_inline(_f(item, "term"))
    asked = f"<b>{term}</b> 是什么？" if re.search(r"[\u3400-\u9fff]", term) else f"what is <b>{term}</b>?"
    front = f"{_e(short)}：{asked}" if short and html_text(term) else (asked if html_text(term) else "")
    return front, render_block(_f(item, "definition")), ""


def _claim_face(item: Item, info: PaperInfo | None, short: str, base: dict) -> tuple[str, str, str]:
    return render_block(_f(item, "question")), render_block(_f(item, "answer")), ""


def _paper_face(item: Item, info: PaperInfo | None, short: str, base: dict) -> tuple[str, str, str]:
    front, back = render_inline(_f(item, "english")), render_inline(_f(item, "chinese"))
    base["Context"] = ""             # the short name would give the answer away
    base["Paper"] = ""               # the answer already is the paper's title
    return front, back, "1" if html_text(front) and html_text(back) else ""


def _method_face(item: Item, info: PaperInfo | None, short: str, base: dict) -> tuple[str, str, str]:
    method = render_inline(_f(item, "method"))
    front = f"Which paper proposes <b>{method}</b>? 哪篇论文提出了 <b>{method}</b>？" if html_text(method) else ""
    base["Context"] = ""             # the question asks for the paper
    base["Paper"] = ""               # the answer is the paper's title
    back = ""
    if info is not None or item.paper:
        title = render_inline(info.title or info.key) if info else _e(item.paper)
        zh = f'<div class="paper-zh">{render_inline(info.title_zh)}</div>' if info and info.title_zh else ""
        back = f'<div class="pc-answer-paper">{title}</div>{zh}{render_block(_f(item, "description"))}'
    return front, back, ""


def _summary_face(item: Item, info: PaperInfo | None, short: str, base: dict) -> tuple[str, str, str]:
    return (f"{_e(short)} 一句话概括？" if short else ""), render_block(_f(item, "summary")), ""


def _sentence_face(item: Item, info: PaperInfo | None, short: str, base: dict) -> tuple[str, str, str]:
    # one direction: recalling a whole English sentence from its translation is busywork
    return render_block(_f(item, "english")), render_block(_f(item, "chinese")), ""


QA_FACES = {"definition": _definition_face, "claim": _claim_face, "paper": _paper_face,
            "method": _method_face, "summary": _summary_face, "sentence": _sentence_face}


def _names(field_html: str, short: str) -> bool:
    return bool(short) and short.casefold() in html_text(field_html).casefold()


def note_tags(record: Record, papers: Mapping[str, PaperInfo]) -> list[str]:
    item = record.item
    tags = list(item.tags or [])
    tags.append(f"{TAG_PREFIX}::kind::{item.kind}")
    for key in _papers_of(item):
        short = short_name(papers.get(key), key)
        if short:
            tags.append(f"{TAG_PREFIX}::paper::{short}")
    if item.paper and item.paper in papers:          # the paper's keywords, as the author wrote them
        tags.extend(f"{TAG_PREFIX}::kw::{kw}" for kw in papers[item.paper].tags)
    if record.status == "retired":
        tags.append(RETIRED_TAG)
    if record.suspended:
        tags.append(SUSPENDED_TAG)
    return _dedupe_tags(tags)


def note_deck(record: Record, papers: Mapping[str, PaperInfo], deck_name: str) -> str:
    item = record.item
    if item.kind == "term":
        return deck_path(deck_name, GLOSSARY_DECK)
    if item.paper:
        info = papers.get(item.paper)
        return deck_path(deck_name, *(info.folders if info else ()), short_name(info, item.paper))
    return deck_path(deck_name)


def render_record(record: Record, papers: Mapping[str, PaperInfo], deck_name: str,
                  images: ImagePolicy = NO_IMAGES) -> RenderedNote:
    """Everything about one record's Anki note. Raises SkipRecord for empty cards.

    A build asks twice per record, for its checksum (`note_faces`, before the
    store moves ``modified``) and for the deck, and rendering is the costly
    part of both: the result is kept on the record (``record.rendered``) and
    reused while the record's content, the ``papers`` mapping (the same
    object), the deck name and the image policy are unchanged; only the mod
    time is refreshed.
    """
    key = _memo_key(record, deck_name, images)
    memo = record.rendered
    if memo is not None and memo[0] is papers and memo[1] == key:
        note = memo[2]
    else:
        try:
            note = _render_record(record, papers, deck_name, images)
        except SkipRecord as why:
            note = why
        record.rendered = (papers, key, note)
    if isinstance(note, SkipRecord):
        raise note
    mod = int(record.modified or 0)
    return note if note.mod == mod else dataclasses.replace(note, mod=mod)


def _memo_key(record: Record, deck_name: str, images: ImagePolicy) -> tuple:
    return (deck_name, images, _content_key(record))


def _content_key(record: Record) -> tuple:
    """Everything of a record that its rendering reads, except ``modified``."""
    item = record.item
    return (item.id, item.kind, tuple(item.fields.items()), item.paper, tuple(item.papers or ()),
            tuple(item.tags or ()), item.source, item.place, record.status, record.suspended)


# Anki joins a note's fields with \x1f: one in a field shifts every field after it and
# the whole import fails ("note has 10 fields, expected 9"); other C0 controls are junk
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _render_record(record: Record, papers: Mapping[str, PaperInfo], deck_name: str,
                   images: ImagePolicy) -> RenderedNote:
    model, fields = render_fields(record, papers)
    fields = {name: _CONTROL.sub(" ", value) for name, value in fields.items()}
    placed = place_images(fields, record.item.source, images, home=record.home, line=record.line)
    return RenderedNote(
        item_id=record.item.id, kind=record.item.kind, model=model, fields=placed.fields,
        tags=note_tags(record, papers), deck=note_deck(record, papers, deck_name),
        guid=genanki.guid_for(record.item.id), mod=int(record.modified or 0),
        suspend=bool(record.suspended),
        media=placed.files, media_inputs=placed.inputs, problems=placed.problems,
        which=_which(record, papers, html_text(placed.fields[model.fields[0]["name"]])),
    )


RETIRED_WORD = "retired 已退役"


def _which(record: Record, papers: Mapping[str, PaperInfo], first: str) -> tuple[str, ...]:
    """Words that tell this note from another with the same first field (``first``, as
    text), most telling first (see `distinct`): never one that gives the answer away.
    The item id comes last: no other note has it."""
    item = record.item
    words = [RETIRED_WORD] if record.status == "retired" else []
    info = papers.get(item.paper) if item.paper else None
    if item.kind == "term":
        words += [html_text(render_inline(_f(item, "english"))),
                  "、".join(short_name(papers.get(k), k) for k in _papers_of(item))]
    elif item.kind in ("method", "paper"):      # the answer is the paper: only its number
        words += [f"No. {info.number}"] if info and info.number is not None else []
    else:
        place = card_place(item, papers).split(SEPARATOR)
        words += [short_name(info, item.paper), html_text(render_inline(info.title)) if info else "",
                  place[-1] if len(place) > 2 else ""]
    words.append(item.id)
    return tuple(w for w in dict.fromkeys(w.strip() for w in words) if w and w.casefold() not in first.casefold())


def note_faces(records: list[Record], papers: Mapping[str, PaperInfo], deck_name: str,
               images: ImagePolicy = NO_IMAGES) -> list[str]:
    """A digest of what the learner sees of each record's note in Anki.

    The store moves a record's modification time when it changes, so a fixed
    title typo or a new link reaches notes already in Anki. Every field counts,
    first fields as the deck has them (`distinct`): one left out would go stale
    in Anki (an import keeps a note whose time did not move); the Source field
    names a heading, not a line, so lines added above do not touch the note.
    Each record keeps its rendered note for the deck."""
    from .distinct import distinct_first_fields
    rendered = [_portable(rec, papers, deck_name, images) for rec in records]
    models = {model.model_id: model for model in all_models()}
    notes = []
    for rec, (model_id, note) in zip(records, rendered):
        if model_id is not None:        # one Model object per note type, as a one-process build has
            note.model = models[model_id]
        rec.rendered = (papers, _memo_key(rec, deck_name, images), note)
        notes.append(note)
    # what ships: first fields told apart over the whole deck, as `package.render_notes` does
    shipped = iter(distinct_first_fields([n for n in notes if not isinstance(n, SkipRecord)]))
    return [_face(note if isinstance(note, SkipRecord) else next(shipped)) for note in notes]


def _portable(record: Record, papers: Mapping[str, PaperInfo], deck_name: str, images: ImagePolicy):
    """(model id, note without its Model) or (None, SkipRecord): small to send between processes."""
    try:
        note = render_record(record, papers, deck_name, images)
    except SkipRecord as why:
        return None, why
    return note.model.model_id, dataclasses.replace(note, model=None)


def _face(note: "RenderedNote | SkipRecord") -> str:
    if isinstance(note, SkipRecord):
        return f"skip:{note}"
    blob = repr((note.model.name, sorted(note.fields.items()), note.tags, note.suspend))
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:12]


# --------------------------------------------------------------------------- math report

def refused_math(records: list[Record], papers: Mapping[str, PaperInfo], cards_dir: str) -> list[Diagnostic]:
    """A warning for each place whose math uses TeX commands outside the allow-list
    (`papercards.text.texmath`): its cards show them as text. The place is the notes
    line, or the item in cards/ when the math is in a hand edit; each is named once."""
    found: dict[tuple[str, int], dict[str, None]] = {}

    def look(place: tuple[str, int], text: object) -> None:
        for line in str(text or "").splitlines():
            refused = refused_tex(line)
            if refused:
                found.setdefault(place, {}).update(dict.fromkeys(refused))

    for info in papers.values():
        for text in (info.title, info.title_zh):
            look(_source_place(info.source), text)
    for rec in records:
        for value in rec.item.fields.values():
            look(_record_place(rec, cards_dir), value)
    return [Diagnostic(file, line, f"math command{'s' if len(names) > 1 else ''} {', '.join(names)} "
                       "not allowed on cards (only common TeX math is); shown as text")
            for (file, line), names in sorted(found.items())]


def _record_place(rec: Record, cards_dir: str) -> tuple[str, int]:
    """Where a record's text comes from: its YAML file for a hand edit, else its notes line."""
    if rec.home and (rec.origin == "manual" or content_of(rec.item) != rec.fingerprint):
        return f"{cards_dir}/{rec.home}", rec.line
    return _source_place(rec.item.source)


def _source_place(source: str | None) -> tuple[str, int]:
    file, _, line = (source or "").rpartition(":")
    return (file, int(line)) if file and line.isdigit() else (source or "", 0)
