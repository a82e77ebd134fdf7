"""Notes papercards has never seen: other papers in the same style, and another
author's one-paper-per-file notes with tables and display math. The build must
not crash, must say what it could not use, and the deck must import cleanly."""

from __future__ import annotations

import shutil
from pathlib import Path

from anki_engine import assert_card_clean, import_apkg, open_collection, render_all, strip_html

from papercards.build import build
from papercards.config import load_config

DATA = Path(__file__).parent / "data" / "notes"


def make_project(tmp_path: Path, files: list[Path], config: str = "deck: Test\n") -> Path:
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    for f in files:
        shutil.copy(f, root / "source" / f.name)
    (root / "papercards.yaml").write_text(config, encoding="utf-8")
    return root


def built_cards(tmp_path, root):
    result = build(load_config(root), now=1_700_000_000)
    col = open_collection(tmp_path)
    log = import_apkg(col, result.deck_path)
    cards = render_all(col)
    for _, q, a in cards:
        assert_card_clean(q, a)
    col.close()
    return result, log, cards


def messages(result):
    return [str(d) for d in result.diagnostics]


def test_other_papers_in_the_same_style(tmp_path):
    root = make_project(tmp_path, [DATA / "other-papers.md"])
    result, log, cards = built_cards(tmp_path, root)
    items = {i.id: i for i in result.extraction.items}
    # both titles on the back spell the name out (Simple Preference Optimization, 简单偏好优化):
    # the answer adds nothing, and no glossary card asks it again
    assert items["3Tzcot1LKb/method/simpo"].fields.get("description", "") == ""
    assert "term/SimPO" not in items
    assert items["iUwHnoENnl/method/kto"].fields["description"] == "Kahneman-Tversky Optimization"
    length = next(i for i in items.values() if i.kind == "term" and i.fields["term"] == "length normalization")
    assert length.fields["chinese"] == "长度归一化" and "防止模型偏好更长的回答" in length.fields["note"]
    assert any(i.kind == "method" and i.fields["method"] == "SimPO" for i in items.values())
    msgs = messages(result)
    assert "source/other-papers.md:42: section 摘要 is empty" in msgs
    assert "source/other-papers.md:41: link <a> without href; ignored" in msgs
    assert "source/other-papers.md:38: sub-heading with no text and no content; skipped" in msgs
    assert any("A Paper With Only A Title" in m and "no sections" in m for m in msgs)
    assert any("placeholder paper '占位' skipped" in m for m in msgs)
    assert result.papers["iUwHnoENnl"].title == "KTO: Model Alignment as Prospect Theoretic Optimization"
    texts = [strip_html(q) for _, q, _ in cards]
    assert any("SimPO的奖励" in t for t in texts)
    assert not log.conflicting


def test_one_paper_per_file_with_tables_and_display_math(tmp_path):
    root = make_project(tmp_path, [DATA / "one-per-file" / "attention.md", DATA / "one-per-file" / "bert.md"])
    result, log, cards = built_cards(tmp_path, root)
    assert len(result.papers) == 2
    att = next(p for p in result.papers.values() if p.title == "Attention Is All You Need")
    assert att.title_zh == "注意力就是你所需要的一切"
    kinds = {i.kind for i in result.extraction.items if i.paper == att.key}
    assert {"summary", "cloze"} <= kinds
    # the paper is the file: its prose is cut into facts, and a pipe table never reaches a card raw
    assert not any("Transformer (big) | 28.4" in " ".join(i.fields.values()) for i in result.extraction.items)
    assert "source/attention.md:25: table with no row in bold or naming the paper's method: not carded" \
        in messages(result)
    position = next(i.fields["text"] for i in result.extraction.items
                    if i.kind == "cloze" and "位置编码" in i.fields["text"])
    assert position.splitlines()[2] == "  - 偶数维用 sin"            # nested detail kept as a cue
    terms = {i.fields["term"]: i for i in result.extraction.items if i.kind == "term"}
    assert "Self-Attention" not in terms          # a word-for-word pair: vocabulary, off by default
    assert terms["MLM"].fields["chinese"] == "掩码语言模型"              # from "> 关键词:" metadata
    msgs = messages(result)
    assert any(m.startswith("source/bert.md:") and "code block is not carded" in m for m in msgs)
    assert any(m.startswith("source/bert.md:") and "image is not carded" in m for m in msgs)


def test_notes_weeks_later_keep_every_old_item(tmp_path, shipped_text):
    """The shipped file weeks later: a placeholder filled in, a section edited."""
    root = make_project(tmp_path, [], config="deck: ICLR 2025 DPO\n")
    notes = root / "source" / "iclr2025-dpo.md"
    notes.write_text(shipped_text, encoding="utf-8")
    first = build(load_config(root), now=1_700_000_000)
    later = shipped_text.replace("## 占位\n### 关键字\n### 主要内容\n### 文章链接\n### 摘要\n", (DATA / "other-papers.md")
                                 .read_text(encoding="utf-8").split("## 2.")[0].split("## 1. ", 1)[1]
                                 .join(["## 8. ", ""]), 1)
    later = later.replace("* 联系观察结果和相关研究", "* 把观察结果和已有研究联系起来")
    notes.write_text(later, encoding="utf-8")
    second = build(load_config(root), now=1_700_086_400)
    assert len(second.papers) == 8
    assert second.report.retired == [] and second.report.new
    old_ids = {r.id for r in first.records}
    assert old_ids <= {r.id for r in second.records}
