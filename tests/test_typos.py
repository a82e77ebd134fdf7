"""Typing slips of the notes corrected on the cards from the paper's own Chinese abstract
(`papercards.items.typos`): homophones an input method put in (收到 for 受到) and an
acronym in a stray case (DPo), on the shipped notes, on the same author's notes weeks
later and on notes written for these tests. The notes are never changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from papercards.build import build
from papercards.config import load_config
from papercards.config_schema import config_text
from papercards.items.typos import Slip, find_slips
from papercards.notes import read_notes
from papercards.text import Segmenter

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "source" / "iclr2025-dpo.md"
NOTES = Path(__file__).parent / "data" / "notes"

ABSTRACT_ZH = ("然而，正如最近的工作所示，DPO 可能会受到离线偏好数据集的约束。"
               "我们的方法以最小化隐性奖励和显式奖励之间的差异为目标。")


def project(tmp_path: Path, text: str | None = None, config: str = "") -> Path:
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    if text is None:
        shutil.copy(SHIPPED, root / "source" / "iclr2025-dpo.md")
    else:
        (root / "source" / "notes.md").write_text(text, encoding="utf-8")
    (root / "papercards.yaml").write_text(f"deck: Test\n{config}", encoding="utf-8")
    return root


def cards_text(result) -> str:
    return "\n".join(v for item in result.extraction.items for v in item.fields.values() if v)


def warnings(result) -> list[str]:
    return [str(d) for d in result.extraction.diagnostics]


def paper(body: str, abstract_zh: str = ABSTRACT_ZH, keywords: str = "* DPO") -> str:
    return f"""# 笔记

## 1. Fixing Offline Preference Data
修正离线偏好数据
### 关键字
{keywords}
### 主要内容
#### 问题
{body}
### 文章链接
* <a href="https://openreview.net/forum?id=forum0001x">OpenReview</a>
### 摘要
However, DPO could suffer from constraints from the offline preference dataset.
{abstract_zh}
"""


def slips_of(tmp_path: Path, body: str, abstract_zh: str = ABSTRACT_ZH, keywords: str = "* DPO") -> list[Slip]:
    path = tmp_path / "notes.md"
    path.write_text(paper(body, abstract_zh, keywords), encoding="utf-8")
    (one,) = read_notes(path, load_config(tmp_path)).papers
    return find_slips(one, abstract_zh, Segmenter().cut)


# --------------------------------------------------------------------------- the shipped notes

def test_the_four_shipped_slips_are_corrected_on_the_cards_and_the_notes_are_not_touched(tmp_path):
    root = project(tmp_path)
    before = (root / "source" / "iclr2025-dpo.md").read_bytes()
    result = build(load_config(root), now=1_800_000_000)
    text = cards_text(result)
    assert "DPO可能受到离线偏好数据集的" in text and "收到" not in text               # line 74
    assert "迭代应用在线偏好数据集" in text and "在先" not in text                      # line 78
    assert "和显式奖励(explicit reward)" in text and "显示奖励" not in text             # line 133
    assert "RLHF/PPO, DPO, " in text and "DPo" not in text                             # line 133
    assert (root / "source" / "iclr2025-dpo.md").read_bytes() == before
    told = warnings(result)
    assert ("source/iclr2025-dpo.md:74: '收到' reads like a typo for '受到' (this paper's Chinese abstract: "
            "'DPO 可能会受到离线偏好数据集的约束'); the card says '受到'") in told
    assert any(w.startswith("source/iclr2025-dpo.md:78: '在先' reads like a typo for '在线'") for w in told)
    assert any(w.startswith("source/iclr2025-dpo.md:133: '显示' reads like a typo for '显式'") for w in told)
    assert ("source/iclr2025-dpo.md:133: 'DPo' reads like a typo for 'DPO' (the paper writes 'DPO' 14 times, "
            "'DPo' only here); the card says 'DPO'") in told
    # the homophone fix replaces the old "a typo?" warning; a translation that is no
    # homophone of the abstract's (隐性奖励 / 隐式奖励) is still only a warning
    assert not any("'显示奖励' is written" in w for w in told)
    assert any("translation '隐性奖励' is written '隐式奖励'" in w and w.endswith("a typo?") for w in told)


def test_the_switch_off_keeps_what_the_notes_say_and_still_warns(tmp_path):
    result = build(load_config(project(tmp_path, config="fix_typos: false\n")), now=1_800_000_000)
    text = cards_text(result)
    assert "DPO可能收到离线偏好数据集的" in text and "应用在先偏好" in text and "DPo" in text
    assert any(w.startswith("source/iclr2025-dpo.md:74: '收到' reads like a typo for '受到'")
               and w.endswith("the card keeps it (fix_typos: false)") for w in warnings(result))


def test_init_writes_the_switch_on():
    assert "\nfix_typos: true\n" in config_text()


def test_a_corrected_card_keeps_its_id_in_the_store(tmp_path):
    """The cloze of line 133 is anchored on a hash of its sentence: the corrected sentence
    hashes otherwise, and the store finds the card's old id back (its review history)."""
    root = project(tmp_path, config="fix_typos: false\n")
    first = {i.id for i in build(load_config(root), now=1_800_000_000).extraction.items}
    (root / "papercards.yaml").write_text("deck: Test\n", encoding="utf-8")
    again = build(load_config(root), now=1_800_000_100)
    assert again.report.new == [] and again.report.retired == [] and again.report.updated
    assert first == {r.id for r in again.records}


# --------------------------------------------------------------------------- the rule

def test_no_correction_without_the_same_phrase_in_the_abstract(tmp_path):
    result = build(load_config(project(tmp_path, paper(
        "DPO可能收到离线偏好数据集的约束", abstract_zh="我们研究了在线数据的作用。"))), now=1_800_000_000)
    assert "可能收到离线偏好数据集的约束" in cards_text(result)
    assert not any("reads like a typo" in w for w in warnings(result))


def test_a_homophone_elsewhere_in_the_abstract_is_not_taken(tmp_path):
    # 显示 / 显式 sound alike and the abstract says 显式奖励, but in another phrase
    result = build(load_config(project(tmp_path, paper(
        "* 实验结果显示奖励**黑客行为**会随训练加剧\n* DPO可能收到离线偏好数据集的约束"))), now=1_800_000_000)
    text = cards_text(result)
    assert "结果显示奖励" in text and "可能受到离线偏好数据集" in text
    assert [w.split(": ", 1)[1].split(" (")[0] for w in warnings(result) if "reads like a typo" in w] \
        == ["'收到' reads like a typo for '受到'"]


def test_a_keyword_translation_is_corrected_by_the_words_it_shares(tmp_path):
    slips = slips_of(tmp_path, "* 提升了对齐效果", keywords="* explicit reward 显示奖励")
    assert [(s.wrong, s.right) for s in slips] == [("显示", "显式")]


def test_two_readings_that_fit_as_well_leave_the_word_alone(tmp_path):
    two = "我们最小化隐性奖励。我们也最小化隐形奖励的方差和隐行奖励的偏差。"
    assert slips_of(tmp_path, "* 记号", abstract_zh=two, keywords="* hidden reward 隐型奖励") == []


@pytest.mark.parametrize("body, fixed", [
    ("* 将DPo和KTO统一", [("DPo", "DPO")]),
    ("* 将DPo和KTO统一，DPo更简单", []),             # written so twice: the author's spelling
    ("* 将Ppo和KTO统一", []),                         # PPO is not a name this paper uses
])
def test_an_acronym_in_a_stray_case(tmp_path, body, fixed):
    assert [(s.wrong, s.right) for s in slips_of(tmp_path, body, keywords="* DPO\n* RLHF, DPO")] == fixed


# --------------------------------------------------------------------------- other notes

@pytest.mark.parametrize("notes, expected", [
    ("weeks-later.md", [(75, "收到", "受到"), (79, "在先", "在线"), (134, "隐形", "隐性"), (134, "显示", "显式"),
                        (442, "均恒", "均衡")]),
    ("other-authors", []),
    ("other-papers.md", []),
])
def test_what_is_corrected_in_notes_the_rules_were_not_written_for(tmp_path, notes, expected):
    """Every correction on the same author's notes weeks later (纳什均恒 is a keyword's
    translation) and none on other authors' notes: each one a right correction."""
    root = tmp_path / "proj"
    source = NOTES / notes
    if source.is_dir():
        shutil.copytree(source, root / "source")
    else:
        (root / "source").mkdir(parents=True)
        shutil.copy(source, root / "source" / "notes.md")
    shutil.copy(ROOT / "papercards.yaml", root / "papercards.yaml")
    result = build(load_config(root), now=1_800_000_000)
    found = [w for w in warnings(result) if "reads like a typo" in w]
    assert [(int(w.split(":")[1]), w.split("'")[1], w.split("'")[3]) for w in found] == expected


def test_a_stray_word_that_reads_like_one_the_paper_writes_often_is_a_slip():
    from papercards.items.typos import stray_word_slips
    cut = Segmenter().cut
    lines = [(1, "用将励模型给回答打分"), (2, "奖励模型要准，奖励也不能稀疏"), (3, "这是在先RL的做法"),
             (4, "在线RL更贵，在线采样"), (5, "又一波新方法出来了"), (6, "一般来说一般的模型都行")]
    everything = "\n".join(text for _, text in lines)
    found = {(s.line, s.wrong, s.right) for s in stray_word_slips(lines, everything, cut)}
    assert found == {(1, "将励", "奖励"), (3, "在先", "在线")}, found     # 一波 is no 一般 (般 is read ban)


def test_the_same_authors_later_notes_have_their_stray_words_corrected(tmp_path):
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    shutil.copy(NOTES / "unseen" / "same-author-4.md", root / "source")
    result = build(load_config(root), now=1_700_000_000)
    text = cards_text(result)
    assert "将励" not in text and "在先" not in text
    said = [d.message for d in result.diagnostics]
    assert any("'将励' reads like a typo for '奖励'" in m for m in said)
