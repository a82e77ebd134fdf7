"""The study pool: what a quiz may ask about, read from the item store in ``cards/``.

The store is the truth: hand edits are simply what the YAML says, suspended
and retired items are left out. A paper filter narrows what is *asked*;
distractors may still come from every paper (the wrong answers to "which paper
proposes NS-DPO?" are the other papers).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..diagnostics import InputError
from ..fsutil import build_lock
from ..items.model import Item, PaperInfo
from ..kinds import kind_of
from ..store import Store
from . import checks, normalize
from .substrings import Finder


@dataclass
class Pool:
    items: list[Item]                          # every active, unsuspended item, store order
    papers: dict[str, PaperInfo]               # every paper in the store
    selected: tuple[str, ...] = ()             # keys of the papers asked about, store order
    focus: frozenset[str] | None = None        # ids of the only items asked about (weak spots); None: all

    def __post_init__(self) -> None:
        if not self.selected:
            self.selected = tuple(self.papers)

    # -- what is asked -------------------------------------------------------------
    def asks(self, item: Item) -> bool:
        """Is this item about a selected paper (glossary terms: used by one), and in the focus?"""
        if self.focus is not None and item.id not in self.focus:
            return False
        if kind_of(item).glossary:
            return any(p in self.selected for p in item.papers) or not item.papers
        return item.paper in self.selected

    def asked(self, kind: str) -> list[Item]:
        return [i for i in self.every(kind) if self.asks(i)]

    def every(self, kind: str) -> list[Item]:
        return list(self._by_kind.get(kind, ()))

    def of_paper(self, key: str | None, kind: str) -> list[Item]:
        """The items of one kind whose paper is ``key``, store order."""
        return list(self._by_paper_kind.get((key, kind), ()))

    @cached_property
    def _by_paper_kind(self) -> dict[tuple[str | None, str], list[Item]]:
        out: dict[tuple[str | None, str], list[Item]] = {}
        for item in self.items:
            out.setdefault((item.paper, item.kind), []).append(item)
        return out

    @cached_property
    def _by_kind(self) -> dict[str, list[Item]]:
        """Items of each kind, store order: generators ask for one kind per question."""
        out: dict[str, list[Item]] = {}
        for item in self.items:
            out.setdefault(item.kind, []).append(item)
        return out

    def paper(self, key: str | None) -> PaperInfo | None:
        return self.papers.get(key) if key else None

    def title(self, key: str | None, lang: str = "en") -> str:
        info = self.paper(key)
        if info is None:
            return ""
        return (info.title_zh or "") if lang == "zh" else info.title

    def titles(self, lang: str = "en") -> list[tuple[str, str]]:
        """(key, title in ``lang``) of every paper, store order: the options of "which paper …?"."""
        return self._titles["zh" if lang == "zh" else "en"]

    @cached_property
    def _titles(self) -> dict[str, list[tuple[str, str]]]:
        return {lang: [(k, self.title(k, lang)) for k in self.papers] for lang in ("en", "zh")}

    def label(self, key: str | None, lang: str = "en") -> str:
        """How a question names a paper: its short name, or 《中文标题》 in Chinese text."""
        info = self.paper(key)
        if info is None:
            return ""
        if lang == "zh" and info.title_zh:
            return f"《{info.title_zh}》"
        return info.short or info.title

    @cached_property
    def words(self) -> list[str]:
        """Every glossary surface form, method and short name: what jieba keeps whole."""
        out: set[str] = set()
        for item in self.every("term"):
            out.update(v for k, v in item.fields.items() if k in ("term", "english", "chinese") and v)
        for item in self.every("method"):
            out.update(m.strip() for m in item.fields.get("method", "").split("/") if m.strip())
        for info in self.papers.values():
            out.update(m for m in info.methods if m)
        return sorted(out, key=lambda w: (-len(w), w))

    @cached_property
    def segmenter(self):
        from ..text import Segmenter
        return Segmenter(self.words)

    @cached_property
    def only_papers(self) -> dict[str, str | None]:
        """Term id → the one paper it belongs to when no other paper's items mention it, else None.

        A name (3+ characters of its comparison key) found in any field of an
        item of another paper makes the term shared: every name is searched
        for in every item at once (`substrings.Finder`)."""
        names = {t.id: [normalize.key(n) for n in term_names(t) if n and len(normalize.key(n)) >= 3]
                 for t in self.every("term")}
        finder = Finder(n for ns in names.values() for n in ns)
        mentioned: dict[str, set[str]] = {}          # name key → papers whose items mention it
        for other in self.items:
            if other.paper:
                for v in other.fields.values():
                    if v:
                        for n in finder.keys_in(normalize.key(v)):
                            mentioned.setdefault(n, set()).add(other.paper)
        out: dict[str, str | None] = {}
        for t in self.every("term"):
            key = t.papers[0] if len(t.papers) == 1 and self.paper(t.papers[0]) else None
            if key and any(mentioned.get(n, set()) - {key} for n in names[t.id]):
                key = None
            out[t.id] = key
        return out

    @cached_property
    def term_names_found(self) -> tuple[Finder, dict[str, list[Item]]]:
        """Finder over the terms' names (3+ characters of comparison key), and each name's terms."""
        by_name: dict[str, list[Item]] = {}
        for t in self.every("term"):
            for n in dict.fromkeys(normalize.key(n) for n in term_names(t) if n):
                if len(n) >= 3:
                    by_name.setdefault(n, []).append(t)
        return Finder(by_name), by_name

    def terms_named_in(self, text: str) -> list[Item]:
        """The terms one of whose names (3+ characters of comparison key) ``text`` contains, store order."""
        finder, by_name = self.term_names_found
        hit = {id(t): t for n in finder.keys_in(normalize.key(text)) for t in by_name[n]}
        return sorted(hit.values(), key=lambda t: self._position[id(t)])

    @cached_property
    def _position(self) -> dict[int, int]:
        return {id(item): n for n, item in enumerate(self.items)}

    @cached_property
    def translations(self) -> dict[str, list[str]]:
        """Comparison key of a term name → its names in every language (English, abbreviation, 中文)."""
        out: dict[str, list[str]] = {}
        for item in self.every("term"):
            names = [v for k, v in item.fields.items() if k in ("term", "english", "chinese") and v]
            for name in names:
                out.setdefault(normalize.key(name), [])
                out[normalize.key(name)] += [n for n in names if n not in out[normalize.key(name)]]
        return out


def term_names(item: Item) -> tuple[str, str, str]:
    """A term's (English name, abbreviation, 中文 name); "" where the store has none."""
    f = item.fields
    term, en, zh = (f.get("term") or "").strip(), (f.get("english") or "").strip(), (f.get("chinese") or "").strip()
    if en:
        return en, ("" if not term or normalize.same(term, en) else term), zh
    return (term if checks.lang(term) == "en" else ""), "", zh


def load_pool(cards_path: Path, papers: tuple[str, ...] | list[str] = ()) -> Pool:
    """Read ``cards/`` and keep what may be studied; ``papers`` filters what is asked.

    Under the build lock: a build committing at that moment is waited for, so
    the quiz never reads half of one build and half of the next."""
    with build_lock(Path(cards_path)):
        store = Store.load(Path(cards_path))
    items = [r.item for r in store.records if not r.suspended and r.status != "retired"]
    pool = Pool(items=items, papers=dict(store.papers))
    if papers:
        pool.selected = select_papers(pool.papers, items, papers)
    return pool


def select_papers(papers: dict[str, PaperInfo], items: list[Item], filters) -> tuple[str, ...]:
    """Paper keys for filters given as key, short name, method name or title substring (either language).

    An exact key, short name or method name wins over title substrings. An
    unknown filter raises `InputError` listing the papers there are.
    """
    methods = _method_papers(papers, items)
    chosen: list[str] = []
    for raw in filters:
        want = raw.strip()
        if want:
            found = _named(papers, methods, want) or _titled(papers, want)
            if not found:
                names = ", ".join(info.short or info.title for info in papers.values()) or "none (run papercards build)"
                raise InputError("--papers", 0, f"no paper matches '{want}'. Papers in the store: {names}")
            chosen += [p for p in found if p not in chosen]
    return tuple(p for p in papers if p in chosen)


def _method_papers(papers: dict[str, PaperInfo], items: list[Item]) -> dict[str, set[str]]:
    """Comparison key of a method name (from method items and the papers' notes) → papers naming it."""
    methods: dict[str, set[str]] = {}
    for item in items:
        proposes = kind_of(item).proposes
        if proposes and item.paper:
            for name in item.fields.get(proposes, "").split("/"):
                methods.setdefault(normalize.key(name), set()).add(item.paper)
    for key, info in papers.items():
        for name in info.methods:
            methods.setdefault(normalize.key(name), set()).add(key)
    return methods


def _named(papers: dict[str, PaperInfo], methods: dict[str, set[str]], want: str) -> list[str]:
    """Papers whose key or short name is ``want``, then those proposing a method of that name."""
    k = normalize.key(want)
    exact = [p for p, info in papers.items()
             if want.casefold() == p.casefold() or (info.short and normalize.key(info.short) == k)]
    return exact + [p for p in papers if p in methods.get(k, ()) and p not in exact]


def _titled(papers: dict[str, PaperInfo], want: str) -> list[str]:
    """Papers with ``want`` in their English or Chinese title (as typed, or compared by key)."""
    fold, k = want.casefold(), normalize.key(want)

    def has(title: str) -> bool:
        return fold in title.casefold() or bool(k and k in normalize.key(title))

    return [p for p, info in papers.items() if has(info.title) or bool(info.title_zh and has(info.title_zh))]
