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


@pytest.fixture(scope="module")
def unknowing(shipped_text):
    """The shipped notes' items with no known terms, as for a student new to the field: the
    basics (LLM, DPO in all seven papers, RLHF and PPO named in the abstracts) get cards too."""
    config = Config()
    config.glossary.known_terms = []
    extraction = extract([parse_notes(shipped_text, "source/iclr2025-dpo.md", config)], config)
    return extraction, {i.id: i for i in extraction.items}


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
    # what follows a colon is a remark on the term, whole (it was split at its comma into a second "term")
    ("critic model 价值模型: GRPO直接不要了，用组内平均当baseline",
     ("", "critic model", "价值模型", "GRPO直接不要了，用组内平均当baseline")),
    # a description of what the name is, then a remark: no translation
    ("Smaug (模型名字，《霍比特人》里那条龙)", ("", "Smaug", "", "模型名字，《霍比特人》里那条龙")),
])
def test_keyword_shapes(text, expected):
    (cand,) = parse_keyword(text)
    assert (cand.abbr, cand.english, cand.chinese, cand.note) == expected


def test_comma_list_keyword_is_split():
    cands = parse_keyword("RLHF, PPO, DPO, KTO(Knowledge Transfer Optimization)")
    assert [c.label for c in cands] == ["RLHF", "PPO", "DPO", "KTO"]
    assert cands[3].english == "Knowledge Transfer Optimization" and cands[3].is_card
    assert not cands[0].is_card                       # bare: a tag, not a card


def test_two_terms_written_with_slashes_are_two_terms():
    cands = parse_keyword("off-policy / on-policy 离策略 / 在策略")
    assert [(c.english, c.chinese, c.note) for c in cands] == [("off-policy", "离策略", ""), ("on-policy", "在策略", "")]


def test_a_chinese_name_cut_at_a_letter_is_no_name():
    from papercards.items.terms import trim_chinese_name
    assert trim_chinese_name(["（", "a", "）", " ", "最佳", " ", "n", " ", "采样", " "], "best-of-n sampling") == ("", False)
    assert trim_chinese_name(["使用", "近端", "策略", "优化", " "], "proximal policy optimization")[0] == "近端策略优化"


def test_long_form_by_initials_and_schwartz_hearst():
    assert long_form("PPO", "with Proximal Policy Optimization") == "Proximal Policy Optimization"
    assert long_form("NS-DPO", "and propose Non-Stationary Direct Preference Optimisation") == \
        "Non-Stationary Direct Preference Optimisation"
    assert long_form("Dr. DPO", "we introduce Distributionally Robustifying DPO") == "Distributionally Robustifying DPO"
    assert long_form("DPO", "直接偏好优化") is None


def test_one_glossary_entry_per_term_listing_its_papers(unknowing):
    extraction, by_id = unknowing           # only DPO, a known term, is in all seven papers
    dpo = by_id["term/DPO"]
    assert dpo.fields == {"term": "DPO", "english": "Direct Preference Optimization", "chinese": "直接偏好优化",
                          "note": ""}
    assert len(dpo.papers) == 7
    assert sum(1 for i in extraction.items if i.kind == "term" and i.fields["term"] == "DPO") == 1


def test_remark_is_a_note_never_a_translation(by_id, unknowing):
    assert "term/LLM" not in by_id                      # a term everybody in the field knows: no card
    llm = unknowing[1]["term/LLM"]
    assert llm.fields["chinese"] == "" and llm.fields["note"] == "DPO主要用于大模型微调"
    assert "DPO主要用于大模型微调" not in (llm.fields["english"], llm.fields["chinese"])


def test_terms_from_abstracts_get_their_chinese_name(by_id, unknowing):
    known = unknowing[1]                    # RLHF and PPO, bare keywords named in the abstracts, are known terms
    assert known["term/RLHF"].fields["chinese"] == "来自人类反馈的强化学习"
    assert known["term/PPO"].fields["english"] == "Proximal Policy Optimization"
    assert known["term/PPO"].fields["chinese"] == "近端策略优化"
    assert not {"term/DPO", "term/RLHF", "term/PPO"} & set(by_id)     # known by default: no card
    assert "term/NS-DPO" not in by_id       # the paper's own method: its card answers with the expansion
    assert by_id["PabAln0jjB/method/ns-dpo"].fields["description"].endswith("（非平稳直接偏好优化）")
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

def test_subheading_becomes_question_naming_its_paper(extraction):
    claims = {i.fields["question"]: i for i in items_of(extraction, "claim", "9Hxdixed7p")}
    claim = claims["3D-Properties：DPO不稳定的来源？"]
    assert claim.fields["answer"] == "选择和拒绝响应的梯度之间的相互作用会导致不稳定"
    assert claim.source == "source/iclr2025-dpo.md:17"


def test_the_3d_properties_are_an_enumeration(extraction):
    """One cloze note, a blank per property (the word the author bolded), the
    translations off the front (they would give the answer away) and under the answer."""
    (enum,) = [i for i in items_of(extraction, "cloze", "9Hxdixed7p") if "三个关键属性" in i.fields["text"]]
    assert cloze_answers(enum.fields["text"]) == {1: ["Drastic"], 2: ["Degradation"], 3: ["Dispersion"]}
    assert enum.fields["text"].startswith("3D-Properties：DPO三个关键属性(3D)？")
    assert "降级为响应抑制" not in enum.fields["text"] and "降级为响应抑制" in enum.fields["hint"]


def test_generic_headings_name_the_paper(extraction):
    questions = {i.fields["question"] for i in items_of(extraction, "claim", "PabAln0jjB")}
    assert "NS-DPO：RLHF存在的问题？" in questions
    # a generic heading asks what its sentence brings in, under a lead naming the paper
    (detail,) = [i for i in items_of(extraction, "cloze", "PabAln0jjB") if "技术细节" in i.fields["text"]]
    assert detail.fields["text"].startswith("NS-DPO 的技术细节：在损失函数中引入{{c1::discount参数}}")
    # a generic heading's paragraph with a key word asks that word, the question as its lead
    solved = next(i for i in items_of(extraction, "cloze", "PabAln0jjB") if "如何解决" in i.fields["text"])
    assert solved.fields["text"].startswith("NS-DPO 如何解决问题：使用动态的{{c1::Bradley-Terry}}模型")
    # "这个工作做了什么" lists four plain activities with no term in them: nothing to ask,
    # each reported where it stands rather than blanked whole
    assert not [i for i in items_of(extraction, "cloze", "9Hxdixed7p") if "做了什么" in i.fields["text"]]
    assert any(d.line == 21 and d.level == "note" for d in extraction.diagnostics)


def test_sentences_of_a_list_are_cards_of_their_own(extraction):
    """UNA效果 lists three sentences: three facts, not one note showing all three; an item
    with nothing worth a blank is reported where it stands, not carded whole."""
    una = [i.fields["text"] for i in items_of(extraction, "cloze", "ZSbsX1sFo3") if i.fields["text"].startswith("UNA效果")]
    # (the notes' typing slips DPo, 隐形, 显示 are corrected on the card: items.typos)
    assert una == ["UNA效果：将RLHF/PPO, DPO, {{c1::KTO}}统一为一种监督学习，以最小化隐性奖励(implicit reward)"
                   "和显式奖励(explicit reward)之间的差异"]
    assert any(d.level == "note" and "适用不同的反馈类型" in d.message for d in extraction.diagnostics)
    cov = [i.fields["question"] for i in items_of(extraction, "claim", "K2OWrXUVby")]
    assert not any("提出RLHF-COV" in q for q in cov)   # its only line became the COV definition


def test_short_phrases_stay_one_enumeration(extraction):
    (conv,) = [i.fields["text"] for i in items_of(extraction, "cloze", "F6z3utfcYw") if "均匀采样" in i.fields["text"]]
    assert conv.splitlines()[1:] == ["- 均匀采样实现{{c1::线性收敛}}", "- 文章提出的**在线采样器**实现{{c2::二次收敛}}"]


def test_no_claim_from_placeholder_empty_or_textless_headings(extraction):
    questions = [i.fields["question"] for i in items_of(extraction, "claim")]
    assert "？" not in questions and not any("占位" in q for q in questions)
    assert "？" not in questions and not any(q.startswith("占位") for q in questions)


def test_a_heading_that_states_a_finding_is_a_card(extraction):
    claims = {i.fields["question"]: i.fields["answer"] for i in items_of(extraction, "claim", "F6z3utfcYw")}
    # "探索采样器对DPO收敛率的影响": what is affected is asked, the cause (which the short
    # name already says) is shown
    assert claims["Crucial Role of Samplers 探索了采样器对什么的影响？"] == "DPO收敛率"


# --------------------------------------------------------------------------- paper facts

def test_no_translation_only_cards_by_default(extraction, shipped_text):
    assert not items_of(extraction, "paper") and not items_of(extraction, "sentence")
    config = Config()
    config.cards["paper"] = True
    titles = {i.id: i for i in extract([parse_notes(shipped_text, "s.md", config)], config).items}
    assert titles["PabAln0jjB/paper/title"].fields["chinese"] == "偏好漂移下的非平稳直接偏好优化"


def test_which_paper_proposes_only_its_own_methods(extraction):
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

def test_contribution_sentences_are_clozes_with_their_translation(extraction):
    """A contribution sentence asks for its number or specific term; the translation is
    under the answer. The sampler results lost their numbers in the English ("a %
    improvement"): they are put back from the Chinese, so the card keeps the English
    terms (on-policy DPO) that the machine translation garbles (政策 DPO)."""
    clozes = [i.fields for i in items_of(extraction, "cloze", "F6z3utfcYw")]
    numbers = next(f for f in clozes if "Safe-RLHF" in f["text"])
    assert numbers["text"].endswith("On Safe-RLHF dataset, our method exhibits a {{c1::4.5%}} improvement over "
                                    "vanilla DPO and a {{c2::3.0%}} improvement over on-policy DPO")
    assert "政策" not in numbers["text"] and numbers["hint"].startswith("在 Safe-RLHF 数据集上")
    assert "迭代提示" not in numbers["hint"]          # the back translates the clause asked, not the next one
    dr = [f for f in items_of(extraction, "cloze", "CbfsKHiWEn")]
    assert not any("Extending this framework" in f.fields["text"] for f in dr)     # a dangling referent
    assert not any("We categorize noise" in f.fields["text"] for f in dr)         # the notes card it already


def test_contribution_sentence_pairs_when_asked(shipped_text):
    config = Config()
    config.cards["sentence"] = True
    extraction = extract([parse_notes(shipped_text, "s.md", config)], config)
    sentences = {i.fields["english"]: i.fields["chinese"] for i in items_of(extraction, "sentence")}
    ns = next(zh for en, zh in sentences.items() if en.startswith("To address this limitation"))
    assert "提出了非平稳直接偏好优化 （NS-DPO）" in ns
    dr = next(zh for en, zh in sentences.items() if "(Dr. DPO)" in en)
    assert dr.startswith("扩展此框架，我们引入了分布稳健性 DPO")
    for en, zh in sentences.items():       # never a whole abstract on one card
        assert len(en) <= 300 and zh.count("。") <= 1


# --------------------------------------------------------------------------- clozes

def test_the_sampler_result_is_a_cloze_on_quadratic_convergence(extraction):
    clozes = [i.fields["text"] for i in items_of(extraction, "cloze", "F6z3utfcYw")]
    (sampler,) = [t for t in clozes if "文章提出的" in t]
    assert "文章提出的**在线采样器**实现{{c2::二次收敛}}" in sampler
    assert "均匀采样实现{{c1::线性收敛}}" in sampler


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
    # only "Which paper proposes NS-DPO?" goes: another paper lists NS-DPO as a keyword, so
    # the notes no longer tell which one proposes it
    assert ids(before) - ids(after) == {"PabAln0jjB/method/ns-dpo"}


def test_anki_cloze_typed_in_the_notes_is_a_word_to_blank_never_a_nested_blank():
    """`{{c1::模板}}` typed in a bullet marks a word (like **bold**); a new blank never wraps
    it (that made `{{c1::{{c2::模板}}}}`), and an unwrapped blank keeps its answer, not
    its hint (`{{c2::hint::提示}}` came out as the text "hint::提示")."""
    from pathlib import Path

    from papercards.items.extractors.cloze import keep_good_blanks
    assert keep_good_blanks("用 {{c1::模板}} 里的 {{c2::HintNet::提示}} 收敛", {"HintNet"}) == \
        "用 模板 里的 {{c1::HintNet::提示}} 收敛"
    # one name of a list ("模板和HintNet") is no blank: any name of the list fits the gap
    assert keep_good_blanks("用 {{c1::模板}} 和 {{c2::HintNet}} 收敛", {"HintNet"}) is None
    notes = parse_notes((Path(__file__).parent / "data" / "bad" / "notes" / "cloze-braces.md").read_text(
        encoding="utf-8"), "source/cloze-braces.md", Config())
    items = extract([notes], Config()).items
    texts = [t for i in items for t in i.fields.values() if "采样器" in t]
    assert texts, items
    for text in texts:
        assert "{{c1::{{" not in text and "::提示" not in text and "hint::" not in text
    # the bullet of stray braces is shown as typed, never inside a blank
    for item in items:
        for answer in re.findall(r"\{\{c\d+::(.*?)\}\}", item.fields.get("text", "")):
            assert "{" not in answer and "}" not in answer


def test_a_result_line_asks_its_number_not_its_benchmark():
    """"AlpacaEval 2 上比DPO最多高6.4分": the finding is the number; the benchmark's name is the cue."""
    notes = ("## 1. SimPO: Simple Preference Optimization\nSimPO：简单偏好优化\n### 关键字\n* DPO\n"
             "### 主要内容\n#### 作用效果\n* AlpacaEval 2 上比DPO最多高6.4分\n* Arena-Hard 胜率 59.1%\n")
    items = extract([parse_notes(notes, "s.md", Config())], Config()).items
    (enum,) = [i for i in items if i.kind == "cloze"]
    assert cloze_answers(enum.fields["text"]) == {1: ["6.4分"], 2: ["59.1%"]}


def test_a_limitation_is_what_comes_after_but(extraction):
    """Under 局限性, "DPO提出…从而简化RLHF的训练过程，但是不能充分利用模型…" asks the flaw,
    not what DPO does."""
    claims = {i.fields["question"]: i.fields["answer"] for i in items_of(extraction, "claim", "ZSbsX1sFo3")}
    assert claims["UNA：各种alignment技术的局限性 — DPO？"] == "不能充分利用模型，且仅限于成对偏好数据"
