"""Atomic writes and the build lock."""

from __future__ import annotations

import os
import stat

import pytest

from papercards.diagnostics import InputError
from papercards.fsutil import atomic_write, build_lock


def test_atomic_write_replaces_whole_file_with_normal_permissions(tmp_path):
    target = tmp_path / "a" / "x.yaml"
    atomic_write(target, "一\n")
    assert target.read_text(encoding="utf-8") == "一\n"
    mode = stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask
    os.chmod(target, 0o640)
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in target.parent.iterdir()] == ["x.yaml"]      # no temp files left


def test_failed_write_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "x.apkg"
    target.write_bytes(b"old")

    def boom(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["x.apkg"]


def _held_elsewhere(folder):
    """The lock as another process holds it: flock belongs to an open file, not a process."""
    import fcntl
    folder.mkdir(parents=True, exist_ok=True)
    fh = open(folder / ".lock", "a+")
    fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
    return fh


def test_lock_refuses_a_second_build_when_told_not_to_wait(tmp_path):
    other = _held_elsewhere(tmp_path / "cards")
    with pytest.raises(InputError, match="another papercards build is running in this folder"):
        with build_lock(tmp_path / "cards", wait=False):
            pass
    other.close()
    with build_lock(tmp_path / "cards", wait=False):      # released again
        pass


def test_lock_waits_for_the_other_build_and_says_so(tmp_path):
    import threading
    other = _held_elsewhere(tmp_path / "cards")
    said = []

    def on_wait(message):
        said.append(message)
        threading.Timer(0.2, other.close).start()         # the other build finishes
    with build_lock(tmp_path / "cards", on_wait=on_wait):
        assert other.closed
    assert said == ["another papercards build is running in this folder; waiting for it to finish…"]


def test_lock_is_reentrant_within_a_process(tmp_path):
    with build_lock(tmp_path / "cards", wait=False):
        with build_lock(tmp_path / "cards", wait=False):   # Store.load inside build
            pass
        other = open(tmp_path / "cards" / ".lock", "a+")
        import fcntl
        with pytest.raises(BlockingIOError):               # still held by the outer one
            fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        other.close()


def test_stale_temp_files_of_a_killed_write_are_removed(tmp_path):
    import os
    import time

    from papercards.fsutil import remove_stale_temps
    target = tmp_path / "build.json"
    left = tmp_path / ".build.json.abc123.tmp"              # what atomic_write leaves if killed
    young = tmp_path / ".build.json.def456.tmp"
    other = tmp_path / ".other.json.abc123.tmp"
    for f in (left, young, other):
        f.write_text("half")
    old = time.time() - 3600
    os.utime(left, (old, old))
    remove_stale_temps(target, older_than=600)
    assert not left.exists() and young.exists() and other.exists()
    remove_stale_temps(target)
    assert not young.exists() and other.exists()


def test_a_build_clears_the_stamp_temp_file_a_killed_build_left(project):
    from click.testing import CliRunner

    from papercards.cli import main
    cache = project / ".papercards-cache"
    cache.mkdir(exist_ok=True)
    stray = cache / ".build.json.x1y2z3.tmp"
    stray.write_text('{"half": ')
    assert CliRunner().invoke(main, ["build", "-q", "-C", str(project)]).exit_code == 0
    assert not stray.exists() and (cache / "build.json").is_file()
