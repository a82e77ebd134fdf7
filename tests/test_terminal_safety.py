"""Text from files and servers reaches the terminal as text, never as control sequences.

A notes file named with an escape sequence, headings that would retitle the
window (OSC ``ESC ] 0 ; … BEL``), clear the screen (CSI ``ESC [ 2 J``) or hide
text, bidi overrides, and an AnkiConnect error answer carrying the same: every
command prints them as visible escapes (``\\x1b``), and nothing else.
"""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner
from fake_ankiconnect import FakeAnkiConnect

from conftest import ROOT, SHIPPED
from papercards.cli import main

TITLE = "\x1b]0;pwned\x07"                # sets the terminal window's title
CLEAR = "\x1b[2J"                         # clears the screen
FILE_NAME = f"{CLEAR}evil{TITLE}\u202e.md"

HOSTILE_NOTES = f"""\
# Notes

## 1. Evil {TITLE} Title{CLEAR} here
邪恶标题

### 关键字

### 主要内容
#### Hidden \x1b[8m text \x1b[0m and \x9b2J heading

#### Real part
* a bullet with \x1b[31m red and \u202e reversed

### 文章链接
* <a href="https://openreview.net/forum?id=Evil000002">ICLR链接</a>
"""

# anything a terminal would act on: C0 but the newline, DEL, C1, bidi controls
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    shutil.copy(SHIPPED, root / "source" / SHIPPED.name)
    shutil.copy(ROOT / "papercards.yaml", root / "papercards.yaml")
    (root / "source" / FILE_NAME).write_text(HOSTILE_NOTES, encoding="utf-8")
    return root


def run(*argv):
    result = CliRunner().invoke(main, [str(a) for a in argv], catch_exceptions=False)
    return result, result.stdout + result.stderr


def assert_safe(output: str) -> None:
    assert not RAW_CONTROL.findall(output), sorted(set(RAW_CONTROL.findall(output)))


def test_file_names_and_headings_are_printed_as_visible_escapes(root):
    result, out = run("build", "-C", root)
    assert result.exit_code == 0, out
    assert_safe(out)
    assert "source/\\x1b[2Jevil\\x1b]0;pwned\\x07\\u202e.md:6: section 关键字 is empty" in out   # a file name
    assert "'Hidden \\x1b[8m text \\x1b[0m and \\x9b2J heading' has no content" in out  # its heading
    result, out = run("check", "-C", root)
    assert result.exit_code == 0 and "\\x1b" in out, out
    assert_safe(out)
    (root / "source" / FILE_NAME).write_text(HOSTILE_NOTES.replace("red and", "blue and"), encoding="utf-8")
    result, out = run("status", "-C", root)
    assert result.exit_code == 0 and "updated (1)" in out, out
    assert_safe(out)
    result, out = run("quiz", "-C", root, "--papers", "Evil", "-n", "1", "--formats", "json")
    assert result.exit_code == 1 and "Evil \\x1b]0;pwned\\x07 Title\\x1b[2J here" in out     # the paper's name
    assert_safe(out)


def test_an_error_naming_a_hostile_file_is_safe(root):
    assert run("build", "-C", root, "-q")[0].exit_code == 0
    (root / "cards" / f"{CLEAR}x{TITLE}.yaml").write_text("items: [\n", encoding="utf-8")
    result, out = run("build", "-C", root)
    assert result.exit_code == 1
    assert "error: cards/\\x1b[2Jx\\x1b]0;pwned\\x07.yaml:2:" in out
    assert_safe(out)


def test_an_ankiconnect_error_answer_is_safe(root):
    with FakeAnkiConnect() as fake:
        fake.fail["importPackage"] = f"{CLEAR}boom{TITLE}\x9b31m\u202e"
        result, out = run("push", "-C", root, "--url", fake.url)
    assert result.exit_code == 1
    assert "AnkiConnect importPackage failed: \\x1b[2Jboom\\x1b]0;pwned\\x07\\x9b31m\\u202e" in out
    assert_safe(out)


def test_printable_shows_every_control_and_keeps_the_rest():
    from papercards.diagnostics import printable
    assert printable("a\tb\rc\x00d\x7fe\x85f\u2066g\udcff") == "a\\x09b\\x0dc\\x00d\\x7fe\\x85f\\u2066g\\udcff"
    kept = "第一行\nline two — ünïcödé ✓ 👩‍💻 ‌ZWNJ"
    assert printable(kept) == kept
