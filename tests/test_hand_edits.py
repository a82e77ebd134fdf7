"""The learner edits cards/ between builds: edits, suspensions and own items survive,
conflicts are recorded in the file and reported exactly once; `status` and
`build --dry-run` tell what would change and write nothing."""

from __future__ import annotations

import re
import shutil

import genanki
import pytest
import yaml
from anki_engine import import_apkg, open_collection
from click.testing import CliRunner
from evolution_versions import BULLET_V1, BULLET_V3, replace, shipped, v1, v4, v6

from conftest import ROOT
from papercards.build import build
from papercards.cli import main
from papercards.config import load_config
from papercards.store import Store

T0 = 1_750_000_000
DAY = 86_400
P1_FILE = "cards/iclr2025-dpo/9Hxdixed7p.yaml"
UNSTABLE = "9Hxdixed7p/claim/3865749f"        # DPO不稳定的来源: hand-edited, then its source changes
WORK = "9Hxdixed7p/cloze/433a8662"            # DPO三个关键属性 (an enumeration): suspended by hand
P3_PROBLEM = "KJF3h0OpQ7/claim/a6363bb9"       # DPO问题: hand-edited, its source never changes
LOGIT = "F6z3utfcYw/definition/logit混合"       # deleted from the notes in v6
MANUAL = "9Hxdixed7p/claim/my-own-question"
MY_ANSWER = "梯度之间的**相互作用**（我自己的话）"

CONFLICT = re.compile(r"cards/iclr2025-dpo/9Hxdixed7p\.yaml: item 9Hxdixed7p/claim/3865749f was edited by "
                      r"hand and its source changed at source/iclr2025-dpo\.md:(\d+)")


def cli(*args, project, now=None):
    env = {"SOURCE_DATE_EPOCH": str(now)} if now else {}
    result = CliRunner().invoke(main, [*args, "-C", str(project)], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def snapshot(root):
    """Every file under cards/ and decks/ (and the build cache): bytes and mtime."""
    out = {}
    for sub in ("cards", "decks", ".papercards-cache"):
        for p in sorted((root / sub).rglob("*")):
            if p.is_file():
                st = p.stat()
                out[p.relative_to(root).as_posix()] = (p.read_bytes(), st.st_mtime_ns)
    return out


def write_notes(root, make):
    (root / "source" / "iclr2025-dpo.md").write_text(make(shipped()), encoding="utf-8")


def items_of(root, rel) -> dict[str, dict]:
    doc = yaml.safe_load((root / rel).read_text(encoding="utf-8"))
    return {i["id"]: i for i in doc["items"]}


def hand_edit(root):
    """What a learner does in an editor and with a YAML tool."""
    path = root / P1_FILE
    text = path.read_text(encoding="utf-8")
    # 1. a field of an auto item, edited in place in the text
    old = "    answer: 选择和拒绝响应的梯度之间的相互作用会导致不稳定\n"
    assert old in text
    text = text.replace(old, f"    answer: '{MY_ANSWER}'\n")
    # 2. suspend an item: one line added under it
    m = re.search(rf"(?ms)^- id: {re.escape(WORK)}\n.*?^  origin: auto\n", text)
    text = text[:m.end()] + "  suspended: true\n" + text[m.end():]
    # 3. an own item, appended at the end of the list
    text += (f"- id: {MANUAL}\n  kind: claim\n  paper: 9Hxdixed7p\n  fields:\n"
             "    question: 3D-Properties 论文：为什么被拒绝响应的概率会急剧下降？\n"
             "    answer: 梯度的相互作用把被拒绝响应的概率一直往下推\n  origin: manual\n")
    path.write_text(text, encoding="utf-8")
    # 4. another paper's file through a YAML load/modify/dump round trip
    path = root / "cards/iclr2025-dpo/KJF3h0OpQ7.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    item = next(i for i in doc["items"] if i["id"] == P3_PROBLEM)
    item["fields"]["answer"] = "DPO受限于**离线**偏好数据集"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    shutil.copy(ROOT / "papercards.yaml", root / "papercards.yaml")
    write_notes(root, v1)
    build(load_config(root), now=T0)
    return root


def test_hand_edits_survive_and_conflicts_are_reported_once(project, tmp_path):
    root = project
    hand_edit(root)
    manual_before = items_of(root, P1_FILE)[MANUAL]

    # status: sees the hand edits, writes nothing
    before = snapshot(root)
    out = cli("status", project=root, now=T0 + DAY)
    assert snapshot(root) == before
    assert "hand-edited (2):" in out and UNSTABLE in out and P3_PROBLEM in out
    assert set(re.findall(r"(?m)^([a-z-]+) \(\d+\):$", out)) == {"hand-edited"}
    # two edits, a suspension and an own item reach Anki; two files get their bookkeeping
    assert "Next build: 2 file(s) in cards/ rewritten; 0 new and 4 changed note(s) for Anki." in out

    # a build with unchanged notes keeps every hand edit
    out = cli("build", project=root, now=T0 + DAY)
    assert "was edited by hand" not in out
    p1 = items_of(root, P1_FILE)
    assert p1[UNSTABLE]["fields"]["answer"] == MY_ANSWER and "conflict" not in p1[UNSTABLE]
    assert p1[WORK]["suspended"] is True
    assert {k: p1[MANUAL][k] for k in manual_before} == manual_before
    assert items_of(root, "cards/iclr2025-dpo/KJF3h0OpQ7.yaml")[P3_PROBLEM]["fields"]["answer"] \
        == "DPO受限于**离线**偏好数据集"

    # … and ships them: the hand edit, the suspension (a tag: Anki never changes an
    # existing card's scheduling on import) and the learner's own item
    col = open_collection(tmp_path)
    try:
        import_apkg(col, root / "decks" / "iclr-2025-dpo.apkg")
        notes = {col.get_note(n)["ItemId"]: col.get_note(n) for n in col.find_notes("")}
        assert "我自己的话" in notes[UNSTABLE]["Back"] and "<b>相互作用</b>" in notes[UNSTABLE]["Back"]
        assert "离线" in notes[P3_PROBLEM]["Back"]
        assert "papercards::suspended" in notes[WORK].tags
        assert notes[MANUAL].guid == genanki.guid_for(MANUAL) and "为什么被拒绝" in notes[MANUAL]["Front"]
    finally:
        col.close()

    # the notes change under the hand edit: one word of that bullet
    write_notes(root, lambda text: replace(text, BULLET_V1, BULLET_V3))
    before = snapshot(root)
    status = cli("status", project=root, now=T0 + 2 * DAY)
    dry = cli("build", "--dry-run", project=root, now=T0 + 2 * DAY)
    assert snapshot(root) == before                           # neither wrote anything
    assert "conflicts (1):" in status and len(CONFLICT.findall(status)) == 1
    assert "Would change 1 file(s) in cards/" in dry and f"  {P1_FILE}" in dry
    assert "Dry run: nothing written." in dry

    out = cli("build", project=root, now=T0 + 2 * DAY)
    lines = CONFLICT.findall(out)
    assert lines == ["17"], out                               # the sub-heading's line, once
    p1 = items_of(root, P1_FILE)
    assert p1[UNSTABLE]["fields"]["answer"] == MY_ANSWER       # the hand edit wins
    assert p1[UNSTABLE]["conflict"]["fields"]["answer"] == "选择和拒绝响应的梯度之间的相互作用会引起不稳定"
    assert p1[UNSTABLE]["conflict"]["source"] == "source/iclr2025-dpo.md:17"

    # later builds do not report it again: an unchanged rebuild, a forced one, the status
    assert "was edited by hand" not in cli("build", project=root, now=T0 + 3 * DAY)
    assert "was edited by hand" not in cli("build", "--force", project=root, now=T0 + 3 * DAY)
    status = cli("status", project=root, now=T0 + 3 * DAY)
    assert "was edited by hand" not in status and "conflicts" not in status
    assert "Up to date: the next build changes nothing." in status     # hand edits are listed, kept
    assert "conflict" in items_of(root, P1_FILE)[UNSTABLE]         # still recorded in the file

    # v4 rewords that heading (the item keeps its id) and more; v6 deletes the sub-section
    # and the logit bullet: the hand-edited item retires with the edit kept in the file
    write_notes(root, v4)
    out = cli("build", project=root, now=T0 + 4 * DAY)
    assert len(CONFLICT.findall(out)) == 1                    # a new change of its source: reported
    write_notes(root, v6)
    out = cli("build", project=root, now=T0 + 5 * DAY)
    assert "was edited by hand" not in out
    p1 = items_of(root, P1_FILE)
    assert p1[UNSTABLE]["status"] == "retired" and p1[UNSTABLE]["fields"]["answer"] == MY_ANSWER
    assert items_of(root, "cards/iclr2025-dpo/F6z3utfcYw.yaml")[LOGIT]["status"] == "retired"
    assert p1[WORK]["suspended"] is True
    assert {k: p1[MANUAL][k] for k in manual_before} == manual_before
    assert p1[MANUAL].get("status", "active") == "active"
    assert items_of(root, "cards/iclr2025-dpo/KJF3h0OpQ7.yaml")[P3_PROBLEM]["fields"]["answer"] \
        == "DPO受限于**离线**偏好数据集"
    records = {r.id: r for r in Store.load(root / "cards").records}
    assert records[MANUAL].origin == "manual" and records[UNSTABLE].origin == "auto"


def test_status_lists_new_updated_retired(project):
    root = project
    write_notes(root, v6)
    before = snapshot(root)
    out = cli("status", project=root, now=T0 + DAY)
    assert snapshot(root) == before
    sections = dict(re.findall(r"(?m)^([a-z-]+) \((\d+)\):$", out))
    assert {"new", "updated", "retired"} <= set(sections)
    assert "conflicts" not in sections and "hand-edited" not in sections
    retired = out.split("retired (")[1]
    assert LOGIT in retired and UNSTABLE in retired
    assert "dliIIodM6b/" in out.split("updated (")[0]          # a new paper
    dry = cli("build", "--dry-run", project=root, now=T0 + DAY)
    assert snapshot(root) == before
    listed = re.findall(r"(?m)^  (cards/\S+\.yaml)$", dry)
    assert "cards/iclr2025-dpo/dliIIodM6b.yaml" in listed and P1_FILE in listed
    assert f"{sections['new']} new, {sections['updated']} updated, {sections['retired']} retired" in dry
    # and the real build then writes exactly the files the dry run listed
    cli("build", project=root, now=T0 + DAY)
    changed = {k for k, v in snapshot(root).items() if before.get(k) != v and k.startswith("cards/")}
    assert changed == set(listed)
    assert "Up to date" in cli("status", project=root, now=T0 + 2 * DAY)


def test_hand_edit_of_a_retired_item_is_kept_and_not_revived_silently(project):
    """A retired item stays in the file; editing it by hand is allowed and survives."""
    root = project
    write_notes(root, v6)
    build(load_config(root), now=T0 + DAY)
    path = root / "cards/iclr2025-dpo/F6z3utfcYw.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("一种集成方法，通过将多个模型的输出进行加权组合以生成更加稳定和准确的预测",
                        "把多个模型的 logit 加权平均")
    path.write_text(text, encoding="utf-8")
    build(load_config(root), now=T0 + 2 * DAY)
    item = items_of(root, "cards/iclr2025-dpo/F6z3utfcYw.yaml")[LOGIT]
    assert item["status"] == "retired" and item["fields"]["definition"] == "把多个模型的 logit 加权平均"


def test_status_sees_changes_that_only_show_on_the_cards(project):
    """A respelled 中文 title changes no item, but every card of that paper shows it."""
    root = project
    write_notes(root, lambda text: replace(text, "针对微调扩散模型的具有改进模型的迭代DPO",
                                           "针对微调扩散模型的具有改进模型的迭代 DPO"))
    before = snapshot(root)
    out = cli("status", project=root, now=T0 + DAY)
    assert snapshot(root) == before
    assert "Up to date" not in out
    changed = int(re.search(r"0 new and (\d+) changed note\(s\) for Anki\.", out).group(1))
    # the paper's notes, and the glossary terms that list its links
    assert changed >= len(items_of(root, "cards/iclr2025-dpo/KJF3h0OpQ7.yaml"))


# --------------------------------------------------------------------------- edits papercards must not misread

SAMPLER_FILE = "cards/iclr2025-dpo/F6z3utfcYw.yaml"
SAMPLER = "F6z3utfcYw/cloze/5ca505a5"        # the sampler results: an enumeration with blanks c1, c2
SAMPLER_TEXT = "      - 文章提出的**在线采样器**实现{{c2::二次收敛}}\n"
SAMPLER_EDITED = "      - 文章提出的{{c3::在线采样器}}实现{{c2::二次收敛}}\n"     # the learner adds c3


def sampler_text(line: str) -> str:
    return f"Crucial Role of Samplers：探索并对比不同采样策略：\n- 均匀采样实现{{{{c1::线性收敛}}}}\n- {line}"


def edit_store(root, rel, old, new):
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text.replace(old, new)


def line_of(text, needle):
    return text[:text.index(needle)].count("\n") + 1


def cli_refuses(*args, project, message):
    """A command that must stop on bad input: exit 1, the message, no traceback."""
    result = CliRunner().invoke(main, [*args, "-C", str(project)])
    assert result.exit_code == 1, result.output
    assert f"error: {message}" in result.output, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    return result.output


def cards_in_anki(root, tmp_path, item_id):
    col = open_collection(tmp_path, "blanks.anki2")
    try:
        import_apkg(col, root / "decks" / "iclr-2025-dpo.apkg")
        [nid] = [n for n in col.find_notes("") if col.get_note(n)["ItemId"] == item_id]
        return sorted(card.ord for card in col.get_note(nid).cards())
    finally:
        col.close()


def test_a_blank_added_by_hand_is_a_hand_edit_and_every_command_agrees(project, tmp_path):
    root = project
    edit_store(root, SAMPLER_FILE, SAMPLER_TEXT, SAMPLER_EDITED)
    status = cli("status", project=root, now=T0 + DAY)
    assert "was edited by hand and its source changed" not in status and "conflicts" not in status
    assert f"hand-edited (1):\n  {SAMPLER}\n" in status
    out = cli("build", project=root, now=T0 + DAY)
    assert "0 conflicts, 1 hand-edited kept" in out and "was edited by hand" not in out
    item = items_of(root, SAMPLER_FILE)[SAMPLER]
    assert item["fields"]["text"] == sampler_text("文章提出的{{c3::在线采样器}}实现{{c2::二次收敛}}")
    assert "conflict" not in item
    assert cards_in_anki(root, tmp_path, SAMPLER) == [0, 1, 2]     # c1, c2 and the learner's c3
    # the next commands agree that nothing is left to do, and a forced build writes nothing
    before = snapshot(root)
    assert "Up to date: the next build changes nothing." in cli("status", project=root, now=T0 + 2 * DAY)
    assert "up to date" in cli("build", project=root, now=T0 + 2 * DAY)
    forced = cli("build", "--force", project=root, now=T0 + 2 * DAY)
    assert "0 file(s) written in cards/" in forced and "0 conflicts, 1 hand-edited kept" in forced
    assert {k: v[0] for k, v in snapshot(root).items() if k.startswith(("cards/", "decks/"))} \
        == {k: v[0] for k, v in before.items() if k.startswith(("cards/", "decks/"))}


def test_a_conflict_under_a_hand_added_blank_is_recorded_and_never_dropped(project):
    root = project
    edit_store(root, SAMPLER_FILE, SAMPLER_TEXT, SAMPLER_EDITED)
    cli("build", project=root, now=T0 + DAY)
    write_notes(root, lambda text: replace(v1(text), "文章提出的**在线采样器**实现二次收敛",
                                           "文章提出的**在线采样器**实现了二次收敛"))
    out = cli("build", project=root, now=T0 + 2 * DAY)
    assert f"{SAMPLER_FILE}: item {SAMPLER} was edited by hand and its source changed" in out
    item = items_of(root, SAMPLER_FILE)[SAMPLER]
    assert item["fields"]["text"] == sampler_text("文章提出的{{c3::在线采样器}}实现{{c2::二次收敛}}")  # the edit wins
    assert item["conflict"]["fields"]["text"] == sampler_text("文章提出的**在线采样器**实现了{{c2::二次收敛}}")
    recorded = (root / SAMPLER_FILE).read_bytes()
    for args in (("build",), ("build", "--force"), ("status",)):
        out = cli(*args, project=root, now=T0 + 3 * DAY)
        assert "was edited by hand" not in out                     # reported once …
        assert (root / SAMPLER_FILE).read_bytes() == recorded      # … and kept until the learner deletes it


def test_an_id_changed_by_hand_is_refused_naming_its_line(project):
    root = project
    text = edit_store(root, P1_FILE, f"- id: {UNSTABLE}\n", "- id: 9Hxdixed7p/claim/my-name\n")
    before = snapshot(root)
    message = (f"{P1_FILE}:{line_of(text, '- id: 9Hxdixed7p/claim/my-name')}: item id '9Hxdixed7p/claim/my-name' "
               f"was changed by hand: papercards made this item as '{UNSTABLE}', and Anki knows its note by "
               f"that id (a new id makes a second note, without its review history); change the id back to "
               f"'{UNSTABLE}'")
    cli_refuses("build", project=root, message=message)
    cli_refuses("status", project=root, message=message)
    assert snapshot(root) == before
    edit_store(root, P1_FILE, "- id: 9Hxdixed7p/claim/my-name\n", f"- id: {UNSTABLE}\n")
    assert "Up to date" in cli("status", project=root, now=T0 + DAY)


def test_a_kind_changed_by_hand_is_refused_naming_its_line(project):
    root = project
    text = (root / P1_FILE).read_text(encoding="utf-8")
    at = text.index(f"- id: {UNSTABLE}\n  kind: claim\n")
    text = text[:at] + text[at:].replace("  kind: claim\n", "  kind: cloze\n", 1)
    (root / P1_FILE).write_text(text, encoding="utf-8")
    before = snapshot(root)
    cli_refuses("build", project=root, message=(
        f"{P1_FILE}:{line_of(text, f'- id: {UNSTABLE}') + 1}: item {UNSTABLE}: 'kind' was changed by hand to "
        "cloze, but this item is a claim (its id says so): papercards makes it from your notes, and Anki "
        "knows its note by that type; change the kind back (for another kind of card, add your own item "
        "with origin: manual)"))
    assert snapshot(root) == before


def test_a_second_file_with_a_papers_header_is_reported_naming_both(project):
    root = project
    text = (root / P1_FILE).read_text(encoding="utf-8")
    header = text[text.index("paper:\n"):text.index("items:\n")]
    (root / "cards/iclr2025-dpo/mine.yaml").write_text(
        header + f"items:\n- id: {MANUAL}\n  kind: claim\n  paper: 9Hxdixed7p\n  fields:\n"
        "    question: 3D-Properties：哪三个性质？\n    answer: Drastic drop, Degradation, Dispersion\n"
        "  origin: manual\n", encoding="utf-8")
    out = cli("build", project=root, now=T0 + DAY)
    assert ("cards/iclr2025-dpo/mine.yaml:1: paper 9Hxdixed7p already has its file, "
            f"{P1_FILE}:{line_of(text, 'paper:')}; the header here is not used (the items are kept): move them "
            "there and delete this file, or fix the key") in out
    assert MANUAL in items_of(root, "cards/iclr2025-dpo/mine.yaml")
