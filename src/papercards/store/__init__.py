"""store: the item store in ``cards/`` — load, merge a new extraction, write back.

One YAML file per paper, grouped by notes file (``cards/<notes>/<key>.yaml``),
and ``cards/glossary.yaml`` for terms shared by papers. A record stays in the
file it was found in, so a user may move or add items freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from ..diagnostics import Diagnostic, InputError
from ..fsutil import read_regular
from ..items.model import Item, PaperInfo
from ..txn import Transaction, recover
from .identity import match_papers
from .merge import MergeReport, merge, shipped_checksum, stamp
from .model import Record
from .yamlio import dump_file, load_text

__all__ = ["Store", "Record", "MergeReport", "merge", "stamp", "shipped_checksum", "GLOSSARY_FILE"]

GLOSSARY_FILE = "glossary.yaml"


@dataclass
class Store:
    root: Path                                      # the cards/ folder
    records: list[Record] = field(default_factory=list)
    papers: dict[str, PaperInfo] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)        # file → text as read
    paper_home: dict[str, str] = field(default_factory=dict)   # paper key → file
    diagnostics: list[Diagnostic] = field(default_factory=list)   # warnings found while loading
    _headers: dict[str, str] = field(default_factory=dict)     # paper key → "cards/file:line" of its header

    @classmethod
    def load(cls, root: Path, shown_root: str = "cards", parse=load_text) -> "Store":
        """Every store file under ``root``; ``parse(text, shown)`` reads one (`yamlio.load_text`)."""
        store = cls(root=Path(root))
        if not store.root.is_dir():
            return store
        recover(store.root)             # finish or undo a build that was killed while writing
        seen: dict[str, str] = {}          # item id → "file:line" where it was first seen
        for path in sorted(store.root.rglob("*.yaml")):
            rel = path.relative_to(store.root).as_posix()
            if any(part.startswith(".") for part in PurePosixPath(rel).parts):
                continue
            shown = f"{shown_root}/{rel}"
            try:
                data = read_regular(path)           # a FIFO named x.yaml must not hang us
                text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
            except OSError as exc:
                raise InputError(shown, 0, f"cannot read file: {exc.strerror or exc}") from None
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1
                raise InputError(shown, line, "not UTF-8 text (save it as UTF-8; deleting the file "
                                 "regenerates it without your edits)") from None
            store.texts[rel] = text
            info, info_line, records = parse(text, shown)
            if info is not None:
                store._add_paper(info, shown, info_line)
                store.paper_home.setdefault(info.key, rel)
            for rec in records:
                if rec.id in seen:
                    raise InputError(shown, rec.line, f"item id '{rec.id}' is used twice "
                                     f"(also at {shown_root}/{seen[rec.id]}); ids must be unique")
                seen[rec.id] = f"{rel}:{rec.line}"
                rec.home = rel
                store.records.append(rec)
        return store

    def _add_paper(self, info: PaperInfo, shown: str, line: int) -> None:
        """The first file with a paper's header is the paper's home. Another one is
        reported, naming both: its items stay where they are, its header is not used."""
        first = self._headers.setdefault(info.key, f"{shown}:{line}")
        if first == f"{shown}:{line}":
            self.papers[info.key] = info
            return
        self.diagnostics.append(Diagnostic(
            shown, line, f"paper {info.key} already has its file, {first}; the header here is not "
            "used (the items are kept): move them there and delete this file, or fix the key"))

    # -- identity of papers --------------------------------------------------------
    def adopt_paper_keys(self, items: list[Item], papers: dict[str, PaperInfo],
                         undone: set[str] = frozenset()) -> tuple[list[Item], dict[str, PaperInfo]]:
        """Give each paper of the notes the key it has in the store (`match_papers`), so
        its items keep their ids: a corrected or swapped link, a fixed title, a move to
        another file change no key. A new paper whose key the store gives another paper
        (its link was pasted from it) gets a key of its own. ``undone``: ids a mistaken
        build made (a config change now put back), which say nothing of who is who.
        Returns the items and papers under their store keys (new objects where a key
        changed; the extraction itself is left as it is)."""
        matched = match_papers(papers, self.papers, items,
                               [r.item for r in self.records if r.origin == "auto" and r.id not in undone])
        # a key is taken when another paper of the notes is that store paper; a store paper
        # no paper of the notes matched leaves its key to the paper that has its link
        taken = set(matched.values())
        renames = {}
        for key in papers:
            if key in matched:
                renames[key] = matched[key]
            elif key in taken:
                renames[key] = _free_key(key, taken | set(papers))
                taken.add(renames[key])
        renames = {k: v for k, v in renames.items() if k != v}
        if not renames:
            return items, papers
        moved = {renames.get(k, k): info if k not in renames else replace(info, key=renames[k])
                 for k, info in papers.items()}
        return [_renamed(item, renames) for item in items], moved

    # -- merge and write ------------------------------------------------------------
    def merge(self, items: list[Item], now: int) -> tuple[list[Record], MergeReport]:
        """Merge an extraction into the stored records (`merge.merge`)."""
        return merge(self.records, items, now)

    def plan(self, records: list[Record], papers: dict[str, PaperInfo], dump=dump_file,
             map_files=None) -> dict[str, str]:
        """The text of every store file after this build (only files that have records);
        ``dump(what, paper, records)`` writes one (`yamlio.dump_file`), and
        ``map_files(dump, files)`` maps it over the files' ``(what, paper, records)`` in
        order (the builtin ``map`` by default; a build may spread it over processes)."""
        groups: dict[str, list[Record]] = {}
        for rec in records:
            home = rec.home or self.home_of(rec, papers)
            rec.home = home
            groups.setdefault(home, []).append(rec)
        homes = sorted(groups)
        files = [self._header(home, groups[home], papers) + (groups[home],) for home in homes]
        return dict(zip(homes, (map_files or map)(lambda file: dump(*file), files)))

    def _header(self, home: str, recs: list[Record], papers: dict[str, PaperInfo]) -> tuple[str, PaperInfo | None]:
        """What a store file says it holds, and its paper (None: the glossary's file)."""
        key = next((r.item.paper for r in recs if r.item.paper), None)
        info = papers.get(key) or self.papers.get(key) if key else None
        if home == GLOSSARY_FILE:
            return "glossary (terms shared by all papers)", None
        return (f"{info.title}" if info is not None else home), info

    def home_of(self, rec: Record, papers: dict[str, PaperInfo]) -> str:
        key = rec.item.paper
        if not key:
            return GLOSSARY_FILE
        if key in self.paper_home:
            return self.paper_home[key]
        info = papers.get(key) or self.papers.get(key)
        group = PurePosixPath(info.file).stem if info and info.file else "notes"
        return f"{group}/{_safe(key)}.yaml"

    def changed_files(self, planned: dict[str, str]) -> dict[str, str]:
        return {rel: text for rel, text in planned.items() if self.texts.get(rel) != text}

    def stale_files(self, planned: dict[str, str]) -> list[str]:
        """Files that held items when loaded and hold none after this build (their items
        were pruned or dropped): the build that empties them removes them."""
        return sorted({r.home for r in self.records if r.home} - planned.keys())

    def write(self, planned: dict[str, str], txn: Transaction | None = None) -> list[str]:
        """Write the files whose text changed and remove the `stale_files`; returns their
        paths relative to cards/.

        All of them change at once or none does (`papercards.txn`): into
        ``txn`` when given (the build adds the deck to it), else a transaction
        of their own. The caller holds the build lock.
        """
        changed = self.changed_files(planned)
        own = txn is None
        txn = txn or Transaction(self.root)
        for rel, text in changed.items():
            txn.add(self.root / rel, text)
        stale = self.stale_files(planned)
        for rel in stale:
            txn.remove(self.root / rel)
        if own:
            txn.commit()
        return sorted([*changed, *stale])


def _renamed(item: Item, renames: dict[str, str]) -> Item:
    """``item`` with its papers under their new keys (itself when none of them moved)."""
    if item.paper not in renames and not any(p in renames for p in item.papers):
        return item
    head, _, rest = item.id.partition("/")
    new_id = f"{renames[head]}/{rest}" if item.paper in renames and head in renames else item.id
    return replace(item, id=new_id, paper=renames.get(item.paper, item.paper),
                   papers=[renames.get(p, p) for p in item.papers])


def _free_key(key: str, taken: set[str]) -> str:
    """``key-2``, ``key-3``, …: the first that no paper has."""
    n = 2
    while f"{key}-{n}" in taken:
        n += 1
    return f"{key}-{n}"


def _safe(key: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in key).strip("-.") or "paper"
