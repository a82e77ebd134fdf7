"""The study item: the unit that lives in ``cards/`` and becomes Anki notes and quiz questions.

Fields are kept as inline Markdown (``**bold**``, `` `code` ``, ``$math$``),
exactly as a person would write them when editing the YAML by hand; the Anki
and quiz layers render them. Cloze items carry ``{{c1::…}}`` markup in
``fields["text"]``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from ..kinds import KIND_FIELDS, KINDS, kind_of  # noqa: E402,F401  (declared in papercards/kinds.py, one home per kind)


@dataclass
class Item:
    id: str                      # "<paper key>/<kind>/<anchor>", or "term/<anchor>" for terms
    kind: str
    fields: dict[str, str]
    paper: str | None = None     # paper key; None for glossary terms
    papers: list[str] = field(default_factory=list)   # terms: every paper that uses it
    tags: list[str] = field(default_factory=list)
    source: str = ""             # "source/notes.md:42": where the learner's editor opens
    place: str = ""              # "notes.md › NS-DPO › 技术细节": what a card shows (no line number)

    def content(self) -> dict:
        """What a fingerprint covers: the generated text and tags, nothing positional.

        Cloze numbers are canonicalised (first blank c1, …): the store renumbers
        blanks to keep Anki's card ordinals, and that is not an edit.
        """
        fields = {k: v for k, v in self.fields.items() if v}
        blanks = kind_of(self).blanks
        if blanks and blanks in fields:
            fields[blanks] = canonical_cloze(fields[blanks])
        return {"fields": fields, "tags": sorted(self.tags), "papers": sorted(self.papers)}

    def fingerprint(self) -> str:
        return fingerprint(self.content())


_CLOZE_NUM = re.compile(r"\{\{c(\d+)::")


def canonical_cloze(text: str) -> str:
    order: dict[str, int] = {}
    return _CLOZE_NUM.sub(lambda m: "{{c%d::" % order.setdefault(m.group(1), len(order) + 1), text)


def fingerprint(content: dict) -> str:
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:12]


def short_hash(text: str, n: int = 8) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


@dataclass
class PaperInfo:
    """What every card's back shows about its paper; also the header of its YAML file."""
    key: str
    title: str
    title_zh: str | None = None
    short: str = ""              # deck name: "NS-DPO", "3D-Properties", …
    number: int | None = None
    pdf: str | None = None
    openreview: str | None = None
    links: list[dict] = field(default_factory=list)   # other links: {text, href}
    methods: list[str] = field(default_factory=list)
    source: str = ""             # "source/notes.md:3"
    file: str = ""               # the notes file (for grouping in cards/)
    tags: list[str] = field(default_factory=list)      # from the keywords
    folders: list[str] = field(default_factory=list)   # sub-decks above the paper's (its topic folders)
