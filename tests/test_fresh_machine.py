"""A fresh machine passes README's test command: what it installs, and what it skips.

README's two commands are the contract: the main one installs only what building
and quizzes need, the test one installs the test tools itself, and `.ci/run` runs
that test command exactly. Tests needing a program pip cannot install skip with
one line saying what to install, unless CI is set (then they fail).
"""

from __future__ import annotations

import re
import tomllib

import pytest
from conftest import ROOT, require

README = (ROOT / "README.md").read_text(encoding="utf-8")
CI_RUN = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
TEST_ONLY = ("pytest", "hypothesis", "anki", "aqt", "playwright")


def _two_commands() -> list[str]:
    section = README.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```\n(.+?)\n```", section)


def test_ci_runs_readmes_test_command_exactly():
    main, tests = _two_commands()
    assert tests.startswith("python3 -m pip install -e '.[test]' && ") and "pytest" in tests
    commands = [line for line in CI_RUN.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1] == tests
    assert "export CI=1" in commands


def test_the_main_command_installs_no_test_tools():
    main, _ = _two_commands()
    assert main == "python3 -m pip install -e . && papercards build"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    needed = {re.split(r"[<>=\[ ;]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}
    assert not needed & set(TEST_ONLY)
    extra = {re.split(r"[<>=\[ ;]", d, maxsplit=1)[0].lower() for d in project["optional-dependencies"]["test"]}
    assert set(TEST_ONLY) <= extra


def test_readme_lists_the_debian_packages_ci_installs():
    packages = re.search(r"DEBIAN_PACKAGES=\((.*?)\)", CI_RUN, re.DOTALL).group(1)
    names = [line.split("#")[0].strip() for line in packages.splitlines() if line.split("#")[0].strip()]
    assert {"chromium", "fonts-noto-cjk", "poppler-utils"} <= set(names)
    for name in names:
        assert f"`{name}`" in README.split("## What a build prints")[0], name


def test_a_missing_program_skips_with_its_reason_or_fails_under_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="^chromium not found: apt install chromium$"):
        require("chromium not found: apt install chromium")
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        require("chromium not found: apt install chromium")
    require(None)                     # present: nothing happens
