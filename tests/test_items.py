"""Each extractor on the real shipped notes: named papers, expected items."""

from __future__ import annotations

import re

import pytest

from papercards.config import Config
from papercards.items import extract
from papercards.items.terms import long_form, parse_keyword
from papercards.notes import parse_notes
from papercards.text import Segmenter, cloze_answers


@pytest.fixture(scope="module")
def extraction(shipped_text):
    notes = parse_notes(shipped_text, "source/iclr2025-dpo.md", Config())
    return extract([notes], Config())


@pytest.fixture(scope="module")
def by_id(extraction):
    return {i.id: i for i in extraction.items}


def items_of(extraction, kind, paper=None):
    return [i for i in extraction.items if i.kind == kind and (paper is None or i.paper == paper)]


# --------------------------------------------------------------------------- terms

@pytest.mark.parametrize("text,expected", [
    ("DPO (直接偏好优化 Direct Preference Optimization)", ("DPO", "Direct Preference Optimization", "直接偏好优化", "")),
    ("non-stationarity 非平稳性", ("", "non-stationarity", "非平稳性", "")),
    ("multi-armed bandit多臂老虎机(MAB问题是一个exploration vs. exploitation优化问题)",
     ("MAB", "multi-armed bandit", "多臂老虎机", "MAB问题是一个exploration vs. exploitation优化问题")),
    ("RLHF (Reinforcement Learning from Human Feedback)", ("RLHF", "Reinforcement Learning from Human Feedback", "", "")),
    ("Fine-Tuning", ("Fine-Tuning", "", "", "")),
    ("LLM (DPO主要用于大模型微调)", ("LLM", "", "", "DPO主要用于大模型微调")),
    ("直接偏好优化 (DPO)", ("DPO", "", "直接偏好优化", "")),
])
def test_keyword_shapes(text, expected):
    (cand,) = parse_keyword(text)
    assert (cand.abbr, cand.english, cand.chinese, cand.note) == expected


def test_comma_list_keyword_is_split():
    cands = parse_keyword("RLHF, PPO, DPO, KTO(Knowledge Transfer Optimization)")
    assert [c.label for c in cands] == ["RLHF", "PPO", "DPO", "KTO"]
    assert cands[3].english == "Knowledge Transfer Optimization" and cands[3].is_card
    assert not cands[0].is_card                       # bare: a tag, not a card


def test_long_form_by_initials_and_schwartz_hearst():
    assert long_form("PPO", "with Proximal Policy Optimization") == "Proximal Policy Optimization"
    assert long_form("NS-DPO", "and propose Non-Stationary Direct Preference Optimisation") == \
        "Non-Stationary Direct Preference Optimisation"
    assert long_form("Dr. DPO", "we introduce Distributionally Robustifying DPO") == "Distributionally Robustifying DPO"
    assert long_form("DPO", "直接偏好优化") is None


def test_one_glossary_entry_per_term_listing_its_papers(extraction, by_id):
    dpo = by_id["term/DPO"]
    assert dpo.fields == {"term": "DPO", "english": "Direct Preference Optimization", "chinese": "直接偏好优化",
                          "note": ""}
    assert len(dpo.papers) == 7
    assert sum(1 for i in extraction.items if i.kind == "term" and i.fields["term"] == "DPO") == 1


def test_remark_is_a_note_never_a_translation(by_id):
    llm = by_id["term/LLM"]
    assert llm.fields["chinese"] == "" and llm.fields["note"] == "DPO主要用于大模型微调"
    assert "DPO主要用于大模型微调" not in (llm.fields["english"], llm.fields["chinese"])


def test_terms_from_abstracts_get_their_chinese_name(by_id):
    assert by_id["term/RLHF"].fields["chinese"] == "来自人类反馈的强化学习"
    assert by_id["term/PPO"].fields["english"] == "Proximal Policy Optimization"
    assert by_id["term/PPO"].fields["chinese"] == "近端策略优化"
    assert by_id["term/NS-DPO"].fields["chinese"] == "非平稳直接偏好优化"
    assert by_id["term/DRO"].fields["chinese"] == "分布稳健优化"
    assert by_id["term/MAB"].fields["english"] == "multi-armed bandit"


def test_bare_keywords_are_tags_not_cards(extraction):
    labels = {i.fields["term"] for i in items_of(extraction, "term")}
    assert "Fine-Tuning" not in labels and "Diffusion Models" not in labels
    paper2 = extraction.papers["PabAln0jjB"]
    assert "Fine-Tuning" in paper2.tags and "non-stationarity" in paper2.tags


# --------------------------------------------------------------------------- definitions

def test_inline_definitions(extraction):
    defs = {i.fields["term"]: i.fields["definition"] for i in items_of(extraction, "definition")}
    assert defs["COV"] == "Corruption, Overoptimization & Verbosity"
    assert defs["logit混合"].startswith("一种集成方法，通过将多个模型的输出进行加权组合")
    assert defs["逐点噪声 (pointwise noise)"] == "包括低质量数据点"


# --------------------------------------------------------------------------- claims

def test_subheading_becomes_question_with_its_bullet(extraction):
    claims = {i.fields["question"]: i for i in items_of(extraction, "claim", "9Hxdixed7p")}
    assert claims["DPO不稳定的来源？"].fields["answer"] == "- 选择和拒绝响应的梯度之间的相互作用会导致不稳定"
    assert claims["DPO不稳定的来源？"].source == "source/iclr2025-dpo.md:17"
    three = claims["DPO三个关键属性(3D)？"].fields["answer"].splitlines()
    assert len(three) == 3 and three[1] == "- **D**egradation into response suppression 降级为响应抑制"


def test_numbered_list_kept_and_consumed_lines_not_repeated(extraction):
    una = {i.fields["question"]: i.fields["answer"] for i in items_of(extraction, "claim", "ZSbsX1sFo3")}
    assert una["UNA效果？"].splitlines()[2].startswith("3. 适用不同的反馈类型")
    cov = [i.fields["question"] for i in items_of(extraction, "claim", "K2OWrXUVby")]
    assert not any("提出RLHF-COV" in q for q in cov)   # its only line became the COV definition


def test_no_claim_from_placeholder_empty_or_textless_headings(extraction):
    questions = [i.fields["question"] for i in items_of(extraction, "claim")]
    assert "？" not in questions and not any("占位" in q for q in questions)
    assert not any("探索采样器对DPO收敛率的影响" in q for q in questions)


# --------------------------------------------------------------------------- paper facts

def test_title_pairs_and_methods(extraction, by_id):
    assert len(items_of(extraction, "paper")) == 7
    assert by_id["PabAln0jjB/paper/title"].fields["chinese"] == "偏好漂移下的非平稳直接偏好优化"
    methods = {i.fields["method"]: i for i in items_of(extraction, "method")}
    assert set(methods) == {"NS-DPO", "Dr. DPO", "UNA", "RLHF-COV / DPO-COV"}
    assert methods["NS-DPO"].paper == "PabAln0jjB"
    assert methods["NS-DPO"].fields["description"].startswith("Non-Stationary Direct Preference Optimisation")
    assert methods["Dr. DPO"].paper == "CbfsKHiWEn"
    shorts = {k: p.short for k, p in extraction.papers.items()}
    assert shorts["PabAln0jjB"] == "NS-DPO" and shorts["9Hxdixed7p"] == "3D-Properties"


def test_one_line_summary_and_links(extraction, by_id):
    s = by_id["PabAln0jjB/summary/one-line"]
    assert s.fields["summary"].startswith("address the non-stationarity preference drift")
    p = extraction.papers["9Hxdixed7p"]
    assert p.pdf == "./papers/5344_3D_Properties_Identifying.pdf"
    assert p.openreview == "https://openreview.net/forum?id=9Hxdixed7p"


# --------------------------------------------------------------------------- abstract sentences

def test_contribution_sentences_are_aligned_pairs(extraction):
    sentences = {i.fields["english"]: i.fields["chinese"] for i in items_of(extraction, "sentence")}
    ns = next(zh for en, zh in sentences.items() if en.startswith("To address this limitation"))
    assert "提出了非平稳直接偏好优化 （NS-DPO）" in ns
    dr = next(zh for en, zh in sentences.items() if "(Dr. DPO)" in en)
    assert dr.startswith("扩展此框架，我们引入了分布稳健性 DPO")
    for en, zh in sentences.items():       # never a whole abstract on one card
        assert len(en) <= 300 and zh.count("。") <= 1


# --------------------------------------------------------------------------- clozes

def test_cloze_on_the_authors_bold_word(extraction):
    clozes = [i.fields["text"] for i in items_of(extraction, "cloze", "F6z3utfcYw")]
    assert any(t.startswith("文章提出的{{c1::在线采样器}}") for t in clozes)


def test_every_cloze_blank_falls_on_jieba_word_boundaries(extraction):
    seg = Segmenter()
    for item in items_of(extraction, "cloze"):
        text = item.fields["text"]
        plain = re.sub(r"\{\{c\d+::(.*?)\}\}", r"\1", text)
        cuts, pos = set(), 0
        for tok in seg.cut(plain):
            cuts.add(pos)
            pos += len(tok)
        cuts.add(pos)
        offset = 0
        for m in re.finditer(r"\{\{c\d+::(.*?)\}\}", text):
            start = m.start() - offset
            assert start in cuts and start + len(m.group(1)) in cuts, text
            offset += len(m.group(0)) - len(m.group(1))
        assert cloze_answers(text)


def test_no_item_from_placeholders_and_ids_unique(extraction):
    ids = [i.id for i in extraction.items]
    assert len(ids) == len(set(ids))
    assert not any("占位" in str(i.fields) for i in extraction.items)


def test_a_method_stays_its_papers_when_later_papers_cite_it(shipped_text):
    """A paper added weeks later lists NS-DPO and 偏好偏移 in its keywords: NS-DPO is still
    paper 2's method (same short name, same deck) and its cloze keeps its blank."""
    later = shipped_text.replace("## 占位\n### 关键字\n", "## 8. A Follow-up on Drift\n追踪漂移\n### 关键字\n"
                                 "* NS-DPO\n* preference drift 偏好偏移\n", 1)
    before = extract([parse_notes(shipped_text, "s.md", Config())], Config())
    after = extract([parse_notes(later, "s.md", Config())], Config())
    assert after.papers["PabAln0jjB"].short == before.papers["PabAln0jjB"].short == "NS-DPO"
    ids = lambda ex: {i.id for i in ex.items if i.paper == "PabAln0jjB"}   # noqa: E731
    assert ids(before) <= ids(after)


def test_anki_cloze_typed_in_the_notes_is_a_word_to_blank_never_a_nested_blank():
    """`{{c1::模板}}` typed in a bullet marks a word (like **bold**); a new blank never wraps
    it (that made `{{c1::{{c2::模板}}}}`), and an unwrapped blank keeps its answer, not
    its hint (`{{c2::hint::提示}}` came out as the text "hint::提示")."""
    from pathlib import Path

    from papercards.items.extractors.cloze import keep_good_blanks
    assert keep_good_blanks("用 {{c1::模板}} 和 {{c2::hint::提示}} 收敛", {"hint"}) == "用 模板 和 {{c1::hint::提示}} 收敛"
    notes = parse_notes((Path(__file__).parent / "data" / "bad" / "notes" / "cloze-braces.md").read_text(
        encoding="utf-8"), "source/cloze-braces.md", Config())
    clozes = [i.fields["text"] for i in extract([notes], Config()).items if i.kind == "cloze"]
    texts = [t for t in clozes if "采样器" in t]
    assert texts, clozes
    for text in texts:
        assert "{{c1::{{" not in text and "::提示" not in text and "hint::" not in text
        assert re.fullmatch(r"[^{}]*(\{\{c\d+::[^{}:]+\}\}[^{}]*)+", text), text
