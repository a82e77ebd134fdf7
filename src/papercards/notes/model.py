"""The parsed shape of a notes file: papers, their sections and blocks.

Every node keeps the 1-based line it starts on in the source file, so any
item, warning or conflict can point the user back to the exact line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic

# Section roles; headings map to these through the aliases in the config.
KEYWORDS, CONTENT, LINKS, ABSTRACT, SUMMARY, REFERENCES, OTHER = (
    "keywords", "content", "links", "abstract", "summary", "references", "other")
GLOSSARY = "glossary"      # the author's own "Term — meaning" lines


@dataclass
class ListItem:
    text: str                 # inline Markdown source of the item's first paragraph
    line: int
    children: list["ListItem"] = field(default_factory=list)
    ordered: bool = False     # whether the children form a numbered list

    def walk(self, depth: int = 0):
        """Yield (depth, item) for this item and all nested items."""
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


@dataclass
class Block:
    kind: str                 # paragraph | list | html | table | code | quote
    line: int
    text: str = ""            # paragraph/html/code/quote: the source text
    items: list[ListItem] = field(default_factory=list)   # list
    ordered: bool = False     # list: numbered?
    rows: list[list[str]] = field(default_factory=list)   # table: header first

    def walk_items(self):
        for item in self.items:
            yield from item.walk()


@dataclass
class Subsection:
    """A ``####`` sub-heading with what follows it (heading may be empty)."""
    heading: str
    line: int
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Section:
    role: str
    heading: str
    line: int
    blocks: list[Block] = field(default_factory=list)       # before any sub-heading
    subsections: list[Subsection] = field(default_factory=list)
    end_line: int = 0          # last line of the section (for link scanning)

    @property
    def is_empty(self) -> bool:
        return not self.blocks and not any(s.blocks or s.heading for s in self.subsections)


@dataclass
class Link:
    text: str
    href: str
    line: int

    @property
    def kind(self) -> str:
        h = self.href.lower()
        if "openreview.net" in h:
            return "openreview"
        if h.endswith(".pdf") or "/pdf" in h:
            return "pdf"
        if "arxiv.org" in h:
            return "arxiv"
        if "github.com" in h:
            return "code"
        return "web"


_FORUM_ID = re.compile(r"openreview\.net/(?:forum|pdf)\?id=([A-Za-z0-9_\-]+)")


@dataclass
class Paper:
    title: str                 # English title, Markdown marks removed
    line: int
    file: str                  # path as shown to the user (relative to the project)
    number: int | None = None
    title_zh: str | None = None
    sections: list[Section] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)   # blockquote "key: value" lines
    end_line: int = 0
    short: str | None = None   # the author's short name (`# SimPO：中文标题`)
    arxiv: str | None = None   # the paper's own arXiv id, from its metadata or its links
    tags: list[str] = field(default_factory=list)        # `分类标签` of the metadata
    folders: list[str] = field(default_factory=list)     # topic folders, as deck names

    level: int = 2             # heading level of the paper: 1 when the paper is the whole file

    @property
    def openreview_id(self) -> str | None:
        for link in self.links:
            m = _FORUM_ID.search(link.href)
            if m:
                return m.group(1)
        return None

    def all_text(self) -> str:
        """Every heading, line, list item and table cell of the paper, one per line."""
        parts = [self.title, self.title_zh or ""]
        for section in self.sections:
            parts.append(section.heading)
            for sub in [section, *section.subsections]:
                if sub is not section:
                    parts.append(sub.heading)
                for block in sub.blocks:
                    parts.append(block.text)
                    parts.extend(item.text for _, item in block.walk_items())
                    parts.extend(cell for row in block.rows for cell in row)
        return "\n".join(parts)

    @property
    def key(self) -> str:
        """Stable identity, whatever the file is called and wherever it moves: the
        OpenReview forum id, else the arXiv id, else a slug of the title."""
        return (self.openreview_id or (f"arxiv-{self.arxiv}" if self.arxiv else None)
                or slugify(self.title) or f"paper-{self.line}")

    def sections_by(self, role: str) -> list[Section]:
        return [s for s in self.sections if s.role == role]

    def link_of(self, kind: str) -> str | None:
        for link in self.links:
            if link.kind == kind:
                return link.href
        return None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class NotesFile:
    path: str
    papers: list[Paper] = field(default_factory=list)
    title: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    placeholders: int = 0      # placeholder papers skipped
    one_paper: bool = False    # the file is one paper (its H1), its `##` headings sections


def slugify(text: str, max_len: int = 60) -> str:
    """ASCII-ish slug that keeps CJK characters (a Chinese-only title still has a key)."""
    text = unicodedata.normalize("NFKC", text).lower()
    out, dash = [], False
    for ch in text:
        if ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")[:max_len].strip("-")
