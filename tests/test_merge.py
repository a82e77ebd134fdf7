"""The three-way merge on hand-made records: cloze numbers, conflicts, retirement."""

from __future__ import annotations

from papercards.items.model import Item
from papercards.store import merge
from papercards.store.model import Record
from papercards.store.yamlio import dump_file, load_text

P = "F6z3utfcYw"
ID = f"{P}/cloze/84f94942"


def cloze(text: str, id: str = ID) -> Item:
    return Item(id=id, kind="cloze", fields={"text": text, "hint": ""}, paper=P, source="source/n.md:9")


def rebuild(records: list[Record], text: str, now: int) -> tuple[Record, object]:
    out, report = merge(records, [cloze(text)], now)
    return next(r for r in out if r.id == ID), report


def blanks(text: str) -> dict[int, str]:
    import re
    return {int(n): a for n, a in re.findall(r"\{\{c(\d+)::(.*?)\}\}", text)}


def test_a_dropped_blank_number_is_never_given_to_another_answer():
    first = cloze("文章提出的{{c1::在线采样器}}实现{{c2::二次收敛}}")
    rec = Record(item=first, fingerprint=first.fingerprint())
    # the notes lose the second blank's words …
    rec, _ = rebuild([rec], "文章提出的{{c1::在线采样器}}实现更快的收敛", 2)
    assert blanks(rec.item.fields["text"]) == {1: "在线采样器"}
    assert rec.old_blanks == {2: "二次收敛"}
    # … and later get a different one: it must not be c2 (card 2 has 二次收敛's history)
    rec, _ = rebuild([rec], "文章提出的{{c1::在线采样器}}比{{c2::均匀采样}}收敛更快", 3)
    assert blanks(rec.item.fields["text"]) == {1: "在线采样器", 3: "均匀采样"}
    assert rec.old_blanks == {2: "二次收敛"}
    # … and when the old blank comes back it gets its number (and card) back
    rec, _ = rebuild([rec], "{{c1::二次收敛}}由{{c2::在线采样器}}实现，{{c3::均匀采样}}只有线性收敛", 4)
    assert blanks(rec.item.fields["text"]) == {2: "二次收敛", 1: "在线采样器", 3: "均匀采样"}
    assert rec.old_blanks == {}


def test_a_blank_whose_words_stay_is_kept_so_its_card_keeps_a_front():
    first = cloze("文章提出的{{c1::在线采样器}}实现{{c2::二次收敛}}")
    rec = Record(item=first, fingerprint=first.fingerprint())
    # the extractor now blanks only 二次收敛: 在线采样器 is still there, so c1 stays a blank
    rec, report = rebuild([rec], "在线采样器实现{{c1::二次收敛}}，优于均匀采样", 2)
    assert rec.item.fields["text"] == "{{c1::在线采样器}}实现{{c2::二次收敛}}，优于均匀采样"
    assert report.updated == [ID] and rec.old_blanks == {1: "在线采样器"}     # the notes no longer make it
    again, report = rebuild([rec], "在线采样器实现{{c1::二次收敛}}，优于均匀采样", 3)
    assert not report.changed and report.hand_edited == []          # stable, and not a hand edit
    assert again.item.fields["text"] == "{{c1::在线采样器}}实现{{c2::二次收敛}}，优于均匀采样"


def test_old_blanks_round_trip_through_yaml():
    first = cloze("{{c3::均匀采样}}只有线性收敛")
    rec = Record(item=first, fingerprint=first.fingerprint(), old_blanks={1: "在线采样器", 2: "二次收敛"},
                 modified=5, checksum="x")
    text = dump_file("t", None, [rec])
    assert "old_blanks:\n    1: 在线采样器\n    2: 二次收敛\n" in text
    _, _, [back] = load_text(text, "cards/t.yaml")
    assert back.old_blanks == {1: "在线采样器", 2: "二次收敛"}
    assert dump_file("t", None, [back]) == text


def test_unchanged_cloze_keeps_its_numbers_and_is_not_a_hand_edit():
    first = cloze("文章提出的{{c1::在线采样器}}实现{{c2::二次收敛}}")
    rec = Record(item=first, fingerprint=first.fingerprint())
    rec, _ = rebuild([rec], "{{c1::二次收敛}}由文章提出的{{c2::在线采样器}}实现", 2)
    assert blanks(rec.item.fields["text"]) == {2: "二次收敛", 1: "在线采样器"}
    rec, report = rebuild([rec], "{{c1::二次收敛}}由文章提出的{{c2::在线采样器}}实现", 3)
    assert blanks(rec.item.fields["text"]) == {2: "二次收敛", 1: "在线采样器"}
    assert report.updated == report.hand_edited == [] and report.conflicts == []


def claim(answer: str) -> Item:
    return Item(id=f"{P}/claim/1", kind="claim", fields={"question": "Q？", "answer": answer}, paper=P,
                source="source/n.md:3")


def test_conflict_is_reported_once_and_cleared_when_resolved():
    gen = claim("old")
    rec = Record(item=claim("my edit"), fingerprint=gen.fingerprint())
    out, report = merge([rec], [claim("new")], 2)
    assert [i for i, _ in report.conflicts] == [gen.id]
    assert out[0].item.fields["answer"] == "my edit" and out[0].conflict["fields"]["answer"] == "new"
    out, report = merge(out, [claim("new")], 3)                       # reported once
    assert report.conflicts == [] and report.hand_edited == [gen.id] and out[0].conflict
    out[0].item.fields["answer"] = "new"                              # the user takes the new text
    out, report = merge(out, [claim("new")], 4)
    assert out[0].conflict is None and report.hand_edited == []


def test_manual_items_are_never_touched_and_gone_items_retire():
    manual = Record(item=Item(id="mine/claim/1", kind="claim", fields={"question": "a", "answer": "b"},
                              paper=P), origin="manual")
    auto = Record(item=claim("x"), fingerprint=claim("x").fingerprint())
    out, report = merge([manual, auto], [], 5)
    assert report.retired == [auto.id]
    by_id = {r.id: r for r in out}
    assert by_id["mine/claim/1"].status == "active" and by_id["mine/claim/1"].item.fields == {"question": "a",
                                                                                              "answer": "b"}
    assert by_id[auto.id].status == "retired"
    out, report = merge(out, [], 6)
    assert report.retired == []                                        # reported once


def test_a_blank_added_by_hand_is_a_hand_edit_not_a_conflict():
    first = cloze("文章提出的{{c1::在线采样器}}实现二次收敛")
    rec = Record(item=cloze("文章提出的{{c1::在线采样器}}实现{{c3::二次收敛}}"), fingerprint=first.fingerprint())
    for now in (2, 3):                                                # and again: nothing moves
        rec, report = rebuild([rec], "文章提出的{{c1::在线采样器}}实现二次收敛", now)
        assert report.hand_edited == [ID] and report.conflicts == [] and rec.conflict is None
        assert rec.item.fields["text"] == "文章提出的{{c1::在线采样器}}实现{{c3::二次收敛}}"


def test_a_blank_added_by_hand_next_to_one_papercards_kept_is_a_hand_edit():
    first = cloze("文章提出的{{c1::在线采样器}}实现{{c2::二次收敛}}，优于均匀采样")
    rec = Record(item=first, fingerprint=first.fingerprint())
    rec, _ = rebuild([rec], "在线采样器实现{{c1::二次收敛}}，优于均匀采样", 2)      # c1 kept by papercards
    assert rec.item.fields["text"] == "{{c1::在线采样器}}实现{{c2::二次收敛}}，优于均匀采样"
    rec.item.fields["text"] = "{{c1::在线采样器}}实现{{c2::二次收敛}}，优于{{c4::均匀采样}}"   # by hand
    again, report = rebuild([rec], "在线采样器实现{{c1::二次收敛}}，优于均匀采样", 3)
    assert report.hand_edited == [ID] and report.conflicts == [] and again.conflict is None
    # the notes change: the conflict's text is the notes' (with papercards' kept blank), not the edit's
    again, report = rebuild([again], "在线采样器实现{{c1::二次收敛}}，远优于均匀采样", 4)
    assert [i for i, _ in report.conflicts] == [ID]
    assert again.conflict["fields"]["text"] == "{{c1::在线采样器}}实现{{c2::二次收敛}}，远优于均匀采样"


def test_notes_that_come_to_say_what_the_hand_edit_says_are_no_conflict():
    gen = claim("old")
    rec = Record(item=claim("new"), fingerprint=gen.fingerprint())       # edited by hand to "new"
    out, report = merge([rec], [claim("new")], 2)                        # and the notes say it too
    assert report.conflicts == [] and report.hand_edited == [] and out[0].conflict is None
    again, report = merge(out, [claim("new")], 3)
    assert not report.changed and report.hand_edited == [] and again[0].fingerprint == claim("new").fingerprint()
