"""First fields are unique within each note type over the whole deck, retired notes
included: what the notes alone would make twice is told apart, deterministically."""

from __future__ import annotations

import dataclasses
import io
import sqlite3
import zipfile

from anki_engine import DECK, T0, sample_papers, sample_records

from papercards.anki import package_bytes
from papercards.items.model import Item
from papercards.store.model import Record

P1, P2 = "9Hxdixed7p", "PabAln0jjB"
QUESTION = "3D-Properties 论文：DPO 不稳定的来源？"


def first_fields(data: bytes) -> dict[str, str]:
    """ItemId -> first field of every note of a package."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        raw = zf.read("collection.anki2")
    conn = sqlite3.connect(":memory:")
    conn.deserialize(raw)
    out = {}
    for (flds,) in conn.execute("select flds from notes"):
        fields = flds.split("\x1f")
        item_id = next(f for f in fields if f.startswith((P1, P2, "term/")))
        out[item_id] = fields[0]
    return out


def records_with_copies() -> list[Record]:
    """The sample records, plus a retired item asking the live claim's question again
    and the same question carded under the other paper."""
    records = sample_records()
    claim = next(r for r in records if r.item.id == f"{P1}/claim/5b1c0e2a")
    retired = Record(item=dataclasses.replace(claim.item, id=f"{P1}/claim/00000000"),
                     status="retired", modified=T0 + 40)
    other = Record(item=Item(id=f"{P2}/claim/11111111", kind="claim", paper=P2,
                             fields=dict(claim.item.fields), source="source/iclr2025-dpo.md:50"),
                   modified=T0 + 41)
    return records + [retired, other]


def test_copies_are_told_apart_and_a_live_note_keeps_its_question():
    data, _ = package_bytes(records_with_copies(), sample_papers(), DECK)
    fronts = first_fields(data)
    assert len(set(fronts.values())) == len(fronts)
    # two live notes: each names its paper (its title when the question has its name
    # already); the retired copy also says it is retired
    assert fronts[f"{P1}/claim/5b1c0e2a"].endswith("（3D-Properties: Identifying Challenges in DPO and "
                                                   "Charting a Path Forward）</span>")
    assert fronts[f"{P2}/claim/11111111"].endswith("（NS-DPO）</span>")
    assert "retired" in fronts[f"{P1}/claim/00000000"]


def test_a_retired_copy_alone_changes_and_the_order_of_records_does_not_matter():
    records = [r for r in records_with_copies() if r.item.id != f"{P2}/claim/11111111"]
    data, _ = package_bytes(records, sample_papers(), DECK)
    fronts = first_fields(data)
    assert fronts[f"{P1}/claim/5b1c0e2a"] == QUESTION
    assert fronts[f"{P1}/claim/00000000"].startswith(QUESTION) and "retired" in fronts[f"{P1}/claim/00000000"]
    assert first_fields(package_bytes(list(reversed(records)), sample_papers(), DECK)[0]) == fronts
