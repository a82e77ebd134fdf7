"""What a card says about its paper: title, safe links, short name and the place it comes from."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from ..items.model import Item, PaperInfo
from ..items.place import SEPARATOR
from ..text import render_inline
from ..text.inline import escape_text


def escaped(s: str | None) -> str:
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
        found.append((link_label(label, ok), ok))
    return found


# what a bare address is, by its host: a button says what it opens, not the address
_HOST_LABELS = (("github.io", "Project"), ("github.com", "Code"), ("gitlab.com", "Code"),
                ("huggingface.co", "Hugging Face"), ("arxiv.org", "arXiv"), ("openreview.net", "OpenReview"))


def link_label(text: str, href: str) -> str:
    """The button's words: the author's link text, unless it is only an address
    (``Code is available at https://github.com/…`` in an abstract): then what the host is
    (Code, arXiv, Project) or the host's name, never the raw address on a phone's card."""
    if text and not re.match(r"(?:https?://|www\.)", text, re.I):
        return text
    host = (urlsplit(href).hostname or "").removeprefix("www.")
    return next((label for suffix, label in _HOST_LABELS if host == suffix or host.endswith("." + suffix)), host or href)


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
    anchors = " ".join(f'<a href="{html.escape(href)}">{escaped(text)}</a>' for text, href in links)
    head = f'<span class="links-paper">{escaped(label)}</span> ' if label else ""
    return f'<div class="links">{head}{anchors}</div>'


def paper_html(info: PaperInfo | None, key: str | None = None) -> str:
    if info is None:
        return f'<div class="paper-en">{escaped(key)}</div>' if key else ""
    out = f'<div class="paper-en">{render_inline(info.title or info.key)}</div>'
    if info.title_zh and info.title_zh not in (info.title or ""):      # "RLAIF vs. RLHF：用AI反馈…" holds it
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


def papers_of(item: Item) -> list[str]:
    """The keys of the papers an item belongs to, its own paper first."""
    keys = list(item.papers or [])
    if item.paper and item.paper not in keys:
        keys.insert(0, item.paper)
    return list(dict.fromkeys(k for k in keys if k))
