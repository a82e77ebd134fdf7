"""Notes evolve for weeks; the learner's Anki collection must lose nothing.

The shipped notes go through seven versions (tests/evolution_versions.py: new
papers in placeholders, an empty ``####`` filled, bullets reworded slightly and
heavily, title typos fixed — one on a paper keyed by a title slug —, papers
renumbered and reordered, a bullet and a sub-section deleted, keywords added,
then an unchanged rebuild). After each build the deck is imported into ONE
collection of the real Anki engine, a day passes, and every due card is
answered through the v3 scheduler. The module runs the sequence once and the
tests below check it from different sides.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field

import genanki
import pytest
from anki_engine import import_apkg, open_collection, study_all_due
from evolution_versions import DICE_KEY, SIMPO_KEY_TYPO, SIMPO_LATE_OPENREVIEW, VERSIONS, shipped

from conftest import ROOT
from papercards.build import build
from papercards.config import load_config
from papercards.store import Store

T0 = 1_750_000_000                 # the first build; each version is one day later
DAY = 86_400
NOTES = "source/iclr2025-dpo.md"
RETIRED_TAG = "papercards::retired"

# ids of the shipped notes that the sequence edits (asserted to exist after v1)
P1_UNSTABLE = "9Hxdixed7p/claim/3865749f"            # #### DPO不稳定的来源 (reworded, then deleted)
P1_WORK = "ZSbsX1sFo3/cloze/2fd9c9bc"                # #### UNA效果, its first sentence (an item deleted after it);
#   a fresh build hashes it with its typing slips corrected (DPo, 隐形/显示奖励: items.typos)
P2_DETAIL = "PabAln0jjB/cloze/2ecb9d87"              # #### 技术细节 (heading and text rewritten)
P3_SOLUTION = "KJF3h0OpQ7/cloze/c4a470d7"            # #### 作用效果 (paragraph rewritten)
P7_POINTWISE = "CbfsKHiWEn/definition/逐点噪声-pointwise-noise"   # reworded by one word
# the abstract's "DPO inherently embeds [DRO] principles": it stays in v2, where the filled ####
# "在DPO中加入成对的分布稳健优化…" is asked by its heading, not as "[分布稳健优化]": Dr. DPO =
# 分布稳健的DPO, the name on the front answers that blank (`blanks.expands_own_name`)
P7_DRO_ABSTRACT = "CbfsKHiWEn/cloze/a9109d10"
P6_LOGIT = "F6z3utfcYw/definition/logit混合"           # nested bullet, deleted
P6_CLOZE = "F6z3utfcYw/cloze/5ca505a5"               # the sampler results: bolded, then turned around
P6_TITLE = "F6z3utfcYw/paper/title"
SIMPO_TITLE = f"{SIMPO_KEY_TYPO}/paper/title"

_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)


@dataclass
class Version:
    name: str
    now: int
    result: object                                   # papercards.build.BuildResult
    records: dict[str, tuple]                         # id -> (status, modified, fields, home)
    log: dict[str, set[str]]                          # new/updated/duplicate/conflicting -> item ids
    notes_before_import: dict[str, dict] = field(default_factory=dict)
    cards_before: dict[int, tuple] = field(default_factory=dict)      # scheduling before the import
    cards_after: dict[int, tuple] = field(default_factory=dict)       # right after the import
    revlog_after_study: dict[int, set[int]] = field(default_factory=dict)
    reps_after_study: dict[int, int] = field(default_factory=dict)
    fields: dict[str, dict[str, str]] = field(default_factory=dict)   # item id -> note fields after import
    tags: dict[str, list[str]] = field(default_factory=dict)
    card_ords: dict[str, dict[int, int]] = field(default_factory=dict)   # item id -> {ord: card id}
    answered: int = 0
    notes_file_untouched: bool = True
    deck_bytes: bytes = b""


def _scheduling(col) -> dict[int, tuple]:
    rows = col.db.all("select id, nid, ord, type, queue, due, ivl, factor, reps, lapses, left, did from cards")
    return {r[0]: tuple(r[1:]) for r in rows}


def _revlog(col) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for rid, cid in col.db.all("select id, cid from revlog"):
        out.setdefault(cid, set()).add(rid)
    return out


def _notes(col):
    for nid in col.find_notes(""):
        yield col.get_note(nid)


def _a_day_passes(col) -> None:
    """Make every review and day-learning card due today, and every learning step due
    now: the scheduler then offers every card that has been studied before."""
    today = col.sched.today
    col.db.execute("update cards set due = ? where queue in (2, 3)", today)
    col.db.execute("update cards set due = 0 where queue = 1")


@pytest.fixture(scope="module")
def evolution(tmp_path_factory):
    root = tmp_path_factory.mktemp("evolution") / "proj"
    (root / "source").mkdir(parents=True)
    write_config(root)
    notes_path = root / NOTES
    col = open_collection(tmp_path_factory.mktemp("anki"))
    conf = col.decks.get_config(1)                    # study everything, every day
    conf["new"]["perDay"] = conf["rev"]["perDay"] = 9999
    col.decks.update_config(conf)
    base = shipped()
    runs: list[Version] = []
    for k, make in enumerate(VERSIONS):
        notes_path.write_text(make(base), encoding="utf-8")
        os.utime(notes_path, ns=(1_000_000_000 * (T0 - DAY), 1_000_000_000 * (T0 - DAY)))
        stat_before = notes_path.stat()
        bytes_before = notes_path.read_bytes()
        now = T0 + DAY * k
        result = build(load_config(root), now=now)
        stat_after = notes_path.stat()
        untouched = (notes_path.read_bytes() == bytes_before and stat_after.st_mtime_ns == stat_before.st_mtime_ns
                     and stat_after.st_ino == stat_before.st_ino)
        # what the store holds now (an unchanged rebuild only replays the last summary)
        records = {r.id: (r.status, r.modified, dict(r.item.fields), r.home)
                   for r in Store.load(root / "cards").records}

        cards_before = _scheduling(col)
        log = import_apkg(col, result.deck_path)

        def ids(notes, col=col):
            return {col.get_note(n.id.nid)["ItemId"] for n in notes}

        run = Version(make.__name__, now, result, records,
                      {"new": ids(log.new), "updated": ids(log.updated), "duplicate": ids(log.duplicate),
                       "conflicting": {n.id.nid for n in log.conflicting}},
                      cards_before=cards_before, cards_after=_scheduling(col),
                      notes_file_untouched=untouched, deck_bytes=result.deck_path.read_bytes())
        for note in _notes(col):
            run.fields[note["ItemId"]] = dict(note.items())
            run.tags[note["ItemId"]] = list(note.tags)
            run.card_ords[note["ItemId"]] = {c.ord: c.id for c in note.cards()}
        _a_day_passes(col)
        run.answered = study_all_due(col)
        run.revlog_after_study = _revlog(col)
        run.reps_after_study = {cid: v[7] for cid, v in _scheduling(col).items()}
        runs.append(run)
    yield root, col, runs
    col.close()


def write_config(root) -> None:
    """The shipped config with every kind on, word-for-word terms too: the history must
    hold for every kind a learner can turn on, not only the default ones."""
    text = (ROOT / "papercards.yaml").read_text(encoding="utf-8")
    (root / "papercards.yaml").write_text(text + "cards: {paper: true, sentence: true}\n"
                                          "glossary: {vocabulary: true}\n", encoding="utf-8")


def _content_item(run) -> str:
    """An item of the slug-keyed paper's own content (a Q&A or a cloze)."""
    return next(i for i in run.records if i.startswith((f"{SIMPO_KEY_TYPO}/claim/", f"{SIMPO_KEY_TYPO}/cloze/")))


# --------------------------------------------------------------------------- Anki side

def test_no_duplicate_notes_and_never_a_conflict(evolution):
    root, col, runs = evolution
    notes = list(_notes(col))
    guids = [n.guid for n in notes]
    item_ids = [n["ItemId"] for n in notes]
    assert len(notes) == len(set(guids)) == len(set(item_ids))
    for note in notes:
        assert note.guid == genanki.guid_for(note["ItemId"])
    for run in runs:
        assert run.log["conflicting"] == set(), run.name
    # every note in Anki is an item of the store (retired ones included), and vice versa
    store = {r.id for r in Store.load(root / "cards").records}
    shipped = set().union(*(r.log["new"] | r.log["updated"] | r.log["duplicate"] for r in runs))
    assert set(item_ids) == shipped <= store
    # no two live notes show the same question in the same deck (a duplicate under a new id)
    fronts = {}
    for note in notes:
        if RETIRED_TAG in note.tags:
            continue
        first = note.fields[0]
        key = (note.note_type()["name"], first, tuple(sorted(col.decks.name(c.did) for c in note.cards())))
        assert key not in fronts, (note["ItemId"], fronts.get(key))
        fronts[key] = note["ItemId"]
    # the only note types are ours, never a "papercards Q&A+" copy
    assert not [m.name for m in col.models.all_names_and_ids() if m.name.endswith("+")]


def test_every_import_applies_exactly_what_the_store_stamped(evolution):
    """Anki's "update if newer" sees exactly the notes whose content changed."""
    _, _, runs = evolution
    shipped_before: set[str] = set()
    previous: dict[str, tuple] = {}
    for run in runs:
        in_deck = run.log["new"] | run.log["updated"] | run.log["duplicate"]
        assert len(in_deck) == run.result.summary().notes, run.name
        assert run.log["new"] == in_deck - shipped_before, run.name
        stamped = {i for i in in_deck & shipped_before if run.records[i][1] != previous[i][1]}
        assert run.log["updated"] == stamped, run.name
        assert all(run.records[i][1] == run.now for i in stamped), run.name
        shipped_before |= in_deck
        previous = run.records


def test_per_version_import_logs(evolution):
    _, _, runs = evolution
    v1, v2, v3, v4, v5, v6, v7 = runs
    assert v1.log["updated"] == set() and len(v1.log["new"]) == v1.result.summary().notes > 40
    assert {P1_UNSTABLE, P1_WORK, P2_DETAIL, P3_SOLUTION, P7_POINTWISE, P6_LOGIT, P6_CLOZE, P7_DRO_ABSTRACT} <= set(v1.records)

    # v2: two new papers and the filled ####; the typo in paper 6's title reaches all its
    # notes (every back names the paper); glossary terms gain a paper
    assert {f"{DICE_KEY}/paper/title", SIMPO_TITLE} <= v2.log["new"]
    assert any(i.startswith(("CbfsKHiWEn/claim/", "CbfsKHiWEn/cloze/")) for i in v2.log["new"])
    assert {i for i in v2.log["updated"] if not i.startswith(("F6z3utfcYw/", "term/"))} == set()
    assert "CbfsKHiWEn/claim/3f48b4d9" in v2.log["new"] and P7_DRO_ABSTRACT in v2.records
    assert P6_TITLE in v2.log["updated"]

    # v3: one word of one bullet → exactly that note, and only that paper's YAML file
    assert v3.log["new"] == set() and v3.log["updated"] == {P1_UNSTABLE}
    assert v3.result.cards_written == ["iclr2025-dpo/9Hxdixed7p.yaml"]

    # v4: the reworded heading keeps its id; a rewritten heading + text is a new item
    assert P1_UNSTABLE in {old for old, _ in v4.result.report.renamed}
    assert v4.result.report.retired == [P2_DETAIL]
    # new: the rewritten heading's item, and paper 3's solution, whose three plain sentences
    # carded nothing and whose one rewritten sentence is a Q&A now
    assert sorted(i.split("/claim/")[0] for i in v4.log["new"]) == ["KJF3h0OpQ7", "PabAln0jjB"]
    assert {P1_UNSTABLE, P3_SOLUTION, P7_POINTWISE, P6_CLOZE, P2_DETAIL} <= v4.log["updated"]

    # v5: fixed titles update their papers' notes in place; the slug key is kept
    assert {SIMPO_TITLE, P6_TITLE} <= v5.log["updated"]
    assert not [i for i in v5.log["new"] if not i.startswith("term/")]

    # v6: renumbering/reordering changes nothing but positions; deletions retire
    assert v6.log["new"] == set()
    assert sorted(v6.result.report.retired) == sorted([P1_UNSTABLE, P6_LOGIT])
    simpo = {i for i in v6.records if i.startswith(SIMPO_KEY_TYPO + "/")}
    # (UNA效果's third sentence, deleted, was asked by no card: its first sentence's card stays as it is)
    assert v6.log["updated"] - simpo - {i for i in v6.log["updated"] if i.startswith("term/")} \
        == {P1_UNSTABLE, P6_LOGIT}
    # the slug-keyed paper got an OpenReview link: same key, its notes show the link
    assert simpo <= v6.log["updated"] and SIMPO_TITLE in simpo
    assert SIMPO_LATE_OPENREVIEW in v6.fields[_content_item(v6)]["Links"]

    # v7: unchanged rebuild: nothing new, nothing updated, no file written, same bytes
    assert v7.result.summary().up_to_date
    assert v7.log["new"] == v7.log["updated"] == set()
    assert v7.result.cards_written == [] and v7.deck_bytes == v6.deck_bytes
    assert len(v7.log["duplicate"]) == v7.result.summary().notes


def test_imports_never_touch_scheduling_and_reviews_are_kept(evolution):
    root, col, runs = evolution
    studied = 0
    for prev, run in zip(runs, runs[1:]):
        # the import itself changes no existing card in any way
        assert {cid: run.cards_after[cid] for cid in run.cards_before} == run.cards_before, run.name
        # review history only grows
        for cid, revs in prev.revlog_after_study.items():
            assert revs <= run.revlog_after_study.get(cid, set()), (run.name, cid)
            assert run.reps_after_study[cid] >= prev.reps_after_study[cid]
        studied += run.answered
    assert runs[0].answered >= runs[0].result.summary().cards    # every new card studied
    assert studied > 3 * len(runs[0].cards_after)                     # and reviewed day after day
    final = _revlog(col)
    final_cards = _scheduling(col)
    # every card ever studied is still there with its whole log and its reps
    for cid, revs in runs[-1].revlog_after_study.items():
        assert cid in final_cards and final[cid] == revs
        assert final_cards[cid][7] == len(revs)


def test_surviving_items_keep_their_cards(evolution):
    """The item → card mapping never moves: an item that survives keeps its first cards
    (same card ids, same ordinals) through every version."""
    _, _, runs = evolution
    first_seen: dict[tuple[str, int], int] = {}
    for run in runs:
        for item_id, ords in run.card_ords.items():
            for ord_, cid in ords.items():
                assert first_seen.setdefault((item_id, ord_), cid) == cid, (run.name, item_id, ord_)
    last = runs[-1]
    survivors = {i for i, rec in last.records.items() if rec[0] == "active"} & set(runs[0].records)
    assert len(survivors) > 40
    for item_id in survivors:
        for ord_, cid in runs[0].card_ords.get(item_id, {}).items():
            assert last.card_ords[item_id][ord_] == cid
            assert len(last.revlog_after_study[cid]) >= len(runs)      # reviewed in every version


def test_reworded_items_show_the_new_text(evolution):
    _, col, runs = evolution

    def by_guid(item_id):                      # the note Anki matched by GUID, as it is now
        nid = col.db.scalar("select id from notes where guid = ?", genanki.guid_for(item_id))
        return col.get_note(nid)

    # now, after the last version
    assert "DPO训练不稳定的来源" in by_guid(P1_UNSTABLE)["Front"]        # reworded, then retired
    assert "在线生成的偏好数据集" in by_guid(P3_SOLUTION)["Text"]
    assert "指低质量的数据点" in by_guid(P7_POINTWISE)["Back"]
    assert "Reference-Free" in by_guid(SIMPO_TITLE)["Front"]
    # and right after the version that changed them
    v3, v4, v5 = runs[2], runs[3], runs[4]
    assert "引起不稳定" in v3.fields[P1_UNSTABLE]["Back"]
    assert "DPO训练不稳定的来源" in v4.fields[P1_UNSTABLE]["Front"]      # heading reworded, same note
    assert "在线生成的偏好数据集" in v4.fields[P3_SOLUTION]["Text"]          # paragraph rewritten
    assert "指低质量的数据点" in v4.fields[P7_POINTWISE]["Back"]
    assert "Reference-Free" in v5.fields[SIMPO_TITLE]["Front"]
    assert "Referance" not in v5.fields[SIMPO_TITLE]["Front"]
    assert "Preference Optimization" in v5.fields[P6_TITLE]["Front"]
    # keywords added in v5 reach the notes of that paper as tags
    assert any("Online_Learning" in t for t in v5.tags["KJF3h0OpQ7/paper/title"])
    # the last version shows what the last notes say
    last = runs[-1]
    assert "适用不同的反馈类型" not in last.fields[P1_WORK]["Text"]
    assert "统一为一种监督学习" in last.fields[P1_WORK]["Text"]


def test_retired_items_are_tagged_and_kept(evolution):
    root, col, runs = evolution
    retired = {i for i, rec in runs[-1].records.items() if rec[0] == "retired"}
    assert retired == {P1_UNSTABLE, P2_DETAIL, P6_LOGIT}
    tagged = {n["ItemId"] for n in _notes(col) if RETIRED_TAG in n.tags}
    assert tagged == retired
    # still in cards/, marked retired
    store = {r.id: r for r in Store.load(root / "cards").records}
    assert all(store[i].status == "retired" for i in retired)


def test_paper_keys_survive_title_fixes_and_renumbering(evolution):
    root, _, runs = evolution
    keys = [set(run.result.papers) for run in runs[:-1]] + [set(Store.load(root / "cards").papers)]
    assert SIMPO_KEY_TYPO in keys[-1] and DICE_KEY in keys[-1]
    assert not [k for k in keys[-1] if k.startswith("simpo") and k != SIMPO_KEY_TYPO]
    assert keys[1] == keys[2] == keys[3] == keys[4] == keys[5] == keys[6]
    files = sorted(p.relative_to(root / "cards").as_posix() for p in (root / "cards").rglob("*.yaml"))
    assert f"iclr2025-dpo/{SIMPO_KEY_TYPO}.yaml" in files and len(files) == 10     # 9 papers + glossary
    info = Store.load(root / "cards").papers[SIMPO_KEY_TYPO]
    assert info.title.endswith("Reference-Free Reward") and info.number == 9
    assert runs[5].result.papers["KJF3h0OpQ7"].number == 2 and runs[5].result.papers["PabAln0jjB"].number == 3


def test_cloze_numbers_never_move(evolution):
    """A cloze number, once given to an answer, always means that answer; the card of
    each ordinal stays the same card."""
    _, _, runs = evolution
    meaning: dict[tuple[str, int], str] = {}
    for run in runs:
        for item_id, (status, _, fields, _) in run.records.items():
            for m in _CLOZE.finditer(fields.get("text", "")):
                key = (item_id, int(m.group(1)))
                answer = re.sub(r"[\s*`]", "", m.group(2))
                assert meaning.setdefault(key, answer) == answer, (run.name, key)
    # the sampler results: c1 was 线性收敛 and c2 二次收敛 from v1 on, whatever the author did
    assert meaning[(P6_CLOZE, 1)] == "线性收敛" and meaning[(P6_CLOZE, 2)] == "二次收敛"
    assert runs[0].card_ords[P6_CLOZE][0] == runs[-1].card_ords[P6_CLOZE][0]


def test_the_notes_file_is_never_written(evolution):
    _, _, runs = evolution
    assert all(run.notes_file_untouched for run in runs)


def test_same_notes_and_store_give_byte_identical_outputs(tmp_path):
    """Two copies of a project with a history (renames, retirements, a slug key) built
    with the same clock: the same .apkg and cards/ bytes, wherever the folder is."""
    from evolution_versions import v1, v4, v6
    a = tmp_path / "a" / "proj"
    (a / "source").mkdir(parents=True)
    write_config(a)
    for k, make in enumerate((v1, v4)):
        (a / NOTES).write_text(make(shipped()), encoding="utf-8")
        build(load_config(a), now=T0 + DAY * k)
    b = tmp_path / "elsewhere" / "copy"
    shutil.copytree(a, b)
    for root in (a, b):
        (root / NOTES).write_text(v6(shipped()), encoding="utf-8")
    build(load_config(a), now=T0 + 5 * DAY)
    build(load_config(b), now=T0 + 5 * DAY, force=True)

    def outputs(root):
        files = sorted((root / "cards").rglob("*.yaml")) + [root / "decks" / "iclr-2025-dpo.apkg"]
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in files}

    first = outputs(a)
    assert first == outputs(b)
    build(load_config(a), now=T0 + 5 * DAY, force=True)       # and again, in place
    assert outputs(a) == first
