"""The .apkg file itself: stats, determinism, compression, atomic writes."""

import os
import sqlite3
import time
import zipfile

import pytest
from anki_engine import DECK, T0, sample_papers, sample_records

from papercards.anki import write_package
from papercards.anki.notetypes import NOTETYPE_MOD


def build(path, records=None, **kw):
    return write_package(sample_records() if records is None else records, sample_papers(), DECK, path, **kw)


def test_stats(tmp_path):
    stats = build(tmp_path / "d.apkg")
    assert stats.notes == 11
    assert stats.cards == {"papercards Term": 3, "papercards Q&A": 7, "papercards Cloze": 4}   # the retired note: none
    assert stats.total_cards == 14
    assert stats.decks == [f"{DECK}::3D-Properties", f"{DECK}::Glossary 术语", f"{DECK}::NS-DPO"]
    assert stats.skipped == 2
    assert [i for i, _ in stats.skipped_ids] == ["PabAln0jjB/claim/empty", "PabAln0jjB/cloze/noblank"]
    assert (stats.retired, stats.suspended) == (1, 1)


def test_deterministic_bytes(tmp_path, monkeypatch):
    a, b = tmp_path / "a.apkg", tmp_path / "b.apkg"
    build(a)
    # a different clock must not matter
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.123)
    build(b)
    assert a.read_bytes() == b.read_bytes()


def test_compressed_with_fixed_dates(tmp_path):
    path = tmp_path / "d.apkg"
    build(path)
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == ["collection.anki2", "media"]
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
        assert infos[0].compress_size < infos[0].file_size / 2
        assert zf.read("media") == b"{}"


def test_mod_times_are_record_times(tmp_path):
    path = tmp_path / "d.apkg"
    build(path)
    db = tmp_path / "c.anki2"
    with zipfile.ZipFile(path) as zf:
        db.write_bytes(zf.read("collection.anki2"))
    conn = sqlite3.connect(db)
    try:
        note_mods = {row[0] for row in conn.execute("select mod from notes")}
        card_mods = {row[0] for row in conn.execute("select mod from cards")}
        models = conn.execute("select models from col").fetchone()[0]
        suspended = conn.execute("select count(*) from cards where queue = -1").fetchone()[0]
    finally:
        conn.close()
    expected = {T0 + n for n in range(1, 12)}
    assert note_mods == expected and card_mods <= expected
    assert f'"mod": {NOTETYPE_MOD}' in models
    assert suspended == 2                      # the suspended cloze's two cards


def test_media_files_are_packed(tmp_path):
    img = tmp_path / "fig.png"
    img.write_bytes(b"\x89PNG fake")
    path = tmp_path / "d.apkg"
    build(path, media=[str(img)])
    with zipfile.ZipFile(path) as zf:
        assert zf.read("media") == b'{"0": "fig.png"}'
        assert zf.read("0") == b"\x89PNG fake"


def _changed_records():
    records = sample_records()
    records[0].item.fields["english"] = "changed"
    return records


def test_failure_while_packing_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "d.apkg"
    build(path)
    old = path.read_bytes()
    calls = {"n": 0}
    real_writestr = zipfile.ZipFile.writestr

    def failing_writestr(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:                     # after the collection, before the media index
            raise OSError("disk full")
        return real_writestr(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", failing_writestr)
    with pytest.raises(OSError, match="disk full"):
        build(path, _changed_records())
    assert calls["n"] == 2
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.apkg"]   # no temp file left


def test_failure_while_writing_the_file_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "d.apkg"
    build(path)
    old = path.read_bytes()

    def failing_fsync(fd):                      # the new bytes are in the temp file, not yet renamed
        raise OSError("I/O error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="I/O error"):
        build(path, _changed_records())
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.apkg"]


def test_duplicate_ids_rejected(tmp_path):
    records = sample_records()
    with pytest.raises(ValueError, match="duplicate item id"):
        build(tmp_path / "d.apkg", records + records[:1])


def test_deterministic_across_processes(tmp_path):
    """Hash seeds (set/dict order of strings) must not leak into the file."""
    import subprocess
    import sys
    from pathlib import Path
    here = Path(__file__).parent
    a, b = tmp_path / "a.apkg", tmp_path / "b.apkg"
    build(a)
    code = ("import sys; sys.path.insert(0, sys.argv[1]);"
            "from anki_engine import DECK, sample_papers, sample_records;"
            "from papercards.anki import write_package;"
            "write_package(sample_records(), sample_papers(), DECK, sys.argv[2])")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(here), str(b)], check=True, env=env)
    assert a.read_bytes() == b.read_bytes()
