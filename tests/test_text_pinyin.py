"""The readings of characters kept per user: the same as pypinyin's, without importing it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT

CHARS = "显式示重长在线先受收"
ASK = f"""
import json, sys
from papercards.text.pinyin import readings
print(json.dumps({{"readings": {{ch: sorted(readings(ch)) for ch in {CHARS!r}}},
                  "imported": "pypinyin" in sys.modules}}))
"""


def ask(cache_dir) -> dict:
    env = {**os.environ, "PAPERCARDS_CACHE_DIR": str(cache_dir), "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", ASK], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def test_readings_are_pypinyins_and_a_second_process_needs_no_pypinyin(tmp_path):
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    from pypinyin import Style, pinyin
    first = ask(tmp_path)
    assert first["imported"]
    assert first["readings"] == {ch: sorted(set(pinyin(ch, style=Style.NORMAL, heteronym=True)[0])) for ch in CHARS}
    assert {"zhong", "chong"} <= set(first["readings"]["重"])
    second = ask(tmp_path)
    assert second == {**first, "imported": False}


def test_a_damaged_file_of_readings_is_ignored_and_rewritten(tmp_path):
    first = ask(tmp_path)
    (table,) = tmp_path.glob("pinyin-*.txt")
    table.write_text(table.read_text(encoding="utf-8").replace("xian", "xiam"), encoding="utf-8")
    again = ask(tmp_path)
    assert again == first                       # the CRC did not check out: pypinyin answered
    assert ask(tmp_path) == {**first, "imported": False}


def test_no_cache_folder_keeps_no_file(tmp_path):
    env = {**os.environ, "PAPERCARDS_CACHE_DIR": "off", "PYTHONPATH": str(ROOT / "src"), "HOME": str(tmp_path)}
    subprocess.run([sys.executable, "-c", ASK], env=env, check=True, capture_output=True)
    assert not list(tmp_path.rglob("pinyin-*"))
