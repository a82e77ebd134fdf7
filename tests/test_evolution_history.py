"""A week of real note taking, slips included, replayed into one Anki collection.

The eight versions of tests/history_versions.py (50 papers added, lines
inserted above them, sub-headings renamed, generic sub-headings in many
papers, two papers with the same short name, an abstract pasted into another
paper and fixed two versions later, an empty ``## ``, two papers' links
swapped, an unchanged rebuild) are built in order into one project; each deck
is imported into ONE persistent collection of the real Anki engine, a day
passes and every due card is answered. After every import: every note in the
collection equals the deck's note field by field (nothing went stale), no two
notes of a note type share a first field, no review is lost, no note type is
copied, and the notes file was never written.
"""

from __future__ import annotations

import os
import sqlite3
import zipfile
from dataclasses import dataclass, field

import pytest
from anki_engine import import_apkg, open_collection, study_all_due
from conftest import ROOT, SHIPPED
from history_versions import LINK_4, LINK_5, VERSIONS
from test_evolution import _a_day_passes, _revlog, _scheduling

from papercards.build import build
from papercards.config import load_config

T0 = 1_760_000_000                 # the first build; each version is one day later
DAY = 86_400
NOTES = "source/iclr2025-dpo.md"
PAPER_3 = "KJF3h0OpQ7"             # its abstract is pasted over in v4, fixed in v6
SWAPPED = tuple(link.rsplit("=", 1)[1] for link in (LINK_4, LINK_5))


@dataclass
class Run:
    name: str
    log: dict[str, set[str]]                          # new/updated/duplicate -> item ids
    conflicting: int
    notes: int                                        # notes in the deck
    stale: list[tuple[str, str]]                      # (item id, field) the collection has otherwise
    missing: list[str]                                # deck notes the collection does not have
    duplicates: list[tuple[str, str]]                 # (note type, first field) held twice or more
    note_types: list[str]
    notes_file_untouched: bool
    revlog: dict[int, set[int]] = field(default_factory=dict)     # after study
    reps: dict[int, int] = field(default_factory=dict)
    cards_before: dict[int, tuple] = field(default_factory=dict)
    cards_after: dict[int, tuple] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)        # item id -> Source field
    answered: int = 0


def deck_notes(apkg) -> dict[str, list[str]]:
    """guid -> fields of every note in a package."""
    with zipfile.ZipFile(apkg) as zf:
        data = zf.read("collection.anki2")
    path = f"{apkg}.anki2"
    with open(path, "wb") as out:
        out.write(data)
    try:
        conn = sqlite3.connect(path)
        return {guid: flds.split("\x1f") for guid, flds in conn.execute("select guid, flds from notes")}
    finally:
        conn.close()
        os.remove(path)


def duplicate_first_fields(col) -> list[tuple[str, str]]:
    """(note type, first field) of the notes that share it with another note of their
    type, as Anki tells them (its checksum of the first field, HTML stripped)."""
    rows = col.db.all("select mid, min(sfld) from notes group by mid, csum having count(*) > 1")
    return sorted((col.models.get(mid)["name"], str(first)) for mid, first in rows)


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    root = tmp_path_factory.mktemp("history") / "proj"
    (root / "source").mkdir(parents=True)
    (root / "papercards.yaml").write_text((ROOT / "papercards.yaml").read_text(encoding="utf-8")
                                          + "cards: {sentence: true}\n", encoding="utf-8")
    notes_path = root / NOTES
    col = open_collection(tmp_path_factory.mktemp("anki"))
    conf = col.decks.get_config(1)                    # study everything, every day
    conf["new"]["perDay"] = conf["rev"]["perDay"] = 9999
    col.decks.update_config(conf)
    base = SHIPPED.read_text(encoding="utf-8")
    runs: list[Run] = []
    for k, make in enumerate(VERSIONS):
        notes_path.write_text(make(base), encoding="utf-8")
        before = notes_path.read_bytes(), notes_path.stat().st_mtime_ns
        result = build(load_config(root), now=T0 + DAY * k)
        untouched = (notes_path.read_bytes(), notes_path.stat().st_mtime_ns) == before

        cards_before = _scheduling(col)
        log = import_apkg(col, result.deck_path)

        def ids(entries, col=col):
            return {col.get_note(e.id.nid)["ItemId"] for e in entries}

        shipped = deck_notes(result.deck_path)
        stale, have = [], {}
        for nid in col.find_notes(""):
            note = col.get_note(nid)
            have[note.guid] = note
            names = [f["name"] for f in note.note_type()["flds"]]
            for name, mine, theirs in zip(names, note.fields, shipped.get(note.guid, [])):
                if mine != theirs:
                    stale.append((note["ItemId"], name))
        run = Run(make.__name__, {"new": ids(log.new), "updated": ids(log.updated),
                                  "duplicate": ids(log.duplicate)},
                  len(log.conflicting), len(shipped), stale, sorted(set(shipped) - set(have)),
                  duplicate_first_fields(col), sorted(m.name for m in col.models.all_names_and_ids()),
                  untouched, cards_before=cards_before, cards_after=_scheduling(col),
                  sources={n["ItemId"]: n["Source"] for n in have.values()})
        _a_day_passes(col)
        run.answered = study_all_due(col)
        run.revlog, run.reps = _revlog(col), {cid: v[7] for cid, v in _scheduling(col).items()}
        runs.append(run)
    yield runs
    col.close()


def test_every_note_equals_the_deck_after_every_import(history):
    for run in history:
        assert run.missing == [], run.name
        assert run.stale == [], (run.name, run.stale[:10])


def test_no_two_notes_of_a_note_type_share_a_first_field(history):
    for run in history:
        assert run.duplicates == [], (run.name, run.duplicates[:10])


def test_no_review_is_lost_and_imports_never_touch_scheduling(history):
    for prev, run in zip(history, history[1:]):
        assert {cid: run.cards_after[cid] for cid in run.cards_before} == run.cards_before, run.name
        for cid, revs in prev.revlog.items():
            assert revs <= run.revlog.get(cid, set()), (run.name, cid)
            assert run.reps[cid] >= prev.reps[cid], (run.name, cid)
    assert all(run.answered for run in history)


def test_no_note_type_copy_no_conflict_and_the_notes_file_untouched(history):
    for run in history:
        assert not [name for name in run.note_types if name.endswith("+")], run.name
        assert run.conflicting == 0, run.name
        assert run.notes_file_untouched, run.name


def test_the_source_field_names_a_heading_not_a_line(history):
    v1, _, v3, _, v5, _, _, v8 = history
    assert all(":" not in source.rpartition("›")[0] for source in v1.sources.values())
    assert v1.sources["PabAln0jjB/cloze/2ecb9d87"] == "iclr2025-dpo.md › NS-DPO › 技术细节"
    # lines inserted above 50 papers: not one note changes
    assert v3.log["new"] == v3.log["updated"] == set()
    # a renamed sub-heading: its notes show the new name
    assert v5.sources["PabAln0jjB/cloze/2ecb9d87"] == "iclr2025-dpo.md › NS-DPO › 实现细节"
    assert "PabAln0jjB/cloze/2ecb9d87" in v5.log["updated"]
    # an unchanged rebuild changes nothing
    assert v8.log["new"] == v8.log["updated"] == set() and len(v8.log["duplicate"]) == v8.notes


def test_import_log(history, capsys):
    """The import log of each version, as the closing note of the change reports it."""
    with capsys.disabled():
        print("\nversion  notes  new  updated  unchanged  duplicate-first-fields")
        for run in history:
            print(f"{run.name:<8} {run.notes:>5} {len(run.log['new']):>4} {len(run.log['updated']):>8} "
                  f"{len(run.log['duplicate']):>10} {len(run.duplicates):>22}")
    assert len(history[0].log["new"]) == history[0].notes
    assert history[1].notes >= history[0].notes + 100         # the 50 papers arrived, two notes each at least


def test_papers_that_trade_links_keep_their_notes(history):
    v5 = history[4]
    assert not [i for i in v5.log["new"] if i.startswith(SWAPPED)]


def test_a_pasted_abstract_is_carded_once(history):
    v4 = history[3]
    assert not [i for i in v4.log["new"] if i.startswith(f"{PAPER_3}/")]
