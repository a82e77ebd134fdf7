"""Faults while writing or reading: an output that cannot be written changes nothing
and never leaves the project stuck; a quiz's files change together; odd files and
read-only folders get a plain message, never a hang.

Every command is a real ``python3 -m papercards`` subprocess. Tests run as root,
which ignores permission bits, so a read-only or full folder is made for real in a
private mount namespace (``unshare -rm``: a read-only bind mount, a tiny tmpfs);
where that is not available those tests are skipped, and the in-process ones with
an injected OSError still run.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from papercards import txn
from papercards.build import build
from papercards.config import load_config
from papercards.fsutil import build_lock
from papercards.txn import JOURNAL

from test_interrupt import env, leftovers, new_notes, papercards_cmd, run, snapshot
from conftest import ROOT, SHIPPED, shipped_project

DECK = "decks/iclr-2025-dpo.apkg"


def _unshare_works() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(not _unshare_works(), reason="needs unshare -rm (user + mount namespaces)")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A project built once, its notes then edited: the next build rewrites cards/ and the deck."""
    proj = shipped_project(tmp_path_factory.mktemp("faults") / "built")
    assert run(proj, "build").returncode == 0
    notes = proj / "source" / SHIPPED.name
    notes.write_text(new_notes(notes.read_text(encoding="utf-8")), encoding="utf-8")
    return proj


@pytest.fixture
def proj(built, tmp_path) -> Path:
    out = tmp_path / "proj"
    shutil.copytree(built, out)
    return out


def run_mounted(proj: Path, setup: str, *args: str, after: str = "") -> subprocess.CompletedProcess:
    """papercards in a private mount namespace, once ``setup`` (shell) made a folder read-only or full;
    ``after`` runs there too, before the namespace (and its mounts) goes away."""
    script = f'set -e; {setup}; set +e; "$@"; rc=$?; {after or ":"}; exit $rc'
    return subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh", *papercards_cmd(*args, "-C", str(proj))],
                          env=env(), capture_output=True, text=True, timeout=120)


def read_only(folder: Path) -> str:
    return f'mount --bind "{folder}" "{folder}" && mount -o remount,ro,bind "{folder}" "{folder}"'


def assert_next_build_works(proj: Path) -> None:
    """The cause fixed, the next commands succeed and the deck is there."""
    again = run(proj, "build")
    assert again.returncode == 0, again.stderr
    assert (proj / DECK).is_file() and not leftovers(proj)
    status = run(proj, "status")
    assert status.returncode == 0 and "Up to date: the next build changes nothing." in status.stdout


# ------------------------------------------------------------------- a deck that cannot be written

def test_apkg_path_that_is_a_folder_changes_nothing(proj):
    (proj / DECK).unlink()
    (proj / DECK).mkdir()
    before = snapshot(proj)
    result = run(proj, "build")
    assert result.returncode == 3, result.stderr
    assert f"error: could not write {proj / DECK}: is a folder, not a file (move it away)" in result.stderr
    assert snapshot(proj) == before and not leftovers(proj)         # cards/ untouched, no journal
    status = run(proj, "status")                                    # not stuck: reading works at once
    assert status.returncode == 0, status.stderr
    (proj / DECK).rmdir()
    assert_next_build_works(proj)


def test_decks_dir_naming_a_file_changes_nothing(proj):
    config = proj / "papercards.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("decks_dir: decks", "decks_dir: notes.txt"),
                      encoding="utf-8")
    (proj / "notes.txt").write_text("not a folder\n")
    before = snapshot(proj)
    result = run(proj, "build")
    assert result.returncode == 3, result.stderr
    assert f"error: could not write {proj / 'notes.txt'}: is a file, not a folder" in result.stderr
    assert snapshot(proj) == before and not leftovers(proj)
    config.write_text(config.read_text(encoding="utf-8").replace("decks_dir: notes.txt", "decks_dir: decks"),
                      encoding="utf-8")
    assert_next_build_works(proj)                   # fixing the config is enough


@needs_mounts
def test_read_only_decks_changes_nothing(proj, tmp_path):
    before = snapshot(proj)
    result = run_mounted(proj, read_only(proj / "decks"), "build")
    assert result.returncode == 3, result.stderr
    assert f"error: could not write {proj / DECK}: Read-only file system" in result.stderr
    assert snapshot(proj) == before and not leftovers(proj)
    quiz = run(proj, "quiz", "-q", "--formats", "md,json", "--out", str(tmp_path / "elsewhere"))
    assert quiz.returncode == 0, quiz.stderr
    assert_next_build_works(proj)                   # writable again


@needs_mounts
def test_full_decks_changes_nothing_and_names_the_file(proj, tmp_path):
    decks, saved, after = proj / "decks", tmp_path / "saved", tmp_path / "after"
    saved.mkdir(), after.mkdir()
    size = (decks / Path(DECK).name).stat().st_size // 1024 + 4       # the old deck fits, a second copy not
    before = snapshot(proj)
    setup = f'cp -a "{decks}"/. "{saved}"/ && mount -t tmpfs -o size={size}k tmpfs "{decks}" && cp -a "{saved}"/. "{decks}"/'
    result = run_mounted(proj, setup, "build", after=f'cp -a "{decks}"/. "{after}"/')
    assert result.returncode == 3, result.stderr
    assert f"error: could not write {proj / DECK}: No space left on device" in result.stderr
    assert sorted(p.name for p in after.iterdir()) == sorted(p.name for p in saved.iterdir())  # no temp left
    assert (after / Path(DECK).name).read_bytes() == before[DECK]
    assert snapshot(proj) == before and not leftovers(proj)
    assert_next_build_works(proj)


def test_disk_full_while_staging_cards_names_the_file(proj, monkeypatch):
    """ENOSPC from write(2) names no file; the message must (in-process: the store files are
    staged by this process for a project this small)."""
    real_open = open

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    def fake_open(path, mode="r", *a, **k):
        fh = real_open(path, mode, *a, **k)
        return Full(fh) if "x" in mode and "glossary" in str(path) else fh
    monkeypatch.setattr(txn, "open", fake_open, raising=False)
    before = snapshot(proj)
    with pytest.raises(OSError) as exc:
        build(load_config(proj))
    assert exc.value.errno == errno.ENOSPC and exc.value.filename == str(proj / "cards" / "glossary.yaml")
    assert snapshot(proj) == before and not leftovers(proj)
    monkeypatch.undo()
    assert_next_build_works(proj)


def test_read_only_decks_injected_changes_nothing(proj, monkeypatch):
    """The same as the real read-only mount, for machines without one."""
    real_open = open

    def fake_open(path, mode="r", *a, **k):
        if str(path).endswith(txn.BESIDE_SUFFIX):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, mode, *a, **k)
    monkeypatch.setattr(txn, "open", fake_open, raising=False)
    before = snapshot(proj)
    with pytest.raises(OSError) as exc:
        build(load_config(proj))
    assert exc.value.errno == errno.EROFS and exc.value.filename == str(proj / DECK)
    assert snapshot(proj) == before and not leftovers(proj)
    monkeypatch.undo()
    assert_next_build_works(proj)


def test_a_committed_journal_whose_deck_cannot_be_written_does_not_wedge(proj, tmp_path):
    """Killed after the commit point, then the deck's place turns into a folder: reading
    commands finish cards/, drop the deck with a warning saying what to do, and work."""
    reference = tmp_path / "reference"
    shutil.copytree(proj, reference)
    assert run(reference, "build").returncode == 0
    assert run(proj, "build", PAPERCARDS_TEST_CRASH_AT="commit").returncode == -signal.SIGKILL
    (proj / DECK).unlink()
    (proj / DECK).mkdir()
    status = run(proj, "status")
    assert status.returncode == 0, status.stderr
    assert (f"warning: could not write {proj / DECK}: Is a directory; the rest of the build is in place: "
            "run 'papercards build' once this file can be written") in status.stderr
    cards = {k: v for k, v in snapshot(proj).items() if k.startswith("cards/")}
    assert cards == {k: v for k, v in snapshot(reference).items() if k.startswith("cards/")}
    assert not (proj / "cards" / JOURNAL).exists()
    quiz = run(proj, "quiz", "-q", "--formats", "md", "--out", str(tmp_path / "elsewhere"))
    assert quiz.returncode == 0, quiz.stderr
    (proj / DECK).rmdir()
    assert_next_build_works(proj)
    assert snapshot(proj) == snapshot(reference)


# ------------------------------------------------------------------- a quiz's files change together

def quiz_files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file() and not p.name.startswith(".")}


def quiz(proj: Path, out: Path, seed: int, *extra: str, **env_extra: str) -> subprocess.CompletedProcess:
    return run(proj, "quiz", "-q", "--formats", "html,json,md", "--seed", str(seed), "--out", str(out),
               *extra, **env_extra)


@pytest.fixture(scope="module")
def quizzes(built, tmp_path_factory):
    """The files of seed 1 and of seed 2, each written by a quiz nobody killed."""
    proj = tmp_path_factory.mktemp("quiz") / "proj"
    shutil.copytree(built, proj)
    assert run(proj, "build").returncode == 0
    runs = {}
    for seed in (1, 2):
        out = proj.parent / f"seed{seed}"
        assert quiz(proj, out, seed).returncode == 0
        runs[seed] = quiz_files(out)
    assert runs[1]["quiz-A.json"] != runs[2]["quiz-A.json"] and runs[1]["quiz-A.html"] != runs[2]["quiz-A.html"]
    return proj, runs


@pytest.mark.parametrize("step, lands", [("stage:all", 1), ("commit", 2), ("apply:1", 2)])
def test_a_quiz_killed_while_writing_leaves_one_run(quizzes, tmp_path, step, lands):
    proj, runs = quizzes
    out = tmp_path / "out"
    assert quiz(proj, out, 1).returncode == 0
    (out / ".quiz-A.html.k1ll3d.tmp").write_text("<html>half")        # what an older version left
    killed = quiz(proj, out, 2, PAPERCARDS_TEST_CRASH_AT=step)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # the next quiz in that folder finishes or undoes the killed one first, then writes its own
    # (here only the Markdown, of seed 1): the page and its key stay from one run
    again = quiz(proj, out, 1, "--formats", "md")
    assert again.returncode == 0, again.stderr
    got = quiz_files(out)
    assert got["quiz-A.html"] == runs[lands]["quiz-A.html"] and got["quiz-A.json"] == runs[lands]["quiz-A.json"]
    assert got["quiz-A.md"] == runs[1]["quiz-A.md"]
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]     # no journal, no .tmp, no lock


def test_quizzes_killed_at_random_never_mix_runs(quizzes, tmp_path):
    proj, runs = quizzes
    out = tmp_path / "out"
    assert quiz(proj, out, 1).returncode == 0
    start = time.monotonic()
    assert quiz(proj, tmp_path / "timing", 2).returncode == 0
    seconds = time.monotonic() - start
    for i in range(6):
        cmd = papercards_cmd("quiz", "-q", "--formats", "html,json,md", "--seed", str(2 - i % 2), "--out", str(out),
                             "-C", str(proj))
        proc = subprocess.Popen(cmd, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=seconds * (0.5 + i / 8))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        with build_lock(out, lock_file=None):
            txn.recover(out, locked=True)           # what the next quiz there does first
        got = quiz_files(out)
        assert got in (runs[1], runs[2]), f"kill {i}: files from two runs"


# ------------------------------------------------------------------- odd files, read-only store

@needs_mounts
@pytest.mark.parametrize("with_lock_file", [True, False])
def test_read_only_cards_still_lets_status_and_quiz_run(built, tmp_path, with_lock_file):
    proj = tmp_path / "proj"
    shutil.copytree(built, proj)
    assert run(proj, "build").returncode == 0
    if not with_lock_file:
        (proj / "cards" / ".lock").unlink()         # a fresh clone: the lock file is not committed
    before = snapshot(proj)
    status = run_mounted(proj, read_only(proj / "cards"), "status")
    assert status.returncode == 0, status.stderr
    assert "Up to date: the next build changes nothing." in status.stdout
    out = tmp_path / "quiz"
    q = run_mounted(proj, read_only(proj / "cards"), "quiz", "-q", "--formats", "md", "--out", str(out))
    assert q.returncode == 0, q.stderr
    assert (out / "quiz-A.md").is_file() and snapshot(proj) == before


def test_a_fifo_in_cards_is_refused_not_waited_on(proj):
    assert run(proj, "build").returncode == 0
    os.mkfifo(proj / "cards" / "x.yaml")
    before = snapshot(proj)
    for args in (["build"], ["status"], ["quiz", "-q", "--formats", "md"]):
        result = run(proj, *args)                  # run() times out after 120 s: a hang fails
        assert result.returncode == 1, (args, result.stderr)
        assert "error: cards/x.yaml: cannot read file: is a named pipe (FIFO), not a regular file" in result.stderr
        assert snapshot(proj) == before
    (proj / "cards" / "x.yaml").unlink()
    assert_next_build_works(proj)


def test_notes_read_through_links_or_from_outside_are_named_once(proj, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "folder").mkdir(parents=True)
    (elsewhere / "linked.md").write_text((ROOT / "tests/data/notes/other-papers.md").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    (proj / "source" / "linked.md").symlink_to(elsewhere / "linked.md")
    (proj / "source" / "folder").symlink_to(elsewhere / "folder")
    result = run(proj, "build")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(f"source/linked.md: symbolic link to {elsewhere / 'linked.md'}; read it") == 1
    assert f"source/folder: symbolic link to a folder ({elsewhere / 'folder'}); not followed" in result.stderr
    assert "Read 2 notes files" in result.stdout                  # the linked file is read
    config = proj / "papercards.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("source_dir: source", f"source_dir: {elsewhere}"),
                      encoding="utf-8")
    result = run(proj, "build", "--force")     # another notes folder retires most items: meant here
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(f"{elsewhere}: source folder is outside the project folder ({proj}); read it") == 1


def test_up_to_date_whatever_the_project_path_is_spelled(proj, tmp_path):
    def build_in(cwd: Path, *args: str) -> str:
        done = subprocess.run(papercards_cmd("build", *args), cwd=cwd, env=env(), capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout
    build_in(proj)
    link = tmp_path / "link"
    link.symlink_to(proj)
    for cwd, args in [(proj, ("-C", str(proj))), (tmp_path, ("-C", "proj")), (tmp_path, ("-C", "link")),
                      (proj / "source", ("-C", ".."))]:
        assert "Store: up to date" in build_in(cwd, *args), args
