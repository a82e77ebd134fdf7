"""The build, as a recipe: read notes → extract items → merge into cards/ → render → write → commit.

Usable without the CLI: ``build(load_config(path))`` returns a `BuildResult`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from . import retire, uptodate, workers
from .cache import NO_CACHE, BuildCache, file_key, note_key, yaml_key
from .config import Config
from .diagnostics import Diagnostic, InputError
from .fsutil import build_lock
from .gctuning import fewer_collections
from .items import Extraction, extract
from .items.model import PaperInfo
from .notes import NotesFile, find_notes, read_notes, slugify, source_warnings
from .store import MergeReport, Record, Store, stamp
from .store.yamlio import load_dumped, load_text
from .txn import Transaction, recover


@dataclass
class Summary:
    """What a build says when it is done (also replayed when nothing changed)."""
    files: int = 0
    papers: int = 0
    placeholders: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    changes: dict[str, int] = field(default_factory=dict)   # new, updated, retired, conflicts, hand_edited
    cards_written: list[str] = field(default_factory=list)
    notes: int = 0
    cards: int = 0
    skipped: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    up_to_date: bool = False

    def to_json(self) -> dict:
        d = dict(self.__dict__)
        d["kinds"] = [[k, n] for k, n in self.kinds.items()]       # keep the kinds' order
        d["diagnostics"] = [[x.file, x.line, x.message, x.level] for x in self.diagnostics]
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Summary":
        d = dict(d)
        d["kinds"] = dict(d.get("kinds", []))
        d["diagnostics"] = [Diagnostic(*x) for x in d.get("diagnostics", [])]
        return cls(**d)


@dataclass
class BuildResult:
    notes: list[NotesFile] = field(default_factory=list)
    extraction: Extraction = field(default_factory=Extraction)
    records: list[Record] = field(default_factory=list)
    papers: dict[str, PaperInfo] = field(default_factory=dict)
    report: MergeReport = field(default_factory=MergeReport)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    cards_written: list[str] = field(default_factory=list)     # store files (re)written
    cards_pending: list[str] = field(default_factory=list)     # dry run: files that would change
    deck_path: Path | None = None
    package: object | None = None                             # anki.PackageStats
    replayed: Summary | None = None                           # nothing changed: the last summary
    changed_settings: list[str] = field(default_factory=list)  # config keys changed since the last build

    def summary(self) -> Summary:
        if self.replayed is not None:
            return self.replayed
        r = self.report
        stats = self.package
        return Summary(
            files=len(self.notes), papers=self.paper_count, placeholders=self.placeholders,
            kinds=self.extraction.by_kind(),
            changes={"new": len(r.new), "updated": len(r.updated), "retired": len(r.retired),
                     "conflicts": len(r.conflicts), "hand_edited": len(r.hand_edited),
                     "dropped": len(r.dropped)},
            cards_written=list(self.cards_written),
            notes=getattr(stats, "notes", 0), cards=getattr(stats, "total_cards", 0),
            skipped=getattr(stats, "skipped", 0), diagnostics=list(self.diagnostics))

    @property
    def placeholders(self) -> int:
        return sum(n.placeholders for n in self.notes)

    @property
    def paper_count(self) -> int:
        return sum(len(n.papers) for n in self.notes)


def now_seconds() -> int:
    """Build time; SOURCE_DATE_EPOCH pins it for reproducible builds and tests."""
    pinned = os.environ.get("SOURCE_DATE_EPOCH")
    return int(pinned) if pinned and pinned.isdigit() else int(time.time())


def deck_file(config: Config) -> Path:
    return config.decks_path / f"{slugify(config.deck) or 'papercards'}.apkg"


# progress(message, big): a stage of the build starts; ``big`` when it has enough to do
# to take a while
Progress = Callable[[str, bool], None]
MANY_FILES, MANY_PAPERS = 16, 64
# notes from which the per-file and per-paper steps run in worker processes: about 300
# papers of the shipped notes; below, workers cost more than they save (README, Benchmarks)
WORKERS_FROM_BYTES = 1_000_000


@fewer_collections
def build(config: Config, *, dry_run: bool = False, now: int | None = None, force: bool = False,
          progress: Progress | None = None) -> BuildResult:
    """Run the whole pipeline; writes cards/ and decks/ unless ``dry_run``.

    When nothing it reads has changed since the last build (see `uptodate`),
    the outputs would be byte-identical: the last summary is replayed instead,
    unless ``force``. A config change that would retire more than half of the
    items stops the build (`retire.check_retirements`), unless ``force``.
    """
    with build_lock(config.cards_path):
        recover(config.cards_path, locked=True)     # a build killed while writing: finish or undo it
        paths = find_notes(config)
        sources = None if dry_run else uptodate.sources_digest(config, paths)
        replayed = None if dry_run or force else replay_if_unchanged(config, paths, sources)
        if replayed is not None:
            return replayed
        cache = BuildCache.of(config, force=force)
        run = mapper_for(paths)
        result, store = collect(config, now=now, progress=progress, cache=cache, paths=paths,   # read, extract, merge
                                judge=False, run=run)
        if not force:
            retire.check_retirements(config, result.report, result.records, result.changed_settings)
        written: dict[str, tuple] = {}
        planned = plan_files(config, result, store, cache, written, run)     # the store's YAML
        if dry_run:
            return result
        if progress:
            progress(f"Writing {config.cards_dir}/ and the deck…", result.paper_count >= MANY_PAPERS)
        deck_bytes = pack(config, result)                                   # the deck
        commit(config, result, store, planned, deck_bytes)                   # both, all or nothing
        save_stamp(config, result, paths, sources)
        remember_written(config, store, planned, written, cache)
        cache.save()
    return result


def replay_if_unchanged(config: Config, paths: list[Path], sources=None) -> BuildResult | None:
    """The last build's summary, when nothing it read has changed since (`uptodate`);
    ``paths``: the notes files, ``sources``: their `uptodate.sources_digest`."""
    deck = deck_file(config)
    stamp_ = uptodate.load(config)
    digest = uptodate.inputs_digest(config, paths, uptodate.images_of(stamp_), sources)
    if not stamp_ or stamp_.get("inputs") != digest or stamp_.get("deck") != uptodate.file_digest(deck):
        return None
    summary = Summary.from_json(stamp_["summary"])
    summary.up_to_date, summary.cards_written = True, []
    summary.changes = {k: 0 for k in summary.changes}
    return BuildResult(deck_path=deck, replayed=summary)


def prepare(config: Config, *, now: int | None = None,
            progress: Progress | None = None) -> tuple[BuildResult, Store, dict[str, str]]:
    """Everything up to writing: read, extract, merge, plan. Pure apart from reading."""
    result, store = collect(config, now=now, progress=progress)
    return result, store, plan_files(config, result, store)


def collect(config: Config, *, now: int | None = None, progress: Progress | None = None,
            cache: BuildCache = NO_CACHE, paths: list[Path] | None = None,
            judge: bool = True, run: workers.Map | None = None) -> tuple[BuildResult, Store]:
    """Read the notes (``paths``, found when not given), extract their items and merge them
    into the store's records; the results of unchanged files and papers come from ``cache``.
    ``judge``: find the doubts about the cards too (`items.extract`)."""
    result = BuildResult(deck_path=deck_file(config))
    paths = find_notes(config) if paths is None else paths
    run = run or mapper_for(paths)
    result.notes = read_all(config, progress, cache, paths, run)
    result.diagnostics.extend(source_warnings(config, paths))
    for nf in result.notes:
        result.diagnostics.extend(nf.diagnostics)
    if progress:
        progress(f"Extracting items from {result.paper_count} papers…", result.paper_count >= MANY_PAPERS)
    extraction = extract(result.notes, config, partial(cache.each, run=run), judge=judge, memo=cache.memo)
    result.diagnostics.extend(extraction.diagnostics)
    store = Store.load(config.cards_path, shown_root=config.cards_dir, parse=cache.step("store", load_text))
    result.diagnostics.extend(store.diagnostics)
    merge_into_store(config, result, store, extraction, now if now is not None else now_seconds(), progress, cache,
                     run)
    return result, store


def read_all(config: Config, progress: Progress | None = None, cache: BuildCache = NO_CACHE,
             paths: list[Path] | None = None, run: workers.Map = workers.in_turn) -> list[NotesFile]:
    """Every notes file (``paths``, found when not given), parsed; the files to parse
    mapped by ``run`` (`workers.mapper`)."""
    paths = find_notes(config) if paths is None else paths
    if not paths:
        raise InputError(config.source_dir, 0, "no Markdown notes here (*.md); put your notes in this "
                         "folder or set source_dir in papercards.yaml")
    if progress:
        progress(f"Reading {len(paths)} notes files…", len(paths) >= MANY_FILES)
    return cache.map("notes", lambda path: read_notes(path, config), paths, [file_key(p) for p in paths],
                     run=run)


def mapper_for(paths: list[Path]) -> workers.Map:
    """How this build maps its per-file and per-paper steps: over workers for big notes."""
    return workers.mapper(big=notes_bytes(paths) >= WORKERS_FROM_BYTES)


def notes_bytes(paths: list[Path]) -> int:
    """The size of the notes: what the per-file and per-paper steps' work grows with."""
    total = 0
    for path in paths:
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return total


def merge_into_store(config: Config, result: BuildResult, store: Store, extraction: Extraction,
                     now: int, progress: Progress | None = None, cache: BuildCache = NO_CACHE,
                     run: workers.Map = workers.in_turn) -> None:
    """The extraction under the store's paper keys, merged into its records; a record's
    modification time moves when what its Anki note shows changed (`stamp`). Notes of
    unchanged records come from ``cache``, the others are rendered through ``run``."""
    from .anki import ImagePolicy, note_faces, refused_math
    from .anki.memo import lasting
    last = uptodate.load(config)
    born = retire.made_by_an_undone_change(config, last, uptodate.file_digest(result.deck_path))
    items, papers = store.adopt_paper_keys(extraction.items, extraction.papers, undone=born)
    result.extraction = replace(extraction, items=items, papers=papers)
    result.papers = {**store.papers, **papers}
    result.records, result.report = store.merge(items, now)
    if progress:
        progress(f"Rendering {len(items)} notes…", result.paper_count >= MANY_PAPERS)
    images = ImagePolicy.of(config)
    key = note_key(result.papers, config.deck, images)

    def map_kept(render, records):          # a note whose record is unchanged comes from the cache
        return cache.map("render", render, records, [key(r) for r in records], run,
                         keep=lambda portable: lasting(portable[1]))
    faces = note_faces(result.records, result.papers, config.deck, images, map_records=map_kept)
    stamp(result.records, now, faces)
    result.records = retire.drop_short_lived(result.records, result.report, born)
    result.changed_settings = retire.changed_settings(config, last)
    result.diagnostics.extend(refused_math(result.records, result.papers, config.cards_dir))
    check_ids_kept(result, config)


def check_ids_kept(result: BuildResult, config: Config) -> None:
    """Refuse an id changed by hand in cards/: Anki would take it for a new note.

    The merge matches the notes' item to the stored one by its text and keeps
    the stored id, which is right for an item reworded in the notes (papercards
    never gave Anki the new id). When the last deck did give Anki the notes' id,
    papercards had kept it, so the stored id was typed by hand.
    """
    if not result.report.renamed:
        return
    from .anki.shipped import guid_of, shipped_guids
    shipped = shipped_guids(deck_file(config))
    records = {r.id: r for r in result.records}
    for kept, made in result.report.renamed:
        rec = records[kept]
        if guid_of(made) in shipped and guid_of(kept) not in shipped and rec.home:
            raise InputError(f"{config.cards_dir}/{rec.home}", rec.line,
                             f"item id '{kept}' was changed by hand: papercards made this item as "
                             f"'{made}', and Anki knows its note by that id (a new id makes a second "
                             f"note, without its review history); change the id back to '{made}'")


def plan_files(config: Config, result: BuildResult, store: Store, cache: BuildCache = NO_CACHE,
               written: dict[str, tuple] | None = None, run: workers.Map = workers.in_turn) -> dict[str, str]:
    """The text of every store file after this build; gives every record its file (home).
    ``written`` gets each text's paper and records. Unchanged files come from ``cache``,
    the others are written through ``run``."""
    def map_kept(dump, files):
        texts = cache.map("yaml", dump, files, [yaml_key(*file) for file in files], run)
        if written is not None:
            written.update((text, (paper, records)) for text, (_, paper, records) in zip(texts, files))
        return texts
    planned = store.plan(result.records, result.papers, map_files=map_kept)
    result.diagnostics.extend(conflict_diagnostics(result, config))
    result.cards_pending = sorted([*store.changed_files(planned), *store.stale_files(planned)])
    return planned


def conflict_diagnostics(result: BuildResult, config: Config) -> list[Diagnostic]:
    """One per conflict found by this merge, naming the item's file in cards/:
    ``cards/<notes>/<key>.yaml: item … was edited by hand and its source changed at source/….md:NN``."""
    homes = {r.id: r.home for r in result.records}
    return [Diagnostic(f"{config.cards_dir}/{homes[item_id]}" if homes.get(item_id) else config.cards_dir,
                       0, message) for item_id, message in result.report.conflicts]


def pack(config: Config, result: BuildResult) -> bytes:
    """The deck's bytes (`anki.package_bytes`), with the images of the project; its stats
    go into ``result.package``."""
    from .anki import ImagePolicy, package_bytes
    data, result.package = package_bytes(result.records, result.papers, config.deck, images=ImagePolicy.of(config),
                                         speak=config.speak_terms)
    result.diagnostics.extend(result.package.diagnostics)      # images left out of the cards
    return data


def commit(config: Config, result: BuildResult, store: Store, planned: dict[str, str], deck_bytes: bytes) -> None:
    """The changed store files and the deck, written all or nothing.

    Killed at any point, cards/ and decks/ are either both as before or both
    as after this build, once the next command has recovered (see
    `papercards.txn`).
    """
    with Transaction(config.cards_path) as txn:
        result.cards_written = store.write(planned, txn)
        if uptodate.file_digest(result.deck_path) != hashlib.sha256(deck_bytes).hexdigest():
            txn.add(result.deck_path, deck_bytes)    # an unchanged deck keeps its file (and mtime)


def remember_written(config: Config, store: Store, planned: dict[str, str], written: dict[str, tuple],
                     cache: BuildCache) -> None:
    """Keep in ``cache`` what `Store.load` will read from each store file this build wrote
    (`yamlio.load_dumped`: from the records, without parsing the text): the next build
    then parses only the files changed since; a build after a cold one would otherwise
    parse every file again."""
    for rel, text in planned.items():
        if store.texts.get(rel) == text or text not in written:
            continue
        shown = f"{config.cards_dir}/{rel}"
        try:
            loaded = load_dumped(text, shown, *written[text])
        except InputError:                  # the next build reports it, reading the file
            continue
        if loaded is not None:
            cache.seed("store", (text, shown), loaded)


def save_stamp(config: Config, result: BuildResult, paths: list[Path], sources=None) -> None:
    """Remember this build's inputs and summary, after its outputs are committed: a
    stamp that is missing or stale only costs a rebuild, which comes out identical.
    ``sources``: the digest of the notes (``paths``) as this build read them."""
    # a replay must not report this build's conflicts again: they are reported once,
    # and stay recorded under `conflict:` in cards/
    summary = result.summary()
    reported = set(conflict_diagnostics(result, config))
    summary.diagnostics = [d for d in summary.diagnostics if d not in reported]
    images = list(getattr(result.package, "media_inputs", []))
    settings = retire.stamp_settings(config, uptodate.load(config))
    uptodate.save(config, {**settings, "inputs": uptodate.inputs_digest(config, paths, images, sources),
                           "images": images, "deck": uptodate.file_digest(result.deck_path),
                           "summary": summary.to_json(), "born": sorted(result.report.new),
                           # what `papercards review` walks: the notes changed these items' text
                           "changed": sorted({*result.report.updated, *result.report.revived,
                                              *(i for i, _ in result.report.conflicts)})})
