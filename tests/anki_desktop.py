"""A real Anki desktop (aqt) with the real AnkiConnect add-on, started headless for a test.

The add-on is not on PyPI: it lives beside the project (../shared/anki-connect/plugin,
or where PAPERCARDS_ANKICONNECT points). Without aqt or the add-on a test skips with
the reason, except under CI (CI set), where that is a failure: CI installs aqt.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT

PROFILE = "learner"
ADDON_ID = "2055492159"          # AnkiConnect's id on AnkiWeb: the folder name Anki expects


def addon_folder() -> Path | None:
    for candidate in (os.environ.get("PAPERCARDS_ANKICONNECT"), ROOT.parent / "shared" / "anki-connect" / "plugin"):
        if candidate and (Path(candidate) / "__init__.py").is_file():
            return Path(candidate)
    return None


def need_desktop() -> Path:
    """The add-on folder. Skips when aqt or the add-on is absent, except that under CI a
    missing aqt fails (CI installs it); the add-on is not on PyPI, so a checkout with
    nothing beside it skips under CI too, saying so."""
    try:
        import aqt  # noqa: F401
    except ImportError:
        reason = "Anki desktop (aqt) is not installed: pip install aqt==26.9.3"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    folder = addon_folder()
    if folder is None:
        pytest.skip("the AnkiConnect add-on folder is absent (../shared/anki-connect/plugin, "
                    "or set PAPERCARDS_ANKICONNECT to it)")
    return folder


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _make_base(base: Path, addon: Path, port: int) -> None:
    """Profile and add-on in place, and no first-run language dialog (it would hang)."""
    target = base / "addons21" / ADDON_ID
    shutil.copytree(addon, target, ignore=shutil.ignore_patterns("__pycache__"))
    config = json.loads((addon / "config.json").read_text(encoding="utf-8"))
    config.update(webBindAddress="127.0.0.1", webBindPort=port)
    (target / "config.json").write_text(json.dumps(config), encoding="utf-8")
    script = f"""
from pathlib import Path
from aqt.profiles import ProfileManager
pm = ProfileManager(Path({str(base)!r}))
pm.setupMeta()
pm.meta.update(firstRun=False, updates=False, suppressUpdate=True, defaultLang="en_US")
pm.meta["check_for_addon_updates"] = False
pm.create({PROFILE!r})
pm.load({PROFILE!r})
pm.profile["autoSync"] = False
pm.save()
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120,
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


@contextmanager
def running_anki(tmp_path: Path):
    """Yields AnkiConnect's URL while Anki runs; stops it (SIGTERM) after."""
    addon = need_desktop()
    base, port = tmp_path / "anki-base", _free_port()
    base.mkdir()
    _make_base(base, addon, port)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox --disable-gpu",
           "ANKI_SINGLE_INSTANCE_KEY": f"papercards-test-{port}"}
    log = open(tmp_path / "anki.log", "w")
    proc = subprocess.Popen([sys.executable, "-c", "import aqt; aqt.run()", "-b", str(base), "-p", PROFILE],
                            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, proc, tmp_path / "anki.log")
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    from papercards.anki.connect import AnkiConnect, AnkiConnectError
    client = AnkiConnect(url, timeout=2)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"Anki exited ({proc.returncode}): {log.read_text()[-2000:]}")
        try:
            client.check()
            return
        except AnkiConnectError:
            time.sleep(0.5)
    raise AssertionError(f"AnkiConnect did not answer within {seconds} s: {log.read_text()[-2000:]}")
