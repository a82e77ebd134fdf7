"""The notes parser on the real shipped file and on the shapes other notes take."""

from __future__ import annotations


import pytest

from papercards.config import Config
from papercards.diagnostics import InputError
from papercards.notes import decode_notes, parse_notes


@pytest.fixture(scope="module")
def shipped(shipped_text):
    return parse_notes(shipped_text, "source/iclr2025-dpo.md", Config())


def test_every_real_paper_found_with_number_title_and_chinese_title(shipped):
    assert [p.number for p in shipped.papers] == [1, 2, 3, 4, 5, 6, 7]
    first = shipped.papers[0]
    assert first.title == "3D-Properties: Identifying Challenges in DPO and Charting a Path Forward"
    assert first.title_zh == "3D 属性：识别 DPO 中的挑战并规划前进道路"
    assert first.line == 3
    # bold marks in the Chinese title line are removed
    assert shipped.papers[3].title_zh == "在离线和在线RLHF/DPO对齐中同时缓解损坏，过度优化和详细程度"


def test_paper_keys_are_openreview_ids(shipped):
    assert [p.key for p in shipped.papers] == [
        "9Hxdixed7p", "PabAln0jjB", "KJF3h0OpQ7", "K2OWrXUVby", "ZSbsX1sFo3", "F6z3utfcYw", "CbfsKHiWEn"]


def test_sections_by_role_and_links_in_both_quote_styles(shipped):
    p1 = shipped.papers[0]
    assert [s.role for s in p1.sections] == ["keywords", "content", "links", "abstract"]
    assert p1.link_of("pdf") == "./papers/5344_3D_Properties_Identifying.pdf"   # single quotes
    assert p1.link_of("openreview") == "https://openreview.net/forum?id=9Hxdixed7p"
    una = shipped.papers[4]                                                      # links without bullets
    assert una.link_of("pdf") == "./papers/8566_UNA_Unifying_Alignments_o.pdf"


def test_subsections_bullets_and_nested_items_keep_lines(shipped):
    content = shipped.papers[0].sections_by("content")[0]
    assert [s.heading for s in content.subsections] == ["DPO三个关键属性(3D)", "DPO不稳定的来源", "这个工作做了什么"]
    src = content.subsections[1].blocks[0]
    assert src.items[0].text == "选择和拒绝响应的梯度之间的相互作用会导致不稳定"
    assert src.items[0].line == 18
    samplers = shipped.papers[5].sections_by("content")[0].subsections[1].blocks[0]
    nested = samplers.items[2].children[0]
    assert nested.text.startswith("logit混合是一种集成方法") and nested.line == 161
    una = shipped.papers[4].sections_by("content")[0].subsections[2].blocks[0]
    assert una.ordered and len(una.items) == 3


def test_lazy_continuation_after_list_is_its_own_paragraph(shipped):
    sub = shipped.papers[3].sections_by("content")[0].subsections[0]
    kinds = [(b.kind, b.line) for b in sub.blocks]
    assert kinds == [("paragraph", 96), ("list", 97), ("paragraph", 100)]
    assert sub.blocks[1].items[-1].text == "Bias towards Verbosity 偏重口头禅"
    assert sub.blocks[2].text == "而严重受限"


def test_placeholders_and_empty_subheading_reported_once_each(shipped):
    messages = [str(d) for d in shipped.diagnostics]
    assert sum("placeholder paper '占位' skipped" in m for m in messages) == 5
    assert shipped.placeholders == 5
    assert "source/iclr2025-dpo.md:180: sub-heading with no text and no content; skipped" in messages
    # a placeholder's empty sections are not reported one by one
    assert not any("section 关键字 is empty" in m for m in messages)


def test_empty_section_of_a_real_paper_is_reported():
    text = "## 1. A Paper\n中文标题\n### 关键字\n### 主要内容\n#### Q\n* a\n"
    notes = parse_notes(text, "x.md", Config())
    assert [str(d) for d in notes.diagnostics] == ["x.md:3: section 关键字 is empty"]


@pytest.mark.parametrize("heading,number,title", [
    ("## 3. Title Here", 3, "Title Here"),
    ("## *Title Here", None, "Title Here"),
    ("## Title Here", None, "Title Here"),
    ("## 12、Title Here", 12, "Title Here"),
    ("## **4. Bold Title**", 4, "Bold Title"),
])
def test_heading_shapes(heading, number, title):
    notes = parse_notes(f"{heading}\n中文\n### 关键字\n* DPO\n", "x.md", Config())
    assert (notes.papers[0].number, notes.papers[0].title) == (number, title)


def test_missing_chinese_title_line():
    notes = parse_notes("## 1. Only English\n### 关键字\n* DPO\n", "x.md", Config())
    assert notes.papers[0].title_zh is None


def test_one_paper_per_file_style_with_metadata_blockquote():
    text = ("# Attention Is All You Need\n注意力就是你所需要的\n\n> 作者: Vaswani et al.\n> 链接: https://arxiv.org/abs/1706.03762\n\n"
            "## 一句话总结\nTransformers replace recurrence with attention.\n\n## 方法\n### 多头注意力\n* 并行计算多个注意力头\n")
    notes = parse_notes(text, "one.md", Config())
    (paper,) = notes.papers
    assert paper.title == "Attention Is All You Need" and paper.title_zh == "注意力就是你所需要的"
    assert paper.meta["作者"] == "Vaswani et al."
    assert [s.role for s in paper.sections] == ["summary", "other"]
    assert paper.sections[1].subsections[0].heading == "多头注意力"
    assert paper.link_of("arxiv") == "https://arxiv.org/abs/1706.03762"


def test_link_without_href_is_reported():
    notes = parse_notes("## 1. P\n### 文章链接\n* <a name='x'>PDF</a>\n", "x.md", Config())
    assert any("without href" in d.message for d in notes.diagnostics)


def test_decoding_bom_crlf_gbk_utf16_and_binary():
    text, warn = decode_notes("\ufeff## 1. T\r\n中文\r".encode("utf-8"), "a.md")
    assert text == "## 1. T\n中文\n" and not warn
    text, warn = decode_notes("## 1. 标题\n".encode("gbk"), "a.md")
    assert text == "## 1. 标题\n" and "GBK" in warn[0].message
    text, warn = decode_notes("## 1. 标题\n".encode("utf-16"), "a.md")
    assert text == "## 1. 标题\n" and "UTF-16" in warn[0].message
    with pytest.raises(InputError, match="binary"):
        decode_notes(b"\x00\x01\x02garbage", "a.md")


@pytest.mark.parametrize("text", [
    "# Notes\n\n## 1. A Paper\n中文\n### 主要内容\n#### Q\n* a\n",
    "# 摘要 and more\n\n## 1. A Paper\n中文\n### 主要内容\n#### Q\n* a\n",
])
def test_file_title_is_never_taken_for_the_paper(text):
    (paper,) = parse_notes(text, "x.md", Config()).papers
    assert paper.title == "A Paper" and paper.sections[0].role == "content"


def test_a_heading_role_is_looked_up_once_per_parse(shipped_text, monkeypatch):
    """The same headings (摘要, 关键词, Content) come back under every paper: the parser asks
    the config for each heading text once, and finds the same roles."""
    asked: list[str] = []
    role_of = Config.role_of
    monkeypatch.setattr(Config, "role_of", lambda self, heading: asked.append(heading) or role_of(self, heading))
    notes = parse_notes(shipped_text * 3, "source/x.md", Config())
    assert len(asked) == len(set(asked)) > 3
    monkeypatch.undo()
    again = parse_notes(shipped_text * 3, "source/x.md", Config())
    assert [[s.role for s in p.sections] for p in notes.papers] == [[s.role for s in p.sections] for p in again.papers]


def test_lines_the_link_scan_skips_hold_no_link():
    """The parser skips lines `_MAY_LINK` does not match: every line of the test notes on
    which one of the link patterns matches is matched by it (and lines made to be hard)."""
    from pathlib import Path

    from papercards.notes import parser
    root = Path(__file__).parent
    lines = [line for path in [*root.joinpath("data").rglob("*.md"), *root.parent.joinpath("source").rglob("*.md")]
             for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    lines += ["<A HREF='x'>y</A>", "<a\thref=x>", "[t](u)", "x https://a.b y", "http://a", "<a>no href</a>"]
    patterns = (parser._A_OPEN, parser._A_TAG, parser._MD_LINK, parser._BARE_URL)
    with_links = [line for line in lines if any(p.search(line) for p in patterns)]
    assert len(with_links) > 50
    assert all(parser._MAY_LINK.search(line) for line in with_links)
