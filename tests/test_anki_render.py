"""Pure rendering: Record + PaperInfo → note type, fields, tags, deck, GUID (no Anki engine)."""

import re

import genanki
import pytest
from anki_engine import DECK, sample_papers, sample_records

from papercards.anki import notetypes
from papercards.anki import (
    SkipRecord, deck_id, note_deck, note_tags, render_block, render_cloze, render_record, sanitize_tag,
)
from papercards.anki.papers import safe_href
from papercards.items.model import Item
from papercards.store.model import Record
from papercards.text import render_inline

PAPERS = sample_papers()


def bold(text):
    """However the project's renderer writes **bold** (<b> or <strong>)."""
    return render_inline(f"**{text}**")


def by_id():
    return {r.item.id: r for r in sample_records()}


def note(item_id):
    return render_record(by_id()[item_id], PAPERS, DECK)


# ---------------------------------------------------------------- Markdown


def test_block_lists_and_inline():
    assert render_block("- a **b**\n- $x$") == f"<ul><li>a {bold('b')}</li><li>\\(x\\)</li></ul>"
    assert render_block("1. one\n2. two") == "<ol><li>one</li><li>two</li></ol>"
    assert render_block("* star") == "<ul><li>star</li></ul>"
    assert render_block("just `code`") == render_inline("just `code`")
    out = render_block("intro:\n- a\n  - nested\n- b\ntail")
    assert out == "<div>intro:</div><ul><li>a<ul><li>nested</li></ul></li><li>b</li></ul><div>tail</div>"
    assert "##" not in render_block("## Heading\ntext")
    assert render_block("") == "" and render_block(None) == ""


def test_block_escapes_html():
    assert "<script>" not in render_block("- <script>alert(1)</script>")


def test_cloze_markers_survive_and_inside_is_rendered():
    out = render_cloze("x {{c1::**bold**}} y {{c2::$a$::hint *h*}} z")
    assert "{{c1::" + bold("bold") + "}}" in out
    assert "{{c2::\\(a\\)::hint" in out
    assert "**" not in out and "$" not in out


def test_cloze_double_brace_in_math_does_not_end_the_blank():
    out = render_cloze("{{c1::$\\frac{a}{\\pi_{\\text{ref}}}$}} end")
    # the `}}` inside math became `} }`; the blank closes after the math
    assert re.fullmatch(r"\{\{c1::\\\(.*\\\)\}\} end", out), out
    inner = out[len("{{c1::"):out.index("\\)")]
    assert "}}" not in inner


def test_cloze_latex_macro_inside_a_blank():
    # the macro's closing brace followed by the blank's }} must not end the blank early
    assert render_cloze("{{c1::\\textbf{3D}}}属性") == "{{c1::" + bold("3D") + "}}属性"
    # unbalanced braces: Anki's own rule, the first }} ends the blank
    assert render_cloze("{{c1::a { b}} c") == "{{c1::a { b}} c"


def test_unclosed_blank_is_skipped():
    r = Record(Item("p/cloze/x", "cloze", {"text": "{{c1::never closed", "hint": ""}, paper="p"), modified=1)
    with pytest.raises(SkipRecord):
        render_record(r, {}, DECK)


def test_cloze_bold_around_a_blank():
    # (render_inline alone shows a typed {{…}} as text: a word joiner breaks its braces)
    assert render_cloze("**{{c1::词}}**") == bold("词").replace("词", "{{c1::词}}")


# ---------------------------------------------------------------- fields by kind


def test_term_fields():
    n = note("term/DRO")
    assert n.model is notetypes.term_model()
    f = n.fields
    assert (f["Term"], f["English"], f["Chinese"]) == ("DRO", "Distributionally Robust Optimization", "分布稳健优化")
    # a shared term names its papers briefly (count and short names), titles and links stay off
    assert f["Papers"] == '<div class="papers">2 papers 篇论文: 3D-Properties、NS-DPO</div>'
    assert f["Links"] == ""
    assert f["ItemId"] == "term/DRO"
    assert n.deck == f"{DECK}::Glossary 术语"


def test_term_without_chinese_has_empty_chinese():
    f = note("term/LLM").fields
    assert f["Chinese"] == "" and f["Note"] == render_inline("DPO 主要用于**大模型**微调")


def test_definition_front_is_short_and_names_its_paper():
    n = note("9Hxdixed7p/definition/3D-properties")
    # the term is the paper's name: said once, and asked in its answer's language (Chinese)
    assert n.fields["Front"] == "<b>3D-properties</b> 是什么？"
    assert n.fields["Back"].count("<li>") == 3 and bold("D") + "rastic" in n.fields["Back"]
    assert n.fields["Context"] == ""             # the front names the paper already
    assert n.fields["Reverse"] == ""


def test_paper_field_and_links():
    f = note("9Hxdixed7p/claim/5b1c0e2a").fields
    assert f["Paper"] == ('<div class="paper-en">3D-Properties: Identifying Challenges in DPO and Charting '
                          'a Path Forward</div><div class="paper-zh">3D 属性：识别 DPO 中的挑战并规划前进道路</div>')
    # the PDF a phone can open: the OpenReview PDF, not the author's ./papers/ file
    assert 'href="https://openreview.net/pdf?id=9Hxdixed7p">PDF</a>' in f["Links"]
    assert "./papers/" not in f["Links"]
    assert 'href="https://openreview.net/forum?id=9Hxdixed7p">OpenReview</a>' in f["Links"]
    assert "javascript" not in f["Links"]
    # attributes and text escaped
    assert 'href="https://example.org/3d?a=1&amp;b=&quot;2&quot;">Code &amp; data</a>' in f["Links"]


def test_paper_and_sentence_are_reversible():
    paper = note("9Hxdixed7p/paper/title").fields
    assert paper["Reverse"] == "1" and paper["Back"].startswith("3D 属性")
    assert paper["Context"] == ""            # the short name would give the title away
    sentence = note("9Hxdixed7p/sentence/3c6e8d90").fields
    assert sentence["Reverse"] == "" and bold("3D") in sentence["Front"] and bold("3D") in sentence["Back"]


def test_method_front_does_not_give_the_paper_away():
    f = note("PabAln0jjB/method/NS-DPO").fields
    assert f["Front"].startswith("Which paper proposes <b>NS-DPO</b>?") and f["Context"] == ""
    assert "Right Now" not in f["Front"]
    assert "\\(\\gamma \\in (0, 1)\\)" in f["Back"]
    assert f["Back"].startswith('<div class="pc-answer-paper">Right Now, Wrong Then: Non-Stationary')


def test_summary_names_the_paper_on_the_front():
    f = note("PabAln0jjB/summary/one-line").fields
    assert f["Front"] == "NS-DPO 一句话概括？" and f["Context"] == ""


def test_cloze_fields():
    n = note("9Hxdixed7p/cloze/0d9e4f11")
    assert n.model is notetypes.cloze_model()
    assert "{{c2::" + bold("参考策略") + "}}" in n.fields["Text"]
    assert n.fields["Extra"] == "温度 \\(\\beta\\)"


@pytest.mark.parametrize("item_id", ["PabAln0jjB/claim/empty", "PabAln0jjB/cloze/noblank"])
def test_empty_cards_are_skipped(item_id):
    with pytest.raises(SkipRecord):
        note(item_id)


def test_no_raw_markdown_in_any_field():
    for record in sample_records():
        try:
            n = render_record(record, PAPERS, DECK)
        except SkipRecord:
            continue
        for name, value in n.fields.items():
            assert "**" not in value, (record.item.id, name, value)
            assert not re.search(r"\$[^$]+\$", value), (record.item.id, name, value)
            assert not re.search(r"(^|>)\s*(\* |- |#{1,6} )", value), (record.item.id, name, value)


# ---------------------------------------------------------------- identity, tags, decks


def test_guid_from_item_id_only():
    r = by_id()["9Hxdixed7p/claim/5b1c0e2a"]
    before = render_record(r, PAPERS, DECK).guid
    r.item.fields["answer"] = "completely different text"
    r.item.tags.append("new")
    assert render_record(r, PAPERS, DECK).guid == before == genanki.guid_for(r.item.id)


def test_tags():
    records = by_id()
    tags = note_tags(records["term/DRO"], PAPERS)
    assert tags == ["DRO", "稳健_优化", "papercards::kind::term", "papercards::paper::3D-Properties",
                    "papercards::paper::NS-DPO"]
    assert "papercards::retired" in note_tags(records["9Hxdixed7p/claim/9f00aa01"], PAPERS)
    assert "papercards::suspended" in note_tags(records["PabAln0jjB/cloze/77aa0b3c"], PAPERS)


@pytest.mark.parametrize("raw, clean", [
    ("偏好 优化", "偏好_优化"),
    ("  非平稳性\u3000漂移 ", "非平稳性_漂移"),
    ("a::::b::", "a::b"),
    ("Fine-Tuning", "Fine-Tuning"),
    ('say "hi"', "say_hi"),
    ("  ", ""),
    ("tab\there", "tab_here"),
])
def test_sanitize_tag(raw, clean):
    assert sanitize_tag(raw) == clean


def test_empty_and_duplicate_tags_dropped():
    r = Record(Item("p/claim/x", "claim", {"question": "q?", "answer": "a"}, paper="p",
                    tags=["", "  ", "DPO", "dpo", "中文"]), modified=1)
    assert note_tags(r, {}) == ["DPO", "中文", "papercards::kind::claim", "papercards::paper::p"]


def test_decks():
    records = by_id()
    assert note_deck(records["9Hxdixed7p/claim/5b1c0e2a"], PAPERS, DECK) == f"{DECK}::3D-Properties"
    assert note_deck(records["PabAln0jjB/method/NS-DPO"], PAPERS, DECK) == f"{DECK}::NS-DPO"
    assert deck_id(f"{DECK}::NS-DPO") == deck_id(f"{DECK}::NS-DPO")
    assert deck_id("a") != deck_id("b")
    assert all((1 << 30) <= deck_id(name) < (1 << 31) for name in ("a", "b", "术语", DECK))


@pytest.mark.parametrize("href, ok", [
    ("https://openreview.net/forum?id=x", True),
    ("http://a.b/c.pdf", True),
    ("./papers/a.pdf", True),
    ("papers/a b.pdf", True),
    ("javascript:alert(1)", False),
    ("JavaScript:alert(1)", False),
    (" java\tscript:alert(1)", False),
    ("data:text/html,<b>", False),
    ("file:///etc/passwd", False),
    ("vbscript:x", False),
    ("C:\\papers\\a.pdf", False),
    ("http:no-host", False),
    ("", False),
    (None, False),
])
def test_safe_href(href, ok):
    assert (safe_href(href) is not None) == ok


def test_css_covers_phones_night_mode_and_cjk_fonts():
    css = notetypes.template_text("style.css")
    for font in ("Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC",
                 "Source Han Sans SC", "WenQuanYi Micro Hei"):
        assert f'"{font}"' in css, font
    for needle in ("overflow-wrap: anywhere", "word-wrap: break-word", "overflow-x: auto",
                   ".card.nightMode", ".nightMode .cloze", ".night_mode .cloze", ".cloze {",
                   "@media (max-width: 480px)", "mjx-container"):
        assert needle in css, needle
    assert css.count("{") == css.count("}")


def test_every_back_shows_paper_and_links():
    for name in ("term_back.html", "term_reverse_back.html", "qa_back.html", "qa_reverse_back.html",
                 "cloze_back.html"):
        html_ = notetypes.template_text(name)
        assert "{{Links}}" in html_ and ("{{Paper}}" in html_ or "{{Papers}}" in html_), name


def test_anki_imports_no_worker_code():
    """anki exposes pure per-record functions (`portable_note`) and plain functions over
    records (`note_faces(..., map_records=map)`); the build alone decides how to map them."""
    import ast
    from pathlib import Path

    import papercards.anki
    for path in sorted(Path(papercards.anki.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert "parallel" not in (node.module or ""), f"{path.name} imports {node.module}"


def test_note_faces_are_the_same_however_the_records_are_mapped():
    from papercards.anki import note_faces, portable_note
    calls = []

    def mapper(fn, records):
        calls.append(len(records))
        return [fn(r) for r in reversed(records)][::-1]

    by_map = note_faces(sample_records(), PAPERS, DECK)
    by_mapper = note_faces(sample_records(), PAPERS, DECK, map_records=mapper)
    assert by_map == by_mapper and calls == [len(sample_records())]
    model_id, note = portable_note(sample_records()[0], PAPERS, DECK)
    assert model_id is not None and note.model is None      # small to send between processes
