"""The journal that makes a build's writes all-or-nothing (`papercards.txn`).
The real thing, killed builds, is in test_interrupt.py; these are the rules."""

from __future__ import annotations

import errno
import json
import os
import stat

import pytest

from papercards import txn
from papercards.store import Store
from papercards.txn import COMMITTED, JOURNAL, Transaction, recover


@pytest.fixture
def folders(tmp_path):
    cards, decks = tmp_path / "cards", tmp_path / "decks"
    (cards / "notes").mkdir(parents=True)
    decks.mkdir()
    (cards / "notes" / "a.yaml").write_text("old a\n")
    (cards / "glossary.yaml").write_text("old g\n")
    (decks / "d.apkg").write_bytes(b"old deck")
    os.chmod(cards / "glossary.yaml", 0o640)
    return cards, decks


def state(cards, decks):
    return {p.relative_to(cards.parent).as_posix(): p.read_bytes()
            for p in sorted([*cards.rglob("*"), *decks.rglob("*")]) if p.is_file() and p.name != ".lock"}


def test_commit_replaces_every_file_and_leaves_no_journal(folders):
    cards, decks = folders
    with Transaction(cards) as t:
        t.add(cards / "notes" / "a.yaml", "new a\n")
        t.add(cards / "glossary.yaml", "new g\n")
        t.add(cards / "other" / "b.yaml", "new b\n")          # a new folder, made at apply time
        t.add(decks / "d.apkg", b"new deck")
        assert state(cards, decks)["decks/d.apkg"] == b"old deck"   # nothing moved before commit
    assert state(cards, decks) == {"cards/glossary.yaml": b"new g\n", "cards/notes/a.yaml": b"new a\n",
                                   "cards/other/b.yaml": b"new b\n", "decks/d.apkg": b"new deck"}
    assert not (cards / JOURNAL).exists()
    assert stat.S_IMODE((cards / "glossary.yaml").stat().st_mode) == 0o640    # mode kept


def test_an_error_before_commit_changes_nothing(folders):
    cards, decks = folders
    before = state(cards, decks)
    with pytest.raises(RuntimeError):
        with Transaction(cards) as t:
            t.add(cards / "notes" / "a.yaml", "new a\n")
            raise RuntimeError("the deck could not be rendered")
    assert state(cards, decks) == before and not (cards / JOURNAL).exists()


def test_nothing_added_writes_nothing(folders):
    cards, _ = folders
    with Transaction(cards):
        pass
    assert not (cards / JOURNAL).exists()


def _journal(cards, files, committed):
    journal = cards / JOURNAL
    journal.mkdir()
    for name, _, data in files:
        (journal / name).write_bytes(data)
    if committed:
        (journal / COMMITTED).write_text(json.dumps({"files": [[n, rel] for n, rel, _ in files]}))


def test_recover_discards_a_journal_that_was_not_committed(folders):
    cards, decks = folders
    before = state(cards, decks)
    _journal(cards, [("0001-a.yaml", "notes/a.yaml", b"new a\n")], committed=False)
    assert recover(cards) == "discarded"
    assert state(cards, decks) == before and not (cards / JOURNAL).exists()


def test_recover_rolls_a_committed_journal_forward_even_half_applied(folders):
    cards, decks = folders
    # the first file was moved into place already, then the build died
    (cards / "notes" / "a.yaml").write_text("new a\n")
    _journal(cards, [("0002-d.apkg", "../decks/d.apkg", b"new deck")], committed=True)
    (cards / JOURNAL / COMMITTED).write_text(json.dumps(
        {"files": [["0001-a.yaml", "notes/a.yaml"], ["0002-d.apkg", "../decks/d.apkg"]]}))
    assert recover(cards) == "rolled forward"
    assert state(cards, decks)["decks/d.apkg"] == b"new deck"
    assert state(cards, decks)["cards/notes/a.yaml"] == b"new a\n"
    assert recover(cards) is None


def test_store_load_recovers_first(folders):
    cards, _ = folders
    (cards / "notes" / "a.yaml").write_text("items: []\n")
    (cards / "glossary.yaml").write_text("items: []\n")
    record = (b"items:\n- id: x/claim/1\n  kind: claim\n"
              b"  fields:\n    question: q\n    answer: a\n  origin: manual\n")
    _journal(cards, [("0001-a.yaml", "notes/a.yaml", record)], committed=True)
    assert [r.id for r in Store.load(cards).records] == ["x/claim/1"]


def test_decks_on_another_file_system_are_copied(folders, monkeypatch):
    cards, decks = folders
    real_replace = os.replace

    def replace(src, dst):
        if JOURNAL in str(src) and str(dst).endswith(".apkg"):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(src, dst)
    monkeypatch.setattr(txn.os, "replace", replace)
    with Transaction(cards) as t:
        t.add(cards / "glossary.yaml", "new g\n")
        t.add(decks / "d.apkg", b"new deck")
    assert state(cards, decks)["decks/d.apkg"] == b"new deck"
    assert not (cards / JOURNAL).exists()


def test_a_staged_file_keeps_its_targets_mode(folders):
    cards, decks = folders
    os.chmod(cards / "notes" / "a.yaml", 0o600)
    with Transaction(cards) as t:
        t.add(cards / "notes" / "a.yaml", "new a\n")
        t.add(decks / "d.apkg", b"new deck")
    after = state(cards, decks)
    assert after["cards/notes/a.yaml"] == b"new a\n" and after["decks/d.apkg"] == b"new deck"
    assert not (cards / JOURNAL).exists()
    assert stat.S_IMODE((cards / "notes" / "a.yaml").stat().st_mode) == 0o600      # the target's mode kept


def test_an_opened_transaction_with_nothing_staged_leaves_nothing(folders):
    cards, decks = folders
    before = state(cards, decks)
    with Transaction(cards) as t:
        t.open()
    assert state(cards, decks) == before and not (cards / JOURNAL).exists()


def test_a_failure_after_staging_discards_the_staged_files(folders):
    cards, decks = folders
    before = state(cards, decks)
    with pytest.raises(RuntimeError):
        with Transaction(cards) as t:
            t.add(cards / "notes" / "a.yaml", "new a\n")
            t.add(decks / "d.apkg", b"new deck")
            raise RuntimeError("the deck could not be built")
    assert state(cards, decks) == before and not (cards / JOURNAL).exists()
