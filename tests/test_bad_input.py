"""Bad input never crashes and never loses data (issue 5, item 1).

Every file under ``tests/data/bad/`` is one case, put into a copy of the
shipped project that was built once (so ``cards/`` and ``decks/`` hold a good
build):

- ``notes/<name>``  → ``source/<name>`` (next to the shipped notes),
- ``cards/<name>``  → ``cards/<name>`` (or the ``target`` below),
- ``config/<name>`` → ``papercards.yaml``.

Then the real CLI runs ``papercards build`` and the test checks: no traceback,
the documented exit code (0 ok with warnings, 1 bad input; 4 "internal error"
must never happen here), a message naming the file and, where there is one,
the line. When the build fails, ``cards/`` and ``decks/`` are byte-identical
to before; when it succeeds, every item of the good build is still in
``cards/`` and active, and the deck imports into the real Anki engine with no
script or event handler in any field or rendered card.

Adding a file to ``tests/data/bad/`` adds a case; it fails until it has a row
in ``CASES``. The two big files (50 MB of notes, a 10,000-line bullet) are
generated into ``tmp_path`` by the tests at the end, not committed.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from anki_engine import assert_card_clean, import_apkg, open_collection, render_all
from click.testing import CliRunner
from conftest import ROOT, SHIPPED, shipped_project

from papercards.cli import main
from papercards.notes import MAX_NOTES_BYTES, InputError
from papercards.notes.reader import check_size

BAD = Path(__file__).parent / "data" / "bad"
DECK = Path("decks") / "iclr-2025-dpo.apkg"


@dataclass(frozen=True)
class Case:
    what: str          # what the file is
    code: int          # expected exit code of `papercards build`
    message: str       # expected in the output: names the file (and line when there is one)
    target: str = ""   # where it goes in the project, if not the default for its folder
    also: tuple[str, ...] = ()  # more messages expected in the output
    literal: str = ""  # characters the author typed that show as text on the card ($5, {{c1::…}}),
                       # hidden from assert_card_clean, which takes them for math or template residue


# What each file is and what papercards does with it. Messages are copied from real runs.
CASES: dict[str, Case] = {
    # ---------------------------------------------------------------- notes: accepted, with a word
    "notes/empty.md": Case("an empty file", 0, "source/empty.md: file is empty; nothing to read"),
    "notes/only-placeholders.md": Case("only `## 占位` papers", 0,
                                       "Skipped 2 placeholder papers in source/only-placeholders.md (lines 3, 7)"),
    "notes/gbk.md": Case("GBK-encoded notes (Chinese Windows editors): decoded", 0,
                         "source/gbk.md: file is not UTF-8; decoded it as GBK/GB18030"),
    "notes/utf16le-bom.md": Case("UTF-16 LE with BOM: decoded", 0,
                                 "source/utf16le-bom.md: file is UTF-16; decoded it"),
    "notes/utf16be-bom.md": Case("UTF-16 BE with BOM: decoded", 0,
                                 "source/utf16be-bom.md: file is UTF-16; decoded it"),
    "notes/utf8-bom.md": Case("UTF-8 with a BOM: read silently", 0, ""),
    "notes/crlf.md": Case("CRLF line ends: read silently", 0, ""),
    "notes/cr-only.md": Case("lone CR line ends (old Mac): read silently", 0, ""),
    "notes/empty-headings.md": Case("`## `, `### `, `#### `, `###### ` with no text", 0,
                                    "source/empty-headings.md:9: sub-heading with no text and no content; skipped",
                                    also=("source/empty-headings.md:7: section heading has no text; its content "
                                          "is kept as untitled notes",
                                          "source/empty-headings.md:10: sub-heading has no text; its content is "
                                          "kept as a section note",
                                          "source/empty-headings.md:1: paper heading with no text before paper 'Empty "
                                          "Headings Paper' (line 5): skipped with what is under it")),
    "notes/html-script.md": Case("unclosed HTML, <script>, onerror=, javascript: links", 0,
                                 "source/html-script.md:13: raw HTML block is not carded"),
    "notes/same-title.md": Case("two papers with the same title, different OpenReview ids", 0,
                                "source/same-title.md:20: paper 'Robust Preference Learning under Bad Input' "
                                "has the same title as source/same-title.md:1"),
    "notes/same-title-no-id.md": Case("two papers with the same title and no id (same slug key)", 0,
                                      "source/same-title-no-id.md:8: paper 'Learning from Noisy Preferences' "
                                      "has the same key 'learning-from-noisy-preferences'"),
    "notes/same-openreview-id.md": Case("two papers with the same OpenReview id", 0,
                                        "source/same-openreview-id.md:20: paper 'A Different Paper with the "
                                        "Same Link' has the same key 'BadInput01'"),
    "notes/link-without-href.md": Case("<a> without href, empty href, empty Markdown link", 0,
                                       "source/link-without-href.md:14: link <a> without href; ignored"),
    "notes/nested-lists.md": Case("bullet and numbered lists nested ten deep", 0, ""),
    "notes/broken-math.md": Case("unclosed $ and $$, dollar amounts, unbalanced braces in math", 0, "",
                                 literal="$"),
    "notes/cloze-braces.md": Case("Anki syntax typed in the notes: {{c1::…}}, {{Front}}, stray }}", 0, "",
                                  literal="{}"),
    # ---------------------------------------------------------------- notes: refused (exit 1)
    "notes/binary.md": Case("binary garbage", 1,
                            "source/binary.md:1: file contains NUL bytes: it looks binary"),
    "notes/utf16le-nobom.md": Case("UTF-16 without a BOM", 1,
                                   "source/utf16le-nobom.md:1: file looks like UTF-16 without a byte-order mark"),
    "notes/latin1.md": Case("Latin-1 text that is neither UTF-8 nor GBK", 1,
                            "source/latin1.md:1: file is not UTF-8 text (nor GBK/GB18030); save it as UTF-8"),
    # ---------------------------------------------------------------- cards/: accepted
    "cards/header-wrong-types.yaml": Case("`title: 42`, `short: 2048`, `title_zh: 2024-01-01`, `answer: yes`: "
                                          "the text as typed", 0, ""),
    "cards/same-paper-twice.yaml": Case("a second file with the header of a paper that has one", 0,
                                        "cards/same-paper-twice.yaml:1: paper 9Hxdixed7p already has its file, "
                                        "cards/iclr2025-dpo/9Hxdixed7p.yaml:6; the header here is not used"),
    # ---------------------------------------------------------------- cards/: refused (exit 1)
    "cards/invalid.yaml": Case("invalid YAML (unclosed quote)", 1,
                               "cards/invalid.yaml:6: found unexpected end of stream (while scanning a "
                               "quoted scalar at line 4)"),
    "cards/truncated.yaml": Case("a store file cut off inside a quoted answer", 1,
                                 "cards/iclr2025-dpo/9Hxdixed7p.yaml:", target="cards/iclr2025-dpo/9Hxdixed7p.yaml"),
    "cards/truncated-at-line-end.yaml": Case("a store file cut off at a line end (valid YAML): regenerated",
                                             0, "", target="cards/iclr2025-dpo/9Hxdixed7p.yaml"),
    "cards/wrong-type-fields.yaml": Case("`fields: 3`", 1,
                                         "cards/wrong-type-fields.yaml:4: item manual/fields: 'fields' must be a "
                                         "mapping of name: text"),
    "cards/wrong-type-suspended.yaml": Case("`suspended: \"yes\"`", 1,
                                            "cards/wrong-type-suspended.yaml:8: item manual/suspended: "
                                            "'suspended' must be true or false"),
    "cards/wrong-type-items.yaml": Case("`items: 42`", 1, "cards/wrong-type-items.yaml:1: 'items' must be a list"),
    "cards/wrong-kind.yaml": Case("`kind: flashcard`", 1,
                                  "cards/wrong-kind.yaml:3: item manual/kind: unknown kind 'flashcard'"),
    "cards/not-a-mapping.yaml": Case("a YAML list at the top", 1,
                                     "cards/not-a-mapping.yaml:1: expected a mapping with 'items:' at the top"),
    "cards/unknown-key.yaml": Case("unknown key `suspend`", 1,
                                   "cards/unknown-key.yaml:8: item manual/unknown: unknown key 'suspend' "
                                   "(did you mean 'suspended'?)"),
    "cards/duplicate-ids.yaml": Case("one id twice in a file", 1,
                                     "cards/duplicate-ids.yaml:8: item id 'manual/dup' is used twice "
                                     "(also at cards/duplicate-ids.yaml:2)"),
    "cards/duplicate-id-across-files.yaml": Case("an id that glossary.yaml already has", 1,
                                                 "cards/glossary.yaml:35: item id 'term/DRO' is used twice (also "
                                                 "at cards/duplicate-id-across-files.yaml:2)"),
    "cards/duplicate-key.yaml": Case("a key twice in one mapping", 1,
                                     "cards/duplicate-key.yaml:6: key 'question' appears twice"),
    "cards/yaml-tag.yaml": Case("`!!python/object/apply:os.system`", 1,
                                "cards/yaml-tag.yaml:5: YAML tags such as !!python/object are not allowed in cards/"),
    "cards/yaml-bomb.yaml": Case("\"billion laughs\": aliases of aliases under `conflict:` (9**9 nodes)", 1,
                                 "cards/yaml-bomb.yaml:9: YAML anchors and aliases (&name, *name) are not allowed "
                                 "in cards/"),
    "cards/modified-too-large.yaml": Case("`modified:` past what SQLite and Anki hold", 1,
                                          "cards/modified-too-large.yaml:8: item manual/modified: 'modified' "
                                          "must be a time in whole seconds since 1970 (at most 253402300799, "
                                          "the year 9999), not 99999999999999999999999"),
    "cards/header-list-title.yaml": Case("a paper header whose title is a list", 1,
                                         "cards/header-list-title.yaml:3: paper header: 'title' must be text, "
                                         "not a list"),
    "cards/kind-changed.yaml": Case("an auto item whose kind was changed by hand", 1,
                                    "cards/kind-changed.yaml:3: item GonePaper03/claim/5a2f477b: 'kind' was "
                                    "changed by hand to cloze, but this item is a claim (its id says so)"),
    "cards/id-changed.yaml": Case("an auto item whose id was changed by hand (not papercards' form)", 1,
                                  "cards/id-changed.yaml:2: item my-favourite-card: the id was changed by hand"),
    "cards/not-utf8.yaml": Case("GBK-encoded store file", 1, "cards/not-utf8.yaml:5: not UTF-8 text"),
    "cards/binary.yaml": Case("binary garbage", 1, "cards/binary.yaml:2: not UTF-8 text"),
    # ---------------------------------------------------------------- papercards.yaml: refused (exit 1)
    "config/unknown-key.yaml": Case("unknown key `deck_name`", 1,
                                    "papercards.yaml:3: config key 'deck_name': unknown key"),
    "config/wrong-type.yaml": Case("`max_cloze_blanks: \"two\"`", 1,
                                   "papercards.yaml:2: config key 'max_cloze_blanks': expected int, got str"),
    "config/wrong-type-nested.yaml": Case("`cards: {cloze: maybe}`", 1,
                                          "papercards.yaml:3: config key 'cards.cloze': expected true or false"),
    "config/invalid.yaml": Case("invalid YAML (unclosed flow list)", 1,
                                "papercards.yaml:4: config is not valid YAML: expected ',' or ']', but got ':'"),
    "config/not-a-mapping.yaml": Case("a YAML list", 1, "papercards.yaml:1: config must be a mapping"),
    "config/yaml-tag.yaml": Case("`!!python/object/apply:os.system`", 1,
                                 "papercards.yaml:1: config is not valid YAML: YAML tags such as "
                                 "!!python/object are not allowed"),
    "config/yaml-bomb.yaml": Case("\"billion laughs\": aliases of aliases (9**9 nodes)", 1,
                                  "papercards.yaml:5: config is not valid YAML: anchors and aliases "
                                  "(&name, *name) are not allowed"),
    "config/not-utf8.yaml": Case("GBK-encoded config", 1, "papercards.yaml:1: config is not UTF-8 text"),
}

CORPUS = sorted(p.relative_to(BAD).as_posix() for p in BAD.glob("*/*") if p.is_file())
DANGER = re.compile(r"<script|\bon(?:error|load|click|mouseover)\s*=|javascript:|<iframe", re.I)


def run(*args: str):
    """The real CLI, in-process; never lets an exception through unnoticed."""
    result = CliRunner().invoke(main, list(args))
    output = result.output
    assert "Traceback" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"{type(result.exception).__name__}: {result.exception}\n{output}"
    assert result.exit_code != 4 and "internal error" not in output, output
    return result


def snapshot(root: Path) -> dict[str, bytes]:
    """Bytes of every file in cards/ and decks/ (dot files are the lock and temp files)."""
    out = {}
    for folder in ("cards", "decks"):
        for p in sorted((root / folder).rglob("*")):
            rel = p.relative_to(root)
            if p.is_file() and not any(part.startswith(".") for part in rel.parts):
                out[rel.as_posix()] = p.read_bytes()
    return out


def store_items(root: Path) -> dict[str, dict]:
    items = {}
    for p in (root / "cards").rglob("*.yaml"):
        doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        for item in doc.get("items") or []:
            items[item["id"]] = item
    return items


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """The shipped project, built once: the state every case starts from."""
    root = shipped_project(tmp_path_factory.mktemp("good") / "proj")
    assert run("build", "-q", "-C", str(root)).exit_code == 0
    return root


def fresh(good: Path, tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(good, root)
    return root


def place(root: Path, name: str) -> Path:
    folder, _, filename = name.partition("/")
    case = CASES[name]
    target = root / (case.target or {"notes": f"source/{filename}", "cards": f"cards/{filename}",
                                      "config": "papercards.yaml"}[folder])
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(BAD / name, target)
    return target


def check_outcome(root: Path, result, case: Case, before: dict[str, bytes], good_items: dict[str, dict],
                  tmp_path: Path) -> None:
    output = result.output
    assert result.exit_code == case.code, output
    assert case.message in output, output
    assert all(m in output for m in case.also), output
    if case.code != 0:
        assert f"error: {case.message}" in output if case.message else "error: " in output, output
        assert snapshot(root) == before, "a failed build changed cards/ or decks/"
        return
    # success: nothing of the good build is lost, and the deck is clean in the real Anki engine
    items = store_items(root)
    missing = set(good_items) - set(items)
    assert not missing, f"items lost from cards/: {sorted(missing)[:5]}"
    assert not [i for i in good_items if items[i].get("status") == "retired"]
    assert_deck_clean(root / DECK, tmp_path, literal=case.literal)


def assert_deck_clean(apkg: Path, tmp_path: Path, literal: str = "") -> None:
    col = open_collection(tmp_path, "check.anki2")
    try:
        log = import_apkg(col, apkg)
        assert len(log.new) > 0
        for nid in col.find_notes(""):
            for value in col.get_note(nid).fields:
                assert not DANGER.search(value), f"unescaped HTML reached a card field: {value!r}"
        hide = str.maketrans({ch: chr(ord(ch) + 0xFEE0) for ch in literal})     # $ → ＄, { → ｛
        for _cid, q, a in render_all(col):
            for side in (q, a):
                assert not DANGER.search(side), f"script or handler in a rendered card: {side!r}"
            if literal:                   # the renderer writes $ as &#36; (no raw $…$ pair in the HTML)
                q, a = (side.replace("&#36;", "$").translate(hide) for side in (q, a))
            assert_card_clean(q, a)
    finally:
        col.close()


# --------------------------------------------------------------------------- the corpus

def test_every_corpus_file_has_a_row_and_every_row_a_file():
    assert sorted(CASES) == CORPUS, "add a row to CASES for each file in tests/data/bad/ (and remove stale rows)"


@pytest.mark.parametrize("name", CORPUS)
def test_bad_input(name, good, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795839066")
    case = CASES[name]
    root = fresh(good, tmp_path)
    good_items = store_items(root)
    place(root, name)
    before = snapshot(root)
    result = run("build", "-C", str(root))
    check_outcome(root, result, case, before, good_items, tmp_path)
    # the read-only commands meet the same input: same verdict, never a traceback
    status = run("status", "-C", str(root))
    assert status.exit_code in (0, 1), status.output
    check = run("check", "-C", str(root))
    assert check.exit_code in (0, 1), check.output
    if case.code != 0 and not name.startswith("cards/"):        # check does not read cards/
        assert check.exit_code == 1 and case.message in check.output, check.output


def test_html_in_notes_is_escaped_or_dropped_on_every_card(good, tmp_path):
    """The store keeps what the author wrote; the deck never carries it live."""
    root = fresh(good, tmp_path)
    place(root, "notes/html-script.md")
    assert run("build", "-C", str(root)).exit_code == 0
    headers = [p.read_text(encoding="utf-8") for p in (root / "cards").rglob("XssPaper01.yaml")]
    assert len(headers) == 1 and "title: Scripted Title\n" in headers[0]   # a <script> goes with its code
    assert_deck_clean(root / DECK, tmp_path)


# --------------------------------------------------------------------------- generated big files

def test_a_50_mb_notes_file_is_refused_quickly_and_writes_nothing(good, tmp_path):
    root = fresh(good, tmp_path)
    text = SHIPPED.read_text(encoding="utf-8")
    body = text[text.index("## 1."):]
    big = root / "source" / "big.md"
    with big.open("w", encoding="utf-8") as fh:
        n = 0
        while fh.tell() < 50 * 1024 * 1024:
            n += 1
            fh.write(body.replace("openreview.net/forum?id=", f"openreview.net/forum?id=c{n}x"))
    before = snapshot(root)
    start = time.monotonic()
    result = run("build", "-C", str(root))
    elapsed = time.monotonic() - start
    assert result.exit_code == 1, result.output
    limit = MAX_NOTES_BYTES // 1024 // 1024
    assert f"error: source/big.md: file is 50.0 MB; papercards reads notes files up to {limit} MB" \
        in result.output
    assert snapshot(root) == before
    assert elapsed < 20, f"refusing a big file took {elapsed:.1f} s"


def test_the_limit_is_on_bytes_on_disk_just_over_is_refused_just_under_is_not(good, tmp_path):
    root = fresh(good, tmp_path)
    over = root / "source" / "over.md"
    over.write_bytes(b"## 1. Padded\n" + b"\n" * (MAX_NOTES_BYTES - 12))
    result = run("build", "-C", str(root))
    assert result.exit_code == 1 and "error: source/over.md: file is 10.0 MB" in result.output
    check_size(MAX_NOTES_BYTES, "source/under.md")          # reading 10 MB of notes is the user's call
    with pytest.raises(InputError):
        check_size(MAX_NOTES_BYTES + 1, "source/over.md")


@pytest.mark.slow
def test_5_mb_of_real_notes_in_one_file_builds(good, tmp_path):
    """Half the limit: ~1,500 papers in one file (about 20 s on the 2-core machine)."""
    root = fresh(good, tmp_path)
    text = SHIPPED.read_text(encoding="utf-8")
    body = text[text.index("## 1."):text.index("## 占位")]
    with (root / "source" / "big.md").open("w", encoding="utf-8") as fh:
        n = 0
        while fh.tell() < 5 * 1024 * 1024:
            n += 1
            copy = body.replace("openreview.net/forum?id=", f"openreview.net/forum?id=c{n}x")
            fh.write(re.sub(r"^## (\d+)\. ", lambda m: f"## {m.group(1)}. Copy {n}: ", copy, flags=re.M))
    result = run("build", "-q", "-C", str(root))
    assert result.exit_code == 0, result.output[-2000:]
    assert (root / DECK).stat().st_size > 0 and len(store_items(root)) > 40 * n


def test_a_10000_line_bullet_is_reported_not_carded_and_fast(good, tmp_path):
    root = fresh(good, tmp_path)
    good_items = store_items(root)
    lines = ["* 一条很长的要点 the first line of a very long bullet"] + \
        [f"  续行 {i} continues the same bullet: 偏好优化 DPO" for i in range(9999)]
    notes = (BAD / "notes" / "crlf.md").read_bytes().decode("utf-8").replace("\r\n", "\n")
    notes = notes.replace("* 提出加权损失缓解噪声\n", "* 提出加权损失缓解噪声\n#### 超长要点\n" + "\n".join(lines) + "\n")
    (root / "source" / "long-bullet.md").write_text(notes, encoding="utf-8")
    start = time.monotonic()
    result = run("build", "-C", str(root))
    elapsed = time.monotonic() - start
    assert result.exit_code == 0, result.output
    assert re.search(r"source/long-bullet\.md:12: '超长要点' is too long for one card \(\d+ characters\)",
                     result.output), result.output
    assert elapsed < 20, f"a 10,000-line bullet took {elapsed:.1f} s"     # was 12 s: quadratic join
    assert set(good_items) <= set(store_items(root))
    assert_deck_clean(root / DECK, tmp_path)


def test_pathological_lines_take_linear_time(good, tmp_path):
    """Lines that made the link scan quadratic (minutes for one 80 kB line) before its regexes were bounded."""
    root = fresh(good, tmp_path)
    lines = ["[a](" * 20000, "<a>" * 20000, '<a href="x">' * 20000, "[" * 20000 + "x" + "](" * 5000,
             "**a " * 20000, "$" * 20000, "<" * 50000]
    notes = "## 1. Pathological Lines\n病态的行\n### 主要内容\n#### 长行\n" + "".join(f"* {x}\n" for x in lines)
    (root / "source" / "lines.md").write_text(notes, encoding="utf-8")
    start = time.monotonic()
    result = run("build", "-C", str(root))
    elapsed = time.monotonic() - start
    assert result.exit_code == 0, result.output
    assert elapsed < 20, f"took {elapsed:.1f} s"


# --------------------------------------------------------------------------- odd files and the catch-all

def test_a_folder_where_a_file_should_be_is_bad_input(good, tmp_path):
    root = fresh(good, tmp_path)
    (root / "cards" / "folder.yaml").mkdir()
    before = snapshot(root)
    result = run("build", "-C", str(root))
    assert result.exit_code == 1 and "error: cards/folder.yaml: cannot read file: Is a directory" in result.output
    assert snapshot(root) == before
    (root / "cards" / "folder.yaml").rmdir()
    (root / "papercards.yaml").unlink()
    (root / "papercards.yaml").mkdir()
    result = run("build", "-C", str(root))
    assert result.exit_code == 1 and "error: papercards.yaml: cannot read the config: Is a directory" \
        in result.output


def test_an_unexpected_exception_is_an_internal_error_not_a_traceback(project, monkeypatch):
    import papercards.cli.build as cli_build

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli_build, "build", boom)
    result = CliRunner().invoke(main, ["build", "-C", str(project)])
    assert result.exit_code == 4 and isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "error: internal error (RuntimeError: boom). This is a bug in papercards" in result.output
    assert "PAPERCARDS_DEBUG=1" in result.output
    monkeypatch.setenv("PAPERCARDS_DEBUG", "1")
    result = CliRunner().invoke(main, ["build", "-C", str(project)])
    assert isinstance(result.exception, RuntimeError)       # developers get the traceback


def test_usage_errors_still_exit_2():
    result = CliRunner().invoke(main, ["build", "--no-such-flag"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_a_real_process_gets_the_same_exit_code_and_message(good, tmp_path):
    """Outside CliRunner: `python3 -m papercards` exits 1 with the message on stderr, no traceback."""
    import os
    import subprocess
    import sys
    root = fresh(good, tmp_path)
    place(root, "cards/yaml-tag.yaml")
    before = snapshot(root)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-m", "papercards", "build", "-C", str(root)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "error: cards/yaml-tag.yaml:5: YAML tags such as !!python/object are not allowed" in proc.stderr
    assert not (root / "pwned.txt").exists() and not (Path.cwd() / "pwned.txt").exists()
    assert snapshot(root) == before


def test_ctrl_c_exits_130_and_says_nothing_changed(project, monkeypatch):
    import papercards.cli.build as cli_build

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_build, "build", interrupted)
    result = CliRunner().invoke(main, ["build", "-C", str(project)])
    assert result.exit_code == 130
    assert "interrupted: cards/ and decks/ are as before" in result.output and "Traceback" not in result.output
