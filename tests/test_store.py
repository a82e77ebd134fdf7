"""The item store: YAML round-trip, strict loading, and the three-way merge table."""

from __future__ import annotations

import pytest

from papercards.diagnostics import InputError
from papercards.items.model import Item, PaperInfo
from papercards.store import Store
from papercards.store.merge import merge, stamp
from papercards.store.model import Record
from papercards.store.yamlio import dump_file, load_text

PAPER = PaperInfo(key="PabAln0jjB", title="Right Now, Wrong Then", title_zh="偏好漂移下的非平稳直接偏好优化",
                  short="NS-DPO", pdf="./p.pdf", openreview="https://openreview.net/forum?id=PabAln0jjB")


def claim(answer="学习到的偏好可能会随时间推移而改变", qid="q1", question="RLHF存在的问题？"):
    return Item(id=f"PabAln0jjB/claim/{qid}", kind="claim", paper="PabAln0jjB",
                fields={"question": question, "answer": answer}, source="source/n.md:49")


def records_of(*items, now=100):
    recs, _ = merge([], list(items), now)
    stamp(recs, now)
    return recs


# --------------------------------------------------------------------------- YAML

def test_round_trip_is_exact_and_readable():
    recs = records_of(claim(answer="- 一\n- **二**"), Item(
        id="term/DRO", kind="term", papers=["a", "b"],
        fields={"term": "DRO", "english": "Distributionally Robust Optimization", "chinese": "分布稳健优化"}))
    recs[0].suspended = True
    text = dump_file("t", PAPER, recs)
    assert "分布稳健优化" in text and "\\u" not in text
    assert "answer: |-\n      - 一\n      - **二**" in text           # multi-line answers as a block
    header, _, loaded = load_text(text, "cards/x.yaml")
    assert header == PAPER
    assert [(r.item, r.origin, r.suspended, r.fingerprint, r.modified, r.checksum) for r in loaded] == \
        [(r.item, r.origin, r.suspended, r.fingerprint, r.modified, r.checksum) for r in recs]
    assert dump_file("t", PAPER, loaded) == text                     # byte-stable


@pytest.mark.parametrize("text,message", [
    ("items:\n- id: a\n  kind: claim\n  fields: {question: [unclosed\n", "flow sequence at line 4"),
    ("items:\n- id: a\n  kind: claim\n  fields:\n    question: \"trunc", "cards/x.yaml:5:"),
    ("items:\n- id: a\n  kind: claim\n  fields: text\n", "item a: 'fields' must be a mapping"),
    ("items:\n- id: a\n  kind: claim\n  fields: {}\n  suspend: true\n", "unknown key 'suspend' (did you mean 'suspended'?)"),
    ("items:\n- id: a\n  kind: nonsense\n  fields: {}\n", "unknown kind 'nonsense'"),
    ("items:\n- !!python/object:os.system {}\n", "YAML tags such as !!python/object are not allowed"),
    ("items:\n- id: a\n  id: b\n  kind: claim\n  fields: {}\n", "key 'id' appears twice"),
    ("items:\n- id: a\n  kind: claim\n  fields: {answer: [1, 2]}\n", "field 'answer' must be text"),
    ("items: 3\n", "'items' must be a list"),
    ("paper:\n  key: k\n  title: t\n  short: [a]\n", "cards/x.yaml:4: paper header: 'short' must be text, not a list"),
    ("paper:\n  key: k\n  title: {a: b}\n", "cards/x.yaml:3: paper header: 'title' must be text, not a mapping"),
    ("paper:\n  key: k\n  title: t\n  number: one\n", "cards/x.yaml:4: paper header: 'number' must be a "
                                                        "whole number, not one"),
    ("paper:\n  key: k\n  title: t\n  tags: DPO\n", "cards/x.yaml:4: paper header: 'tags' must be a list"),
    ("paper:\n  key: k\n  titel: t\n", "cards/x.yaml:3: paper header: unknown key 'titel'"),
    ("paper:\n  title: t\n", "cards/x.yaml:2: paper header: 'key' must be the paper's key"),
    ("items:\n- id: a\n  kind: claim\n  fields: {}\n  modified: 253402300800\n",
     "cards/x.yaml:5: item a: 'modified' must be a time in whole seconds since 1970 (at most 253402300799, "
     "the year 9999), not 253402300800"),
    ("items:\n- id: a\n  kind: claim\n  fields: {}\n  modified: -1\n", "not -1"),
    ("items:\n- id: a\n  kind: claim\n  fields: {}\n  modified: true\n", "not true"),
    ("items:\n- id: a\n  kind: claim\n  fields: {}\n  modified: '17'\n", "not the text '17'"),
    ("items:\n- id: a\n  kind: claim\n  fields:\n    question: q\n    answer: {x: 1}\n",
     "cards/x.yaml:6: item a: field 'answer' must be text, not a mapping"),
    ("items:\n- id: p/claim/1\n  kind: term\n  fields: {}\n  origin: auto\n",
     "cards/x.yaml:3: item p/claim/1: 'kind' was changed by hand to term, but this item is a claim"),
    ("items:\n- id: mine\n  kind: term\n  fields: {}\n  origin: auto\n",
     "cards/x.yaml:2: item mine: the id was changed by hand"),
    ("- a\n", "expected a mapping with 'items:'"),
])
def test_malformed_store_files_name_file_and_line(text, message):
    with pytest.raises(InputError) as err:
        load_text(text, "cards/x.yaml")
    assert message in str(err.value) and str(err.value).startswith("cards/x.yaml")


def test_numbers_dates_and_booleans_typed_where_text_belongs_are_that_text():
    """YAML reads `2048`, `1.50`, `yes`, `2024-01-01` as numbers, dates, booleans:
    the learner typed text there, and papercards quotes such text when it writes."""
    text = ("paper:\n  key: 2048\n  title: 1.50\n  title_zh: 2024-01-01\n  short: 2048\n  number: 3\n"
            "  tags: [2025, DPO]\n  links:\n  - {text: 1, href: ./a.pdf}\n"
            "items:\n- id: 2048/claim/0123\n  kind: claim\n  paper: 2048\n  fields:\n    question: yes\n"
            "    answer: 0x1F\n  origin: auto\n  fingerprint: 0123456789\n  checksum: 1e5\n  modified: 5\n"
            "- id: manual/x\n  kind: claim\n  fields:\n    question: ~\n    answer: 2024-01-01 12:00:00\n")
    paper, _, [auto, manual] = load_text(text, "cards/x.yaml")
    assert (paper.key, paper.title, paper.title_zh, paper.short, paper.number, paper.tags, paper.links) == \
        ("2048", "1.50", "2024-01-01", "2048", 3, ["2025", "DPO"], [{"text": "1", "href": "./a.pdf"}])
    assert auto.item.fields == {"question": "yes", "answer": "0x1F"} and auto.item.paper == "2048"
    assert (auto.id, auto.fingerprint, auto.checksum, auto.modified) == ("2048/claim/0123", "0123456789", "1e5", 5)
    assert manual.item.fields == {"question": "", "answer": "2024-01-01 12:00:00"}
    again = load_text(dump_file("t", paper, [auto, manual]), "cards/x.yaml")
    assert again.paper == paper and again.records[0].item == auto.item             # written quoted: stable
    assert again.records[1].item.fields == {"answer": "2024-01-01 12:00:00"}


def test_duplicate_ids_across_files_are_refused(tmp_path):
    one = dump_file("t", PAPER, records_of(claim()))
    (tmp_path / "a.yaml").write_text(one, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(one, encoding="utf-8")
    with pytest.raises(InputError, match="is used twice"):
        Store.load(tmp_path)


# --------------------------------------------------------------------------- merge

def test_unchanged_notes_keep_the_record_as_it_is():
    old = records_of(claim(), now=100)
    recs, report = merge(old, [claim()], 200)
    stamp(recs, 200)
    assert not report.changed and recs[0].modified == 100


def test_only_notes_changed_updates_and_moves_modified():
    old = records_of(claim(), now=100)
    recs, report = merge(old, [claim(answer="偏好会随时间改变")], 200)
    stamp(recs, 200)
    assert report.updated == ["PabAln0jjB/claim/q1"] and recs[0].item.fields["answer"] == "偏好会随时间改变"
    assert recs[0].modified == 200


def test_only_yaml_edited_keeps_the_hand_edit():
    old = records_of(claim(), now=100)
    old[0].item.fields["answer"] = "我自己的说法"
    recs, report = merge(old, [claim()], 200)
    stamp(recs, 200)
    assert recs[0].item.fields["answer"] == "我自己的说法" and report.hand_edited == ["PabAln0jjB/claim/q1"]
    assert recs[0].modified == 200                                   # the edit must reach Anki


def test_both_changed_keeps_edit_records_conflict_once():
    old = records_of(claim(), now=100)
    old[0].item.fields["answer"] = "我自己的说法"
    recs, report = merge(old, [claim(answer="偏好会随时间改变")], 200)
    assert recs[0].item.fields["answer"] == "我自己的说法"
    assert recs[0].conflict == {"source": "source/n.md:49",
                                "fields": {"question": "RLHF存在的问题？", "answer": "偏好会随时间改变"}}
    assert len(report.conflicts) == 1
    again, report2 = merge(recs, [claim(answer="偏好会随时间改变")], 300)
    assert report2.conflicts == [] and again[0].item.fields["answer"] == "我自己的说法"


def test_manual_items_are_never_touched_and_gone_sources_retire():
    old = records_of(claim(), claim(qid="q2", question="如何解决？", answer="使用动态的Bradley-Terry模型"))
    manual = Record(item=claim(qid="mine", question="我的问题？", answer="我的答案"), origin="manual")
    recs, report = merge(old + [manual], [claim()], 200)
    by_id = {r.id: r for r in recs}
    assert by_id["PabAln0jjB/claim/mine"] is manual and manual.status == "active"
    assert by_id["PabAln0jjB/claim/q2"].status == "retired" and report.retired == ["PabAln0jjB/claim/q2"]
    back, report2 = merge(recs, [claim(), claim(qid="q2", question="如何解决？", answer="使用动态的Bradley-Terry模型")], 300)
    assert {r.id: r.status for r in back}["PabAln0jjB/claim/q2"] == "active" and report2.revived


def test_reworded_question_is_matched_to_its_old_id():
    old = records_of(claim(qid="old", question="RLHF存在的问题？"))
    recs, report = merge(old, [claim(qid="new", question="RLHF存在什么问题？")], 200)
    assert [r.id for r in recs] == ["PabAln0jjB/claim/old"] and report.renamed == [("PabAln0jjB/claim/old",
                                                                                      "PabAln0jjB/claim/new")]


def test_cloze_numbers_never_move():
    def cloze(text):
        return Item(id="p/cloze/x", kind="cloze", paper="p", fields={"text": text})
    old = records_of(cloze("A {{c1::在线采样器}} 实现 {{c2::二次收敛}}"))
    recs, _ = merge(old, [cloze("A {{c1::二次收敛}} 和 {{c2::线性收敛}}")], 200)
    assert recs[0].item.fields["text"] == "A {{c2::二次收敛}} 和 {{c3::线性收敛}}"
    again, report = merge(recs, [cloze("A {{c1::二次收敛}} 和 {{c2::线性收敛}}")], 300)
    assert not report.changed and again[0].item.fields["text"] == "A {{c2::二次收敛}} 和 {{c3::线性收敛}}"


def test_the_header_comment_keeps_every_character_yaml_prints_on_one_line():
    """`_COMMENT_UNSAFE` is the complement of YAML's printable characters without its line
    breaks, listed (the negated class cost 8 ms to compile at every start)."""
    import yaml

    from papercards.store.yamlio import _COMMENT_UNSAFE
    line_breaks = "\n\r\x85\u2028\u2029"
    for code in range(0x110000):
        ch = chr(code)
        unsafe = bool(yaml.reader.Reader.NON_PRINTABLE.match(ch)) or ch in line_breaks
        assert bool(_COMMENT_UNSAFE.match(ch)) == unsafe, hex(code)
