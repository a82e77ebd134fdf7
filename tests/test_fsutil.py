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


def test_lock_refuses_a_second_build_in_the_same_folder(tmp_path):
    with build_lock(tmp_path / "cards"):
        with pytest.raises(InputError, match="another papercards build is running"):
            with build_lock(tmp_path / "cards"):
                pass
    with build_lock(tmp_path / "cards"):      # released again
        pass
