"""Hostile and broken input on the learner's side: `pull`, the history file, `review`.

Whatever a collection, an archive, an AnkiConnect server, a hand-edited history or a
damaged review state holds, the command ends with a plain ``file: message`` (exit 1)
or does its job; never a traceback, never a half-written cards/, and nothing from
Anki reaches the terminal as a control sequence or the deck as markup that runs.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from anki_engine import import_apkg, open_collection
from click.testing import CliRunner
from conftest import ROOT
from fake_ankiconnect import FakeAnkiConnect, MemoryAnki, read_package
from test_pull import (
    BUILT,
    CLAIM,
    CLOZE,
    DECK_FILE,
    SUSPEND,
    TAGGED,
    TERM,
    lapse,
    note_of,
    built_project,
    records,
    run,
)

from papercards.anki.unrender import markdown_of
from papercards.cli import main


@pytest.fixture
def root(tmp_path):
    return built_project(tmp_path)

CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by its digest: what a command must leave as it was."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_refused(result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


def real_collection(root: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    col = open_collection(folder)
    import_apkg(col, root / DECK_FILE)
    col.close()
    return folder / "collection.anki2"


# --------------------------------------------------------------------------- pull: files

@pytest.mark.parametrize("kind", ["empty", "foreign sqlite", "truncated"])
def test_a_file_that_is_no_collection_is_refused_and_nothing_is_written(root, tmp_path, kind):
    """Before: an empty file or another program's SQLite database was taken by the engine
    for a new, empty collection: exit 0, every item listed as deleted in Anki."""
    bad = tmp_path / "bad" / "collection.anki2"
    if kind == "truncated":
        whole = real_collection(root, tmp_path / "bad").read_bytes()
        bad.write_bytes(whole[:len(whole) // 2])
    else:
        bad.parent.mkdir()
        bad.write_bytes(b"")
        if kind == "foreign sqlite":
            con = sqlite3.connect(bad)
            con.execute("create table notes (id integer, flds text)")
            con.commit()
            con.close()
    before = tree(root / "cards")
    assert_refused(run(root, "pull", str(bad)), "collection.anki2: not an Anki collection (")
    assert tree(root / "cards") == before


def _package(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_packages_that_are_not_anki_packages_are_refused_plainly(root, tmp_path):
    """Before: the engine's own words ("invalid Zip archive: Could not find EOCD",
    "specified file not found in archive")."""
    garbage = tmp_path / "garbage.apkg"
    garbage.write_bytes(b"PK\x03\x04 not really")
    assert_refused(run(root, "pull", str(garbage)), "garbage.apkg: not an Anki package (not a zip archive")
    for suffix in ("apkg", "colpkg"):
        empty = _package(tmp_path / f"empty.{suffix}", {"media": "{}", "../../evil.txt": "x"})
        assert_refused(run(root, "pull", str(empty)), f"empty.{suffix}: not an Anki package: no collection inside")
    assert not (root / "cards" / ".history.json").exists()


@pytest.mark.parametrize("name", ["../../../../../../{tmp}/escaped.png", "{tmp}/absolute.png"])
def test_a_media_name_leaving_the_folder_is_refused_and_writes_nothing(root, tmp_path, name):
    """Already right (the engine refuses such a media map): documented, with the proof
    that nothing lands outside."""
    collection = zipfile.ZipFile(root / DECK_FILE).read("collection.anki2")
    target = name.format(tmp=tmp_path.as_posix().lstrip("/"))
    package = _package(tmp_path / "traversal.apkg", {"collection.anki2": collection,
                                                     "media": json.dumps({"0": target}), "0": b"\x89PNG\r\n"})
    assert_refused(run(root, "pull", str(package)), "traversal.apkg: not an Anki collection Anki can read")
    assert not list(tmp_path.rglob("escaped.png")) and not list(tmp_path.rglob("absolute.png"))


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(root, tmp_path):
    """Before: the engine inflated the whole member into the temporary folder (here 300 MB
    from 300 KB; a few MB of package could fill the disk) before finding it no collection."""
    bomb = tmp_path / "bomb.apkg"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("collection.anki2", "w", force_zip64=True) as member:
            member.write(b"SQLite format 3\x00")
            zeros = b"\0" * 2**20
            for _ in range(300):
                member.write(zeros)
        z.writestr("media", "{}")
    assert bomb.stat().st_size < 2**20
    assert_refused(run(root, "pull", str(bomb)),
                   "bomb.apkg: refused: member 'collection.anki2' would unpack to 300 MB")


# --------------------------------------------------------------------------- pull: content

HOSTILE = ("<script>alert(1)</script><img src=x onerror=alert(2)>ok {{c1::x}} {{Front}}<br>"
           "answer: injected<br>- id: evil/claim/1<br>---<br>&amp;lt;b&amp;gt;")


def test_hostile_fields_tags_and_ids_come_back_as_text_and_a_second_pull_changes_nothing(root, tmp_path):
    """Already right: documented. Fields holding script, cloze and YAML-looking lines, raw
    control characters (written past Anki's editor, straight into the database), a 3 MB
    field, tags with ``::`` and Chinese, an ItemId twice and one no item has."""
    learner = tmp_path / "learner"
    learner.mkdir()
    col = open_collection(learner)
    try:
        import_apkg(col, root / DECK_FILE)
        claim = note_of(col, CLAIM)
        claim["Back"] = HOSTILE
        claim.tags += ["a::b", "我的::重点"]
        col.update_note(claim)
        term = note_of(col, TERM)
        term["Note"] = "长" * 1_000_000                                     # 3 MB of UTF-8
        col.update_note(term)
        twin = note_of(col, TAGGED)
        twin["ItemId"] = TERM                                              # a second note for one item
        col.update_note(twin)
        stray = note_of(col, SUSPEND)
        stray["ItemId"] = "stray"
        col.update_note(stray)
        cloze = note_of(col, CLOZE)
        cloze["Extra"] = "hint"
        col.update_note(cloze)
        # past Anki's own cleaning: control characters straight into the database
        fields = col.db.scalar("select flds from notes where id = ?", cloze.id).split("\x1f")
        names = [f["name"] for f in cloze.note_type()["flds"]]
        fields[names.index("Extra")] = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\u202eevil\x9b31m"
        col.db.execute("update notes set flds = ? where id = ?", "\x1f".join(fields), cloze.id)
        col.db.execute("update notes set flds = replace(flds, 'stray', ?) where id = ?",
                       "stray\x1b[2J\x1b]0;title\x07", stray.id)
    finally:
        col.close()

    result = run(root, "pull", str(learner / "collection.anki2"))
    assert result.exit_code == 0, result.output
    assert not any(c in result.output for c in CONTROLS), result.output
    assert "stray\\x1b[2J\\x1b]0;title\\x07" in result.output                  # shown, not obeyed
    recs = records(root)
    assert recs[CLAIM].item.fields["answer"] == markdown_of(HOSTILE)           # one string, no YAML
    assert set(recs[CLAIM].item.fields) == {"question", "answer"}
    assert "evil/claim/1" not in recs and recs[CLAIM].tags_anki == ["a::b", "我的::重点"]
    assert recs[TERM].item.fields["note"] == "长" * 1_000_000
    assert recs[CLOZE].item.fields["hint"] == "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\u202eevil\x9b31m"

    result = run(root, "build", epoch=BUILT)
    assert result.exit_code == 0, result.output
    assert not any(c in result.output for c in CONTROLS)
    claim_fields = next(row[2] for row in read_package(root / DECK_FILE)[2] if "DPO不稳定的来源" in row[2])
    assert "injected" in claim_fields                                       # the learner's text, as text
    for runs in ("<script", "onerror", "{{c1::", "{{Front}}"):
        assert runs not in claim_fields, runs

    before = tree(root / "cards")
    again = run(root, "pull", str(learner / "collection.anki2"))
    assert again.exit_code == 0 and "Wrote 0 files" in again.output, again.output
    assert tree(root / "cards") == before                                     # the history too


class Exporting(MemoryAnki):
    """An AnkiConnect whose exportPackage answers ``answer`` (a callable: writes the file)."""

    def __init__(self, answer):
        super().__init__()
        self.answer = answer

    def exportPackage(self, deck, path, includeSched):
        return self.answer(Path(path)) if callable(self.answer) else self.answer


def _garbage(path: Path) -> bool:
    path.write_bytes(b"\x1b[2J not a package")
    return True


def test_an_unreadable_export_from_anki_names_anki_not_a_temporary_file(root):
    """Before: 'error: /tmp/papercards-pull-…/learner.apkg: not an Anki collection …',
    a file already deleted when the learner reads it."""
    with FakeAnkiConnect(Exporting(_garbage)) as fake:
        result = CliRunner().invoke(main, ["pull", "-C", str(root), "--url", fake.url])
    assert_refused(result, f"Anki at {fake.url} exported deck 'ICLR 2025 DPO' as a package papercards "
                           "cannot read: not an Anki package (not a zip archive")
    assert "papercards-pull-" not in result.output
    assert not (root / "cards" / ".history.json").exists()


@pytest.mark.parametrize("answer", ["yes", {"path": "/etc/passwd"}, None, [True], True])
def test_an_export_refused_or_answered_with_garbage_is_a_plain_error(root, answer):
    """Already right: documented (True without a file counts as a refusal too)."""
    with FakeAnkiConnect(Exporting(answer)) as fake:
        fake.fail["findNotes"] = "unused"
        result = CliRunner().invoke(main, ["pull", "-C", str(root), "--url", fake.url])
    assert_refused(result, f"Anki at {fake.url} has no deck 'ICLR 2025 DPO' to pull from")
    with FakeAnkiConnect(MemoryAnki()) as fake:
        fake.fail["exportPackage"] = "\x1b]52;c;aGk=\x07 deck not found"
        result = CliRunner().invoke(main, ["pull", "-C", str(root), "--url", fake.url])
    assert_refused(result, "AnkiConnect exportPackage failed: \\x1b]52;c;aGk=\\x07 deck not found")


# --------------------------------------------------------------------------- history

@pytest.fixture(scope="module")
def studied_project(tmp_path_factory):
    """A built project with a history pulled from a collection where one card lapsed."""
    base = tmp_path_factory.mktemp("hist")
    project = base / "proj"
    (project / "source").mkdir(parents=True)
    shutil.copy(ROOT / "papercards.yaml", project / "papercards.yaml")
    shutil.copy(ROOT / "source" / "iclr2025-dpo.md", project / "source" / "iclr2025-dpo.md")
    assert run(project, "build", epoch=BUILT).exit_code == 0
    col = open_collection(base)
    import_apkg(col, project / DECK_FILE)
    lapse(col, note_of(col, CLAIM).card_ids()[0])
    col.close()
    assert run(project, "pull", str(base / "collection.anki2")).exit_code == 0
    return project


def _entry(**changes) -> str:
    entry = {"reviews": 2, "lapses": 1, "ease": 2.3, "difficulty": None, "last_review": 1_800_000_000,
             "log": [{"time": 1_800_000_000, "rating": 1}]}
    return json.dumps({"version": 1, "items": {CLAIM: {**entry, **changes}}})


DAMAGED = {
    "ease a string": (_entry(ease="low"), f"item {CLAIM}: ease is \"low\", not a number"),
    "difficulty a string": (_entry(difficulty="hard"), f"item {CLAIM}: difficulty is \"hard\""),
    "last review a date": (_entry(last_review="2026-01-01"), f"item {CLAIM}: last_review is \"2026-01-01\""),
    "review a pair": (_entry(log=[[1_800_000_000, 1]]), f"item {CLAIM}: a review is [1800000000, 1]"),
    "huge time": (_entry(log=[{"time": 10**400, "rating": 1}]), f"item {CLAIM}: time is 1000000"),
    "negative time": (_entry(log=[{"time": -5, "rating": 1}]), f"item {CLAIM}: time is -5, not a whole number"),
    "future time": (_entry(log=[{"time": 10**15, "rating": 1}]), f"item {CLAIM}: time is 1000000000000000"),
    "rating 9": (_entry(log=[{"time": 1, "rating": 9}]), f"item {CLAIM}: rating is 9, not a whole number from 1"),
    "NaN ease": (_entry().replace('"ease": 2.3', '"ease": NaN'), "NaN is not a number"),
    "nested deep": ("[" * 100_000 + "]" * 100_000, "nested too deep"),
    "a list": ("[1, 2]", "no 'items' table"),
}


@pytest.mark.parametrize("command", [["status", "--weak"], ["quiz", "--weak", "--formats", "json"]])
@pytest.mark.parametrize("case", list(DAMAGED))
def test_a_damaged_history_is_a_plain_error_naming_it(studied_project, tmp_path, case, command):
    """The history is Anki's, copied: a hand-edited one is refused (exit 1) with what is
    wrong and the cure, rather than silently ignored, so that `quiz --weak` never quietly
    asks about everything. Before: exit 4 (internal error) for wrong types and deep
    nesting; huge, negative and future times and NaN were taken and ordered the items
    by nonsense; a list said "'list' object has no attribute 'get'"."""
    text, message = DAMAGED[case]
    history = studied_project / "cards" / ".history.json"
    kept = history.read_bytes()
    try:
        history.write_text(text, encoding="utf-8")
        extra = ["--out", str(tmp_path / "quiz")] if command[0] == "quiz" else []
        result = run(studied_project, *command, *extra)
    finally:
        history.write_bytes(kept)
    assert_refused(result, "error: cards/.history.json: not a papercards history file (")
    assert message in result.output and "delete it and pull again" in result.output
    assert not (tmp_path / "quiz").exists()


def test_a_folder_in_place_of_the_history_is_a_read_error_not_a_write_error(studied_project):
    """Before: exit 3, 'could not write …/.history.json: Is a directory' for a command that only reads."""
    history = studied_project / "cards" / ".history.json"
    kept = history.read_bytes()
    history.unlink()
    history.mkdir()
    try:
        result = run(studied_project, "status", "--weak")
    finally:
        history.rmdir()
        history.write_bytes(kept)
    assert_refused(result, "cards/.history.json: not a papercards history file (Is a directory)")


def test_pull_over_a_damaged_history_makes_it_anew(root, tmp_path):
    """The file is Anki's history copied: pull makes a damaged one anew. Before: an entry
    of wrong types loaded and was carried over by every pull, and `status --weak` failed
    on it (exit 4) after each."""
    (root / "cards" / ".history.json").write_text('{"version": 1, "items": {"x": {"ease": "low"}}}')
    result = run(root, "pull", str(real_collection(root, tmp_path / "learner")))
    assert result.exit_code == 0, result.output
    assert "x" not in json.loads((root / "cards" / ".history.json").read_text())["items"]


# --------------------------------------------------------------------------- review

def review(root: Path, keys: str, env: dict[str, str] | None = None):
    return CliRunner(env=env or {}).invoke(main, ["review", "-C", str(root), "--all"], input=keys)


@pytest.mark.parametrize("state", ["{{", "[]", '{"version": 1, "list": 5}', '{"decisions": {"a": 1}}'])
def test_a_damaged_review_state_starts_over_and_says_so(root, state):
    """Before: silently started over, as if the learner had never reviewed."""
    assert review(root, "k\nq\n").exit_code == 0
    path = root / ".papercards-cache" / "review.json"
    path.write_text(state, encoding="utf-8")
    result = review(root, "q\n")
    assert result.exit_code == 0, result.output
    assert ".papercards-cache/review.json: not a review state papercards wrote (damaged?); starting over." \
        in result.output
    assert "── 1/" in result.output and "Resuming" not in result.output


def test_control_sequences_in_the_store_are_shown_not_obeyed_by_review(root):
    """Already right: documented. OSC 52 (writes the clipboard), cursor movement, a bidi
    override and a C1 CSI in a hand edit of cards/ reach review's screen as visible escapes."""
    path = root / "cards" / "glossary.yaml"
    text = path.read_text(encoding="utf-8")
    hostile = '"\\e]52;c;cm0gLXJmIH4=\\a\\e[2J\\e[10A\\u202egnp.exe\\x9b31m"'
    assert text.count("english: Knowledge Transfer Optimization") == 1
    path.write_text(text.replace("english: Knowledge Transfer Optimization", f"english: {hostile}"),
                    encoding="utf-8")
    result = review(root, "q\n")
    assert result.exit_code == 0, result.output
    assert not any(c in result.output for c in CONTROLS), result.output
    assert "\\x1b]52;c;cm0gLXJmIH4=\\x07\\x1b[2J\\x1b[10A\\u202egnp.exe\\x9b31m" in result.output


@pytest.mark.parametrize("editor, message", [
    ("/nonexistent/editor", "cannot start the editor '/nonexistent/editor'"),
    ("false", "the editor 'false' exited with code 1"),
    ('"unclosed', "cannot start the editor '\"unclosed'"),
    ("sh -c 'printf \"items: [\" > \"$0\"'", ".papercards-cache/review-item.yaml:"),
])
def test_an_editor_that_cannot_run_or_breaks_the_item_changes_nothing(root, editor, message):
    """Already right: documented."""
    before = tree(root / "cards")
    result = review(root, "e\nd\nq\n", {"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 0 and message in result.output, result.output
    assert "Traceback" not in result.output
    assert tree(root / "cards") == before


# --------------------------------------------------------------------------- phone page

def test_a_title_closing_the_script_stays_inside_the_quiz_data(root, tmp_path):
    """Already right: documented (items are covered by test_export_safety)."""
    title = "</script><script>alert(1)</script><!--"
    result = run(root, "quiz", "--formats", "html", "--out", str(tmp_path / "q"), "--title", title, "-n", "5")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "q" / "quiz-A.html").read_text(encoding="utf-8")
    assert page.count("<script") == 2 and "alert(1)</script>" not in page
    data = page.split('<script type="application/json" id="quiz-data">', 1)[1].split("</script>", 1)[0]
    assert json.loads(data)["title"] == title
