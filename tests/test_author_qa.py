"""The author's own Q&A pairs and glossary, in the shapes students write them (notes
written here, in the style of a student's one-paper note the extractor never saw):
``**Q:** …`` / ``**A:** …`` lines are Q&A cards, not clozes cut across their markers,
and ``## Glossary`` lines ``Term — meaning`` are term cards with their meaning."""

from __future__ import annotations

import re
import time

from anki_engine import import_apkg, open_collection, strip_html

from papercards.build import build
from papercards.config import load_config
from papercards.items.judge import MAX_ANSWER

NOTE = """# ORPO follow-up: Odds Ratio Preference Optimization (ORPO)

Hong, Lee, Thorne (KAIST), *ORPO: Monolithic Preference Optimization without Reference Model*, arXiv 2403.07691, 2024.

**Q:** What does ORPO remove from the usual pipeline?
**A:** The separate **reference model** and the SFT warm-up stage: one loss does both.

**Q**: How is the preference signal added?
**A**: An odds-ratio term is added to the NLL loss of the chosen response.

Q: Why odds and not probabilities?
A: The odds ratio penalises the rejected response mildly, so the model does not collapse. The authors compare it with a probability ratio and find the ratio too sharp. It needs **no reference model** at all. With Mistral-7B it reaches **12.2%** on AlpacaEval 2.0, above larger models. I still find the second half of the paper hard to follow.

Q1. Which models did they fine-tune?
Phi-2, Llama-2 and Mistral, up to 7B parameters.

**Q:** How does the loss weight the two parts?

**A:** The odds-ratio term is scaled by a weight λ, about 0.1 in the paper.

**Q:** Would I use ORPO for a chat model?
**A:** Probably, if memory is tight.

**Q:** Open question for me?
**A:** Does the odds ratio still help when the data is noisy?

## Glossary

- Odds — p / (1 − p): how much likelier an event is than not
- Odds ratio – the odds of the chosen response divided by those of the rejected one
- Process reward model (PRM) – scores each step of a response; ORPO trains without one
- **Monolithic training**: SFT and preference alignment in one stage, one loss
- Reference-free: needs no frozen copy of the starting model
"""

OTHER = """# 术语笔记：NLL 与监督微调

作者：某某, *A Note on Likelihood Training*, arXiv 2401.00001, 2024.

问：这篇笔记讲什么？
答：负对数似然训练在偏好对齐之前的作用。

## 术语

- 过程奖励模型 (PRM) – 给每一步打分的模型，用来代替人工逐条标注
- Odds ratio：两个几率之比，大于1说明前者更可能
"""


def build_notes(tmp_path, files: dict[str, str]):
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    for name, text in files.items():
        (root / "source" / name).write_text(text, encoding="utf-8")
    (root / "papercards.yaml").write_text("deck: Test\n", encoding="utf-8")
    result = build(load_config(root), now=1_800_000_000)
    return result, result.extraction.items


def fields_of(items, kind):
    return [i.fields for i in items if i.kind == kind]


def said(result) -> str:
    return "\n".join(str(d) for d in result.diagnostics)


def test_a_marked_question_and_answer_is_a_qa_card_naming_the_paper(tmp_path):
    result, items = build_notes(tmp_path, {"orpo.md": NOTE})
    qa = {f["question"]: f["answer"] for f in fields_of(items, "claim")}
    assert qa["What does ORPO remove from the usual pipeline?"] == \
        "The separate **reference model** and the SFT warm-up stage: one loss does both."
    assert qa["ORPO: How is the preference signal added?"] == \
        "An odds-ratio term is added to the NLL loss of the chosen response."       # **Q**: / **A**:
    assert qa["ORPO: Which models did they fine-tune?"] == \
        "Phi-2, Llama-2 and Mistral, up to 7B parameters."                          # Q1. with its answer unmarked
    assert qa["ORPO: How does the loss weight the two parts?"].startswith("The odds-ratio term is scaled")
    every = " ".join(v for i in items for v in i.fields.values())
    assert "**A" not in every and "**Q" not in every and not re.search(r"(?m)^\*\* ", every)
    assert not any(re.search(r"\bQ1?[.:]|\bA1?[.:]", t) for t in every.split("\n") if "[...]" in t)


def test_a_long_answer_is_its_first_sentence_then_clozes_under_the_question(tmp_path):
    result, items = build_notes(tmp_path, {"orpo.md": NOTE})
    front = "ORPO: Why odds and not probabilities?"
    qa = {f["question"]: f["answer"] for f in fields_of(items, "claim")}
    assert qa[front] == "The odds ratio penalises the rejected response mildly, so the model does not collapse."
    clozes = [f["text"] for f in fields_of(items, "cloze") if f["text"].startswith(front)]
    assert any("{{c1::no reference model}}" in t for t in clozes)
    assert any("{{c1::12.2%}}" in t for t in clozes)
    assert all(len(a) <= MAX_ANSWER for a in qa.values())
    assert "sentence(s) of the answer to 'Why odds and not probabilities?'" in said(result)


def test_list_pairs_wrapped_questions_and_a_label_that_asks_nothing(tmp_path):
    note = ("# BBO follow-up: Balanced Binary Optimization (BBO)\n\nA. B, *Balanced*, arXiv 2501.00003, 2025.\n\n"
            "- Q: What does BBO balance?\n  A: The weights of the thumbs-up and thumbs-down examples.\n"
            "- Q: Against what?\n  A: The share of each label in the data.\n\n"
            "Q: What is asked\nover two lines?\n\nA: The answer, in the next paragraph.\n\n"
            "问题：标签不平衡时 **重加权** 仍然稳定\n")
    _, items = build_notes(tmp_path, {"bbo.md": note})
    qa = {f["question"]: f["answer"] for f in fields_of(items, "claim")}
    assert qa == {"What does BBO balance?": "The weights of the thumbs-up and thumbs-down examples.",
                  "BBO: Against what?": "The share of each label in the data.",
                  "BBO: What is asked over two lines?": "The answer, in the next paragraph."}
    # "问题：" before a statement is a label, not a question: the prose rule cards it
    assert any("{{c1::重加权}}" in f["text"] and "仍然稳定" in f["text"] for f in fields_of(items, "cloze"))


def test_the_authors_own_question_is_reported_not_carded(tmp_path):
    result, items = build_notes(tmp_path, {"orpo.md": NOTE})
    fronts = " ".join(f["question"] for f in fields_of(items, "claim"))
    assert "Would I use" not in fronts and "Open question" not in fronts
    text = said(result)
    assert "'Would I use ORPO for a chat model?' is the author's own question" in text
    assert "'Open question for me?' is the author's own question" in text


def test_chinese_markers_and_a_glossary_of_chinese_terms(tmp_path):
    _, items = build_notes(tmp_path, {"orpo.md": NOTE, "nll.md": OTHER})
    qa = {f["question"]: f["answer"] for f in fields_of(items, "claim")}
    assert any(q.endswith("：这篇笔记讲什么？") and a.startswith("负对数似然训练") for q, a in qa.items())
    terms = {f["term"]: f for f in fields_of(items, "term")}
    assert terms["PRM"]["chinese"] == "过程奖励模型" and "用来代替人工逐条标注" in terms["PRM"]["note"]


def test_glossary_lines_are_term_cards_with_their_meaning(tmp_path):
    _, items = build_notes(tmp_path, {"orpo.md": NOTE, "nll.md": OTHER})
    terms = {f["term"]: f for f in fields_of(items, "term")}
    assert terms["Odds"]["note"] == "p / (1 − p): how much likelier an event is than not"
    assert terms["Monolithic training"]["note"] == "SFT and preference alignment in one stage, one loss"
    assert terms["Reference-free"]["note"].startswith("needs no frozen copy")
    # a term both papers define is one card for both, with both meanings
    odds_ratio = next(i for i in items if i.kind == "term" and i.fields["term"] == "Odds ratio")
    assert len(odds_ratio.papers) == 2
    assert "divided by" in odds_ratio.fields["note"] and "两个几率之比" in odds_ratio.fields["note"]
    prm = next(i for i in items if i.kind == "term" and i.fields["term"] == "PRM")
    assert (prm.fields["english"], prm.fields["chinese"], len(prm.papers)) == ("Process reward model", "过程奖励模型", 2)
    assert "scores each step" in prm.fields["note"] and "给每一步打分的模型" in prm.fields["note"]
    # the glossary is no cloze nor enumeration
    assert not any("Glossary" in f["text"] or "Odds —" in f["text"] for f in fields_of(items, "cloze"))


def test_a_keyword_with_a_remark_is_still_no_glossary_card(tmp_path):
    """Only the author's glossary says what a one-name term means: a keyword's remark is an aside."""
    note = NOTE.replace("## Glossary", "## Keywords\n\n- Rainbow: 名字来自一个老算法\n\n## Glossary")
    _, items = build_notes(tmp_path, {"orpo.md": note})
    assert "Rainbow" not in {f["term"] for f in fields_of(items, "term")}


def test_hostile_pairs(tmp_path):
    long_answer = "The odds ratio is bounded. " + " ".join(
        f"Step {n} adds **term {n}** to the loss, which is {n}% of the total." for n in range(1, 80))
    assert len(long_answer) > 5000
    note = ("# Hostile: Odds and Ends (HOE)\n\nA. Author, *Odds and Ends*, arXiv 2501.00002, 2025.\n\n"
            "**Q:** What has no answer?\n\n"
            "Some prose in between, with **bold** words.\n\n"
            "**Q:**\n**A:** An answer with no question.\n\n"
            "**Q:** What is typed as a blank?\n**A:** The {{c1::odds ratio}} term, typed by hand.\n\n"
            f"**Q:** What is very long?\n**A:** {long_answer}\n")
    start = time.perf_counter()
    result, items = build_notes(tmp_path, {"hostile.md": note})
    assert time.perf_counter() - start < 30
    text = said(result)
    assert "'What has no answer?' is a question with no answer: not carded" in text
    assert "hostile.md:9: a question marker (Q:, 问：) with no question after it: not carded" in text
    qa = {f["question"]: f["answer"] for f in fields_of(items, "claim")}
    assert qa["Hostile: What is typed as a blank?"] == "The **odds ratio** term, typed by hand."
    assert qa["Hostile: What is very long?"] == "The odds ratio is bounded."
    long_clozes = [f["text"] for f in fields_of(items, "cloze") if f["text"].startswith("Hostile: What is very long?")]
    assert len(long_clozes) > 20
    for t in long_clozes:
        assert t.count("{{c") == t.count("}}") and "{{c1::{{" not in t
    assert all(len(a) <= MAX_ANSWER for a in qa.values())
    assert not any("What has no answer" in v for i in items for v in i.fields.values())
    # the prose after the unanswered question is its own paragraph, carded by the prose rule
    assert any("{{c1::bold}}" in f["text"] for f in fields_of(items, "cloze"))


def test_many_papers_per_file_reads_them_too(tmp_path):
    notes = ("# 笔记\n\n## 1. ORPO: Monolithic Preference Optimization without Reference Model\n"
             "ORPO：无参考模型的单体偏好优化\n### 关键字\n* odds ratio 几率比\n### 主要内容\n"
             "**Q:** ORPO 去掉了什么？\n**A:** 参考模型和单独的SFT阶段。\n\n"
             "#### 方法\n* 在NLL损失上加一个几率比项\n"
             "### 文章链接\n* <a href=\"https://openreview.net/forum?id=orpo0001x\">OpenReview</a>\n"
             "### 摘要\nWe propose ORPO.\n")
    _, items = build_notes(tmp_path, {"notes.md": notes})
    qa = {f["question"]: f["answer"] for f in fields_of(items, "claim")}
    assert qa.get("ORPO 去掉了什么？") == "参考模型和单独的SFT阶段。"
    assert not any("**Q" in v or "**A" in v for i in items for v in i.fields.values())


def test_the_deck_in_the_real_anki_engine(tmp_path):
    """As the learner sees it: a Q&A card asks the author's question, a glossary term
    shows its meaning, and no card shows a Q/A marker or a stray ``**``."""
    result, _ = build_notes(tmp_path, {"orpo.md": NOTE, "nll.md": OTHER})
    col = open_collection(tmp_path)
    try:
        import_apkg(col, result.deck_path)
        cards = [col.get_card(i) for i in col.find_cards("")]
        shown = [(c.note().note_type()["name"], strip_html(c.question()), strip_html(c.answer())) for c in cards]
    finally:
        col.close()
    qa = {front: back for kind, front, back in shown if "Q&A" in kind}
    assert any(f.endswith("ORPO: How is the preference signal added?") and
               "odds-ratio term is added to the NLL loss" in b for f, b in qa.items())
    terms = [(f, b) for kind, f, b in shown if "Term" in kind]
    assert any(f.endswith("Odds") and "how much likelier an event is than not" in b for f, b in terms)
    for _, front, back in shown:
        assert "**" not in front + back
        assert not re.search(r"(?m)^\s*(?:Q|A|问|答)\s*\d*\s*[:：.]", front)


def test_a_question_leaning_on_the_one_before_or_asking_a_glossary_term_is_not_carded_again(tmp_path):
    note = ("# BCO follow-up\n\nJung et al., arXiv 2404.04656.\n\n"
            "**Q:** What problem does BCO solve?\n**A:** Aligning an LLM from **binary** feedback.\n\n"
            "**Q:** How did KTO handle it?\n**A:** With a prospect-theory value function.\n\n"
            "**Q:** What is the reward shift?\n**A:** A constant subtracted from the implicit reward.\n\n"
            "## Glossary\n\n- Reward shift (δ) — constant subtracted from the implicit reward to tighten the bound\n")
    result, items = build_notes(tmp_path, {"bco.md": note})
    questions = [f["question"] for f in fields_of(items, "claim")]
    assert not any("handle it" in q or "reward shift" in q for q in questions), questions
    assert "leans on the question before it" in said(result) and "carded once, there" in said(result)
