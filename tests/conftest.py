"""Shared fixtures: the shipped notes, a fresh project copy, and what some tests need
from the machine (a browser, a Chinese font, poppler)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "source" / "iclr2025-dpo.md"


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False,
                     help="run slow tests (long fuzzing, big corpora)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def shipped_text() -> str:
    return SHIPPED.read_text(encoding="utf-8")


def shipped_project(root: Path) -> Path:
    """``root`` made a copy of the shipped project (config + notes), not built yet."""
    (root / "source").mkdir(parents=True)
    shutil.copy(SHIPPED, root / "source" / SHIPPED.name)
    shutil.copy(ROOT / "papercards.yaml", root / "papercards.yaml")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the shipped project (config + notes), with empty cards/ and decks/."""
    return shipped_project(tmp_path / "proj")


# --------------------------------------------------------------------------- what the machine has
# Some tests need programs that pip does not install: Debian's chromium (the offline quiz
# page and card math in a real browser), a Chinese font (the quiz PDF embeds one) and
# poppler-utils (to read the PDF back). Where one is missing such a test skips, saying in
# one line what to install; with CI set it fails instead: .ci/run installs them first,
# so a skip there would hide a broken machine.

CHROMIUM = os.environ.get("PAPERCARDS_CHROMIUM") or shutil.which("chromium") or ""
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
POPPLER_TOOLS = ("pdfinfo", "pdftotext", "pdffonts")


def require(missing: str | None) -> None:
    """Skip the test when ``missing`` says what the machine lacks; fail instead under CI."""
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{missing} (CI is set: the machine must have it)", pytrace=False)
    pytest.skip(missing)


def missing_chromium() -> str | None:
    if not CHROMIUM or not Path(CHROMIUM).is_file():
        return f"chromium not found{f' at {CHROMIUM}' if CHROMIUM else ''}: apt install chromium " \
               "(or set PAPERCARDS_CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright not installed: pip install -e '.[test]'"
    return None


def missing_cjk_font() -> str | None:
    from papercards.quiz.render import fonts
    try:
        fonts.find_cjk_font()
    except fonts.FontNotFound as exc:
        why = exc.diagnostic.message if os.environ.get(fonts.ENV_VAR) else "none installed"
        return f"no Chinese font for the quiz PDF ({why}): apt install fonts-noto-cjk"
    return None


def missing_poppler() -> str | None:
    absent = [tool for tool in POPPLER_TOOLS if not shutil.which(tool)]
    return f"{', '.join(absent)} not found: apt install poppler-utils" if absent else None


@pytest.fixture(scope="session")
def cjk_font() -> None:
    """The test makes a quiz PDF: it needs a Chinese font on the machine."""
    require(missing_cjk_font())


@pytest.fixture(scope="session")
def poppler() -> None:
    """The test reads a PDF back with poppler's pdfinfo, pdftotext and pdffonts."""
    require(missing_poppler())


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, driven by Playwright (which never downloads a browser here)."""
    require(missing_chromium())
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield b
        b.close()
