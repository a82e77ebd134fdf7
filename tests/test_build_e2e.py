"""The whole pipeline on the shipped notes, and the deck in the real Anki engine."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections import Counter

import pytest
import yaml
from anki_engine import assert_card_clean, import_apkg, open_collection, render_all, strip_html
from click.testing import CliRunner

from papercards.cli import main

NOTE_PAPERS = ["9Hxdixed7p", "PabAln0jjB", "KJF3h0OpQ7", "K2OWrXUVby", "ZSbsX1sFo3", "F6z3utfcYw", "CbfsKHiWEn"]


def run(*args, project=None):
    argv = list(args) + (["-C", str(project)] if project else [])
    return CliRunner().invoke(main, argv, catch_exceptions=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The shipped project built once; returns (project folder, CLI result)."""
    import shutil

    from conftest import ROOT, SHIPPED
    root = tmp_path_factory.mktemp("built") / "proj"
    (root / "source").mkdir(parents=True)
    shutil.copy(SHIPPED, root / "source" / SHIPPED.name)
    shutil.copy(ROOT / "papercards.yaml", root / "papercards.yaml")
    result = run("build", project=root)
    assert result.exit_code == 0, result.output
    return root, result


@pytest.fixture(scope="module")
def cards(built, tmp_path_factory):
    """Every card of the built deck, imported into a fresh Anki collection and rendered."""
    root, _ = built
    col = open_collection(tmp_path_factory.mktemp("col"))
    log = import_apkg(col, root / "decks" / "iclr-2025-dpo.apkg")
    rendered = []
    for cid, q, a in render_all(col):
        card = col.get_card(cid)
        note = card.note()
        rendered.append({"q": q, "a": a, "deck": col.decks.name(card.did), "tags": note.tags,
                         "model": note.note_type()["name"], "id": note["ItemId"], "ord": card.ord})
    yield log, rendered
    col.close()


def test_build_prints_summary_and_writes_cards_and_deck(built):
    root, result = built
    out = result.output
    assert "Read 1 notes file: 7 papers (5 placeholders skipped)" in out
    assert re.search(r"Items: \d+ — \d+ term, \d+ definition, \d+ claim", out)
    assert re.search(r"Deck:  decks/iclr-2025-dpo.apkg — \d+ notes, \d+ cards", out)
    assert "source/iclr2025-dpo.md:180: sub-heading with no text and no content; skipped" in out
    assert "Extracting items" not in out            # progress lines only for big builds
    assert sorted(p.name for p in (root / "cards" / "iclr2025-dpo").iterdir()) == sorted(f"{k}.yaml" for k in NOTE_PAPERS)
    assert (root / "cards" / "glossary.yaml").exists()
    with zipfile.ZipFile(root / "decks" / "iclr-2025-dpo.apkg") as z:
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist())


def test_yaml_is_readable_chinese_with_required_keys(built):
    root, _ = built
    text = (root / "cards" / "iclr2025-dpo" / "9Hxdixed7p.yaml").read_text(encoding="utf-8")
    assert "\\u" not in text and "选择和拒绝响应的梯度之间的相互作用会导致不稳定" in text
    doc = yaml.safe_load(text)
    assert doc["paper"]["title_zh"] == "3D 属性：识别 DPO 中的挑战并规划前进道路"
    for item in doc["items"]:
        assert {"id", "kind", "fields", "source", "origin", "fingerprint", "modified", "checksum"} <= set(item)
        assert re.fullmatch(r"source/iclr2025-dpo\.md:\d+", item["source"])


def test_rebuild_with_no_change_is_byte_identical(built):
    root, _ = built
    before = {p: p.read_bytes() for p in list((root / "cards").rglob("*.yaml")) + [root / "decks" / "iclr-2025-dpo.apkg"]}
    mtimes = {p: p.stat().st_mtime_ns for p in before if p.suffix == ".yaml"}
    result = run("build", project=root)
    assert result.exit_code == 0
    assert "Store: up to date, nothing changed since the last build" in result.output
    forced = run("build", "--force", project=root)        # the full pipeline, same bytes out
    assert forced.exit_code == 0
    assert "Store: 0 file(s) written in cards/ (0 new, 0 updated, 0 retired" in forced.output
    for p, data in before.items():
        assert p.read_bytes() == data, p
    assert mtimes == {p: p.stat().st_mtime_ns for p in mtimes}


def test_up_to_date_check_notices_every_input(built):
    root, _ = built
    glossary = root / "cards" / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run("build", project=root)
    assert "up to date" not in result.output and "Store: 1 file(s) written" in result.output
    (root / "decks" / "iclr-2025-dpo.apkg").unlink()
    result = run("build", project=root)
    assert "up to date" not in result.output and (root / "decks" / "iclr-2025-dpo.apkg").exists()


def test_every_card_imports_and_renders_clean(built, cards):
    log, rendered = cards
    notes = int(re.search(r"— (\d+) notes", built[1].output).group(1))
    assert len(log.new) == notes >= 30 and not log.conflicting          # every note of the deck
    for card in rendered:
        assert_card_clean(card["q"], card["a"], is_cloze=card["model"] == "papercards Cloze")


def test_every_real_paper_has_cards_and_backs_name_the_paper(cards):
    _, rendered = cards
    decks = Counter(c["deck"] for c in rendered)
    assert "ICLR 2025 DPO::Glossary 术语" in decks
    for short in ("3D-Properties", "NS-DPO", "UNA", "Dr. DPO"):
        assert decks[f"ICLR 2025 DPO::{short}"] >= 3, decks
    assert len([d for d in decks if d != "ICLR 2025 DPO::Glossary 术语"]) == 7
    for c in rendered:
        if c["model"] != "papercards Term":
            back = strip_html(c["a"])
            assert "openreview" in c["a"].lower(), c["id"]
            assert any(zh in back for zh in ("3D 属性", "偏好漂移", "扩散模型", "同时缓解", "广义隐式",
                                             "采样器", "分布稳健")), c["id"]


def test_no_duplicate_cards_and_one_card_per_term(cards):
    _, rendered = cards
    fronts = Counter((c["model"], c["ord"], strip_html(c["q"])) for c in rendered)
    assert [f for f, n in fronts.items() if n > 1] == []
    dro = [c for c in rendered if c["id"] == "term/DRO"]
    assert len(dro) == 2                                  # DRO → meaning, 分布稳健优化 → DRO
    assert "Distributionally Robust Optimization" in strip_html(dro[0]["a"])


def test_tags_keep_chinese_and_are_hierarchical(cards):
    _, rendered = cards
    tags = {t for c in rendered for t in c["tags"]}
    assert "papercards::kw::non-stationarity" in tags or "papercards::kw::non-stationarity" in {t.lower() for t in tags}
    assert "papercards::paper::NS-DPO" in tags
    assert not any(" " in t for t in tags)


def test_check_reports_without_writing(project):
    result = run("check", project=project)
    assert result.exit_code == 0
    assert "sub-heading with no text" in result.output
    assert not (project / "cards").exists() and not (project / "decks").exists()
    assert run("check", "--strict", project=project).exit_code == 1


def test_init_creates_a_project_that_builds(tmp_path):
    target = tmp_path / "new"
    result = CliRunner().invoke(main, ["init", str(target), "--deck", "My 论文"])
    assert result.exit_code == 0, result.output
    assert (target / "papercards.yaml").exists() and (target / "source" / "example.md").exists()
    built = run("build", project=target)
    assert built.exit_code == 0, built.output
    assert (target / "decks" / "my-论文.apkg").exists()
    again = CliRunner().invoke(main, ["init", str(target)])
    assert again.exit_code == 1 and "already exists" in again.output


def test_usage_errors_exit_2_and_every_command_has_help():
    assert CliRunner().invoke(main, ["build", "--no-such-flag"]).exit_code == 2
    for cmd in ("build", "check", "init", "status"):
        result = CliRunner().invoke(main, [cmd, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output
    assert "papercards, version" in CliRunner().invoke(main, ["--version"]).output


def test_bad_input_exits_1_with_file_and_line(project):
    (project / "papercards.yaml").write_text("deck: 3\n", encoding="utf-8")
    result = run("build", project=project)
    assert result.exit_code == 1
    assert "papercards.yaml:1: config key 'deck': expected str, got int" in result.output


def test_jieba_is_silent_and_lazy(project):
    proc = subprocess.run([sys.executable, "-m", "papercards", "build", "-C", str(project)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Building prefix dict" not in proc.stderr and "Loading model" not in proc.stderr
    probe = subprocess.run([sys.executable, "-c", "import sys, papercards.cli, papercards.items, papercards.store;"
                            "print('jieba' in sys.modules)"], capture_output=True, text=True)
    assert probe.stdout.strip() == "False"


def test_a_build_without_workers_loads_neither_them_nor_package_metadata(tmp_path):
    """A small build runs in one process: it does not import the worker pool (8 ms), nor
    `importlib.metadata` for the libraries' versions (12 ms)."""
    import shutil

    from conftest import ROOT
    shutil.copytree(ROOT / "source", tmp_path / "source")
    probe = ("import sys\nfrom papercards.cli import main\ntry:\n    main(['build', '-q', '-C', sys.argv[1]])\n"
             "except SystemExit as done:\n    assert not done.code, done.code\n"
             "print(sorted(m for m in ('multiprocessing', 'concurrent.futures.process', 'importlib.metadata')"
             " if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_an_empty_source_folder_is_bad_input_and_writes_nothing(tmp_path):
    (tmp_path / "source").mkdir()
    result = run("build", project=tmp_path)
    assert result.exit_code == 1
    assert "error: source: no Markdown notes here (*.md)" in result.output
    assert not (tmp_path / "decks").exists()


def test_binary_notes_stop_the_build_and_keep_old_outputs(built, tmp_path):
    import shutil
    root, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    before = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file() and ".papercards-cache" not in p.parts}
    (copy / "source" / "zz.md").write_bytes(b"\x00\x01\x02binary")
    result = run("build", project=copy)
    assert result.exit_code == 1 and "source/zz.md:1: file contains NUL bytes" in result.output
    after = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file() and ".papercards-cache" not in p.parts
             and p.name != "zz.md"}
    assert after == before
