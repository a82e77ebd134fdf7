"""`papercards review` driven through a real pseudo-terminal: keep, suspend, edit with a
scripted $EDITOR (a broken edit first, then a good one), quit, resume, discard; then
line prompts through a pipe. What it writes loads back as decided, nothing else moves."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time

import pytest
from click.testing import CliRunner
from wcwidth import wcswidth

from conftest import ROOT, shipped_project
from papercards.cli import main
from papercards.store import Store

# the first items of the shipped store, in store order (what the first build made)
KTO, MAB, DRO = "term/KTO", "term/MAB", "term/DRO"
CLOZE, CLAIM = "9Hxdixed7p/cloze/433a8662", "9Hxdixed7p/claim/3865749f"

EDITOR = """\
import pathlib, sys
path = pathlib.Path(sys.argv[1])
count = pathlib.Path(__file__).with_suffix(".count")
n = int(count.read_text()) + 1 if count.exists() else 1
count.write_text(str(n))
text = path.read_text(encoding="utf-8")
if n == 2:      # the second run fixes the first: a real edit
    text = text.replace("  bogus: 1\\n", "").replace("chinese: 分布稳健优化", "chinese: 分布稳健优化算法")
else:           # the first and third runs break it: a key the store does not know
    text = text.replace("  kind: ", "  bogus: 1\\n  kind: ", 1)
path.write_text(text, encoding="utf-8")
"""


class Terminal:
    """A command on the slave side of a pty (80 columns), read and typed into from the master side."""

    def __init__(self, args: list[str], env: dict[str, str]):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True)
        os.close(slave)
        self.master, self.out, self.pos = master, b"", 0

    def _read(self, deadline: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:                 # EIO: the command ended and closed the terminal
            data = b""
        self.out += data
        return bool(data)

    def expect(self, text: str, timeout: float = 120) -> None:
        want = text.encode()
        deadline = time.monotonic() + timeout
        while want not in self.out[self.pos:]:
            if not self._read(deadline):
                raise AssertionError(f"never saw {text!r}; the terminal shows:\n"
                                     + self.out[self.pos:].decode("utf-8", "replace"))
        self.pos = self.out.index(want, self.pos) + len(want)

    def press(self, key: str) -> None:
        os.write(self.master, key.encode())

    def close(self) -> tuple[int, str]:
        deadline = time.monotonic() + 60
        while self._read(deadline):
            pass
        code = self.proc.wait(timeout=60)
        os.close(self.master)
        return code, self.out.decode("utf-8")


def env_for(tmp_path) -> dict[str, str]:
    editor = tmp_path / "editor.py"
    editor.write_text(EDITOR, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "VISUAL")}
    env.update(PYTHONPATH=str(ROOT / "src"), EDITOR=f"{sys.executable} {editor}", PYTHONIOENCODING="utf-8",
               LANG="C.UTF-8", TERM="xterm")
    return env


def review(root, env) -> Terminal:
    return Terminal([sys.executable, "-m", "papercards", "review", "-C", str(root)], env)


def records(root) -> dict:
    return {r.id: r for r in Store.load(root / "cards").records}


def store_files(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "cards").rglob("*.yaml"))}


@pytest.fixture
def built(tmp_path):
    root = shipped_project(tmp_path / "proj")
    result = CliRunner().invoke(main, ["build", "-C", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # a note whose text would drive the terminal (clear the screen, retitle the window)
    glossary = root / "cards" / "glossary.yaml"
    text = glossary.read_text(encoding="utf-8")
    glossary.write_text(text.replace("english: Knowledge Transfer Optimization",
                                     'english: "Knowledge Transfer Optimization\\e[2J\\e]0;pwned\\a"', 1),
                        encoding="utf-8")
    return root


def test_keep_suspend_edit_quit_then_resume_in_a_terminal(built, tmp_path):
    root, env = built, env_for(tmp_path)
    before_records, before_files = records(root), store_files(root)
    assert list(before_records)[:5] == [KTO, MAB, DRO, CLOZE, CLAIM]

    term = review(root, env)
    term.expect("── 1/30 · glossary · term")
    term.expect("k keep · s suspend · e edit · n skip · q quit > ")
    term.press("k")
    term.expect("→ kept")
    term.expect("── 2/30")
    term.expect("multi-armed bandit · 多臂老虎机")
    term.press("s")
    term.expect("→ suspended")
    term.expect("── 3/30")
    term.press("e")                             # the editor breaks the item first
    term.expect(".papercards-cache/review-item.yaml:")
    term.expect("unknown key 'bogus'")
    term.expect("r edit again · d discard the edit > ")
    term.press("r")                             # … and fixes it the second time
    term.expect("→ edited")
    term.expect("── 4/30")
    term.press("q")
    term.expect("Stopped with 27 items left; papercards review resumes here.")
    code, shown = term.close()
    assert code == 0, shown

    # the note's escape sequences were shown as text, never sent to the terminal
    assert "\x1b[2J" not in shown and "\x1b]0;pwned" not in shown and "\x07" not in shown
    assert "\\x1b[2J\\x1b]0;pwned\\x07" in shown
    for line in shown.replace("\r", "").split("\n"):
        assert wcswidth(line) <= 80, line

    # cards/ holds exactly the decisions, and loads back as written
    after = records(root)
    assert after[MAB].suspended and not before_records[MAB].suspended
    assert after[DRO].item.fields["chinese"] == "分布稳健优化算法"
    before_records[MAB].suspended = True
    before_records[DRO].item.fields["chinese"] = "分布稳健优化算法"
    assert after == before_records
    changed = {k for k, v in store_files(root).items() if before_files[k] != v}
    assert changed == {"cards/glossary.yaml"}
    assert not (root / ".papercards-cache" / "review-item.yaml").exists()

    # the second run resumes at card 4; a broken edit discarded shows the same card again
    term = review(root, env)
    term.expect("Resuming: 3 of 30 done (1 kept, 1 suspended, 1 edited).")
    term.expect("── 4/30 · 3D-Properties · cloze")
    term.expect("DPO三个关键属性(3D)")
    term.press("e")
    term.expect("unknown key 'bogus'")
    term.press("d")
    term.expect("── 4/30 · 3D-Properties · cloze")
    term.press("n")
    term.expect("→ skipped")
    term.expect("── 5/30")
    term.press("q")
    code, shown = term.close()
    assert code == 0, shown
    assert records(root) == after

    # without a terminal: one letter per line, end of input quits
    piped = subprocess.run([sys.executable, "-m", "papercards", "review", "-C", str(root)], input="s\n",
                           capture_output=True, text=True, env=env, timeout=120)
    assert piped.returncode == 0, piped.stderr
    assert "Resuming: 4 of 30 done" in piped.stdout and "── 5/30" in piped.stdout
    assert "Stopped with 25 items left" in piped.stdout
    final = records(root)
    assert final[CLAIM].suspended and final[CLOZE] == after[CLOZE]

    # the next build keeps every decision (hand edits of cards/)
    result = CliRunner().invoke(main, ["build", "-C", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rebuilt = records(root)
    assert rebuilt[MAB].suspended and rebuilt[CLAIM].suspended
    assert rebuilt[DRO].item.fields["chinese"] == "分布稳健优化算法"


def test_nothing_changed_by_the_last_build_means_nothing_to_review(built):
    again = CliRunner().invoke(main, ["build", "-C", str(built), "--force"], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    result = CliRunner().invoke(main, ["review", "-C", str(built)], input="", catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.startswith("Nothing to review: the last build made or changed no item")


def test_an_unknown_paper_is_bad_input(built):
    result = CliRunner().invoke(main, ["review", "-C", str(built), "--paper", "GPT-5"])
    assert result.exit_code == 1
    assert "error: --paper: no paper matches 'GPT-5'" in result.output
