"""Card rules on notes written for these tests (papers the extractor was never tuned on,
in the shipped notes' style): a heading that states a finding, a name every paper uses,
an acronym its expansion only spells out, a blank glossed right beside it, a generic
heading, and one fact never carded twice."""

from __future__ import annotations

import re

from papercards.build import build
from papercards.config import load_config
from papercards.text import CLOZE_BLANK

PAPER = """## {n}. {title}
{zh}
### 关键字
{keywords}
### 主要内容
{body}
### 文章链接
* <a href="https://openreview.net/forum?id={forum}">OpenReview</a>
### 摘要
{abstract}
"""


def paper(n, short, title, zh, body, *, keywords="* preference optimization 偏好优化", abstract=""):
    return PAPER.format(n=n, title=f"{short}: {title}", zh=zh, keywords=keywords, body=body,
                        forum=f"forum{n:04d}x", abstract=abstract or f"We study {short}.")


FILLER = ["#### 方法\n* 奖励用Plackett-Luce模型建模，对每个列表打分",
          "#### 方法\n* 沿用Plackett-Luce排序模型，再加一个长度惩罚项",
          "#### 方法\n* 把Plackett-Luce模型换成成对的比较"]


def notes(*papers: str) -> str:
    return "# 笔记\n\n" + "\n".join(papers)


def items_of(tmp_path, text):
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    (root / "source" / "notes.md").write_text(text, encoding="utf-8")
    (root / "papercards.yaml").write_text("deck: Test\n", encoding="utf-8")
    result = build(load_config(root), now=1_800_000_000)
    return result, result.extraction.items


def others(k=3):
    return [paper(10 + i, f"Other{i}PO", f"Another Ranking Method {i}", f"另一个排序方法{i}", FILLER[i % 3])
            for i in range(k)]


def texts(items, kind="cloze"):
    return [i.fields.get("text", "") for i in items if i.kind == kind]


def answers(cloze_text):
    return [m.group(2) for m in CLOZE_BLANK.finditer(cloze_text)]


def abstract_carded(root, short, title, zh, body, abstract, marker, keywords="* preference optimization 偏好优化"):
    """Whether the abstract sentence holding ``marker`` is carded beside the notes ``body``."""
    _, items = items_of(root, notes(paper(1, short, title, zh, body, keywords=keywords, abstract=abstract),
                                    *others()))
    return any(marker in t for t in texts(items))


def test_a_heading_that_states_a_finding_is_a_card(tmp_path):
    body = ("#### 训练越久，被拒绝回答的长度反而越来越长\n"
            "#### 只用12%的标注数据就能追平全量训练\n"
            "#### 实验设置\n")
    result, items = items_of(tmp_path, notes(paper(1, "LenPO", "Length Drift in Preference Training",
                                                   "偏好训练中的长度漂移", body), *others()))
    clozes = [t for t in texts(items) if "12%" in t or "12%" in "".join(answers(t))]
    assert clozes and all(t.startswith("LenPO：") for t in clozes)
    assert "12%" in answers(clozes[0])
    said = " ".join(str(d) for d in result.diagnostics)
    # the finding with no word worth a blank is reported as a cue, not as an empty heading
    assert "训练越久" in said and "states a finding" in said
    assert "no content" not in said.split("训练越久")[1][:80]


def test_a_name_most_papers_use_is_no_blank_when_the_sentence_names_what_it_brings(tmp_path):
    body = "#### 方法\n* 仍然基于Plackett-Luce模型，但引入了自适应温度参数"
    _, items = items_of(tmp_path, notes(paper(1, "AnnealPO", "Annealed Listwise Preference Optimization",
                                              "退火的列表偏好优化", body), *others()))
    mine = [t for t in texts(items) if "温度参数" in t and "Plackett" in t]
    assert mine and all(answers(t) == ["自适应温度参数"] for t in mine), mine


def test_a_name_most_papers_use_is_still_asked_when_it_is_all_the_sentence_has(tmp_path):
    body = "#### 方法\n* 排序的概率用Plackett-Luce模型来算"
    _, items = items_of(tmp_path, notes(paper(1, "ListPO", "Listwise Preference Optimization",
                                              "列表偏好优化", body), *others()))
    assert any("Plackett-Luce" in answers(t) for t in texts(items)), "the fact is asked, not dropped"


def test_an_acronym_its_expansion_only_spells_out_gets_no_term_card(tmp_path):
    keywords = "* context KL (CtxKL 上下文KL散度)\n* RRHF (Rank Responses to align Human Feedback)"
    _, items = items_of(tmp_path, notes(paper(1, "CtxPO", "Context-Aware Preference Optimization",
                                              "上下文感知偏好优化", "#### 方法\n* 约束用CtxKL", keywords=keywords),
                                        *others()))
    terms = {i.fields["term"] for i in items if i.kind == "term"}
    assert "CtxKL" not in terms
    assert "RRHF" in terms


def test_a_blank_never_has_its_gloss_beside_it_after_a_particle(tmp_path):
    body = "#### 分析\n问题在于目标是欠定的(under-specified)：没见过的回答，**隐式奖励**可以随意分配"
    _, items = items_of(tmp_path, notes(paper(1, "SpecPO", "Underspecified Preference Objectives",
                                              "欠定的偏好目标", body), *others()))
    mine = [t for t in texts(items) if "欠定" in t]
    assert mine
    for t in mine:
        for a in answers(t):
            assert not re.search(re.escape("{{c1::" + a + "}}") + r"[的地]?\s*[(（]", t), t


def test_a_generic_heading_names_its_paper_and_its_fact_is_carded_once(tmp_path):
    body = ("#### 作者的解释\n目标是欠定的：数据里没覆盖到的回答，**隐式奖励**怎么分配都行\n"
            "（这一点和另一篇说的一致）")
    _, items = items_of(tmp_path, notes(paper(1, "GapPO", "Coverage Gaps in Direct Alignment",
                                              "直接对齐中的覆盖缺口", body), *others()))
    mine = [i for i in items if "怎么分配都行" in " ".join(i.fields.values())]
    assert len(mine) == 1, [i.fields for i in mine]
    front = mine[0].fields.get("text") or mine[0].fields.get("question")
    assert front.startswith("GapPO") and "作者的解释" not in front


def test_a_name_opening_an_item_under_a_generic_heading_takes_the_headings_place(tmp_path):
    body = "#### 作用效果\n* 训练过程更稳定，不容易崩\n* FastRM训练曲线更平滑，也更省显存"
    _, items = items_of(tmp_path, notes(paper(1, "StablePO", "Stable Preference Optimization", "稳定的偏好优化",
                                              body, abstract="We propose FastRM, a fast reward matching method."),
                                        *others()))
    qa = {i.fields["question"]: i.fields["answer"] for i in items if i.kind == "claim"}
    assert qa.get("StablePO：FastRM 的作用效果？", "").startswith("FastRM训练曲线"), qa
    assert not any(" — " in q for q in qa)


def test_a_glossary_note_that_only_translates_is_the_chinese_side(tmp_path):
    keywords = "* MORM (Multi-Objective Reward Model 多目标奖励模型)"
    abstract = ("We align text-to-image models such as SDXL (Stable Diffusion XL) with MOPO. "
                "Unlike a multi-objective reward model (MORM), MOPO needs no reward model.")
    _, items = items_of(tmp_path, notes(paper(1, "MOPO", "Multi-Objective Preference Optimization",
                                              "多目标偏好优化", "#### 方法\n* 多个奖励加权", keywords=keywords,
                                              abstract=abstract), *others()))
    terms = {i.fields["term"]: i.fields for i in items if i.kind == "term"}
    assert "SDXL" not in terms            # an abstract's model name, no Chinese, no gloss
    assert terms["MORM"]["chinese"] == "多目标奖励模型" and terms["MORM"]["note"] == "", terms


def test_the_authors_bold_takes_its_gloss_into_the_blank(tmp_path):
    body = ("#### 做了什么\n* 发现**模型自己采样的回答**(on-policy samples)比外部模型写的回答更适合做偏好对\n"
            "* 另外用GPT-4打分做了对照")
    _, items = items_of(tmp_path, notes(paper(1, "SelfPO", "Self-Sampled Preference Pairs", "自采样偏好对", body),
                                        *others()))
    mine = [t for t in texts(items) if "on-policy samples" in t]
    assert mine
    for t in mine:
        assert "(on-policy samples)" in "".join(answers(t)) or "(on-policy samples)" not in CLOZE_BLANK.sub("", t), t


def test_a_remark_on_the_notes_is_not_on_a_term_card(tmp_path):
    keywords = "* KTO (Kahneman-Tversky Optimization)：之前那篇我把KTO的全称写错了"
    _, items = items_of(tmp_path, notes(paper(1, "HaloPO", "Human-Aware Losses Revisited", "重新审视人类感知损失",
                                              "#### 方法\n* 用KTO的效用函数", keywords=keywords), *others()))
    terms = {i.fields["term"]: i.fields for i in items if i.kind == "term"}
    assert "写错" not in terms.get("KTO", {}).get("note", "")


def test_a_comparison_with_one_name_is_no_list():
    from papercards.items.blanks import one_of_a_list
    assert not one_of_a_list("理论上和", "的最优解一样，实际上更省资源")
    assert not one_of_a_list("效果与", "相当")
    assert one_of_a_list("MT-Bench、AlpacaEval 和", "")
    assert one_of_a_list("在DPO、", "、SLiC上都一样")          # a list, whatever follows


ONE_PAPER = """# LoopFix: 循环修复

> **论文**：*LoopFix: Repairing Agent Loops with Reflection Budgets*
> 🔗 [arXiv](https://arxiv.org/abs/2611.00001)

## 一句话总结

LoopFix caps how often an agent may reflect on a failed step, and repairs **71.4%** of stuck episodes versus 52.0% for Reflexion, with half the tokens.

Pruning the worst of four critics keeps plans short: episode length drops by **18%** over a single critic.

## 一、问题与动机

Agents that reflect without limit repeat the same failed plan many times.
"""


def test_a_summarys_result_clause_stands_alone_and_asks_the_result_not_its_baseline(tmp_path):
    root = tmp_path / "proj"
    (root / "source" / "agents").mkdir(parents=True)
    (root / "source" / "agents" / "LoopFix_2026.md").write_text(ONE_PAPER, encoding="utf-8")
    (root / "papercards.yaml").write_text("deck: Test\n", encoding="utf-8")
    items = build(load_config(root), now=1_800_000_000).extraction.items
    results = [t for t in texts(items) if "Reflexion" in t]
    assert results, texts(items)
    for t in results:
        assert answers(t) == ["71.4%"], t
        assert not re.search(r"：\s*and\b", t), t                  # not a fragment opening on "and"
    summaries = [i.fields["summary"] for i in items if i.kind == "summary"]
    assert summaries and not any(re.search(r"[:：][.。]", s) for s in summaries), summaries


def test_a_method_card_does_not_repeat_what_its_title_says(tmp_path):
    abstract = ("We propose Contrastive Rank Optimization (CRO), a ranking loss. "
                "CRO beats DPO on three benchmarks.")
    zh_abstract = "我们提出了对比等级优化（CRO），一种排序损失。"
    text = paper(1, "CRO", "Contrastive Rank Optimization", "对比排序优化(CRO)", "#### 方法\n* 用排序损失代替成对损失",
                 keywords="* CRO (Contrastive Rank Optimization 对比等级优化)", abstract=abstract + "\n" + zh_abstract)
    # a title that opens on the name answers "which paper proposes CRO?" on its front
    result, items = items_of(tmp_path / "opens", notes(text, *others()))
    assert not [i for i in items if i.kind == "method" and i.fields["method"] == "CRO"]
    assert any("'CRO' names the paper in its title" in d.message for d in result.diagnostics)
    # the title spells CRO out, and the Chinese title says it in the author's words
    text = text.replace("CRO: Contrastive Rank Optimization", "Learning to Rank by Contrastive Rank Optimization")
    _, items = items_of(tmp_path / "spells", notes(text, *others()))
    (method,) = [i for i in items if i.kind == "method" and i.fields["method"] == "CRO"]
    assert method.fields["description"] == ""


def test_a_prose_blank_takes_its_gloss_in(tmp_path):
    root = tmp_path / "proj"
    (root / "source" / "agents").mkdir(parents=True)
    text = ONE_PAPER.replace("Agents that reflect without limit repeat the same failed plan many times.",
                             "没有预算的反思会一遍遍重复同一个失败的计划，作者称之为**反思循环**（reflection loop）。")
    (root / "source" / "agents" / "LoopFix_2026.md").write_text(text, encoding="utf-8")
    (root / "papercards.yaml").write_text("deck: Test\n", encoding="utf-8")
    items = build(load_config(root), now=1_800_000_000).extraction.items
    mine = [t for t in texts(items) if "反思循环" in t]
    assert mine, texts(items)
    assert all("reflection loop" in "".join(answers(t)) for t in mine), mine


def test_result_rows_are_one_list_so_the_first_rows_metric_is_the_cue(tmp_path):
    body = ("#### 作用效果\n* Qwen2-7B-Instruct：MT-Bench上的胜率从41.2%提升到55.0%\n"
            "* Gemma-2-9B：胜率63.5%\n* 训练时间和DPO差不多")
    _, items = items_of(tmp_path, notes(paper(1, "RowPO", "Row-wise Preference Optimization", "逐行偏好优化", body),
                                        *others()))
    rows = [t for t in texts(items) if "63.5%" in t]
    assert len(rows) == 1 and "MT-Bench" in rows[0], rows
    assert sorted(a for t in rows for a in answers(t)) == ["55.0%", "63.5%"]


def test_a_heading_that_names_its_finding_asks_why(tmp_path):
    body = "#### 结论：温度越高越容易崩\n温度高的时候采样出来的回答分布太散，偏好对的差异被噪声淹没"
    _, items = items_of(tmp_path, notes(paper(1, "TempPO", "Temperature in Preference Optimization",
                                              "偏好优化中的温度", body), *others()))
    questions = [i.fields["question"] for i in items if i.kind == "claim"]
    assert "TempPO：为什么温度越高越容易崩？" in questions, questions


def test_what_a_method_does_without_is_asked(tmp_path):
    body = "#### 作用效果\n* 在三个基准上更稳\n* LiteRM无需奖励模型蒸馏即可部署"
    _, items = items_of(tmp_path, notes(paper(1, "LitePO", "Lightweight Preference Optimization",
                                              "轻量偏好优化", body,
                                              abstract="We propose LiteRM, a light reward method."), *others()))
    mine = [t for t in texts(items) if "即可部署" in t]
    assert mine and answers(mine[0]) == ["奖励模型蒸馏"], mine or texts(items)


def test_a_heading_about_a_topic_asks_how_the_paper_sees_it(tmp_path):
    body = "#### 对长度偏差的解释\n奖励模型把长回答打高分，策略就学着写长，和回答质量无关"
    _, items = items_of(tmp_path, notes(paper(1, "LenPO", "Length Bias Revisited", "再看长度偏差", body),
                                        *others()))
    questions = [i.fields["question"] for i in items if i.kind == "claim"]
    assert "LenPO：如何解释长度偏差？" in questions, questions


def test_an_abstract_sentence_the_notes_already_card_is_not_carded_again(tmp_path):
    abstract = ("We study noisy preferences. Our analysis reveals that DPO inherently embeds MinMax principles, "
                "conferring robustness to label noise.\n"
                "我们研究带噪声的偏好。我们的分析表明，DPO 本身嵌入了 MinMax 原理，赋予了对标签噪声的鲁棒性。")
    with_note = "#### 发现\n* 原始DPO本身就隐含了MinMax的思想，**温度**越低对标签噪声越鲁棒\n* 另外还做了消融"
    without = "#### 方法\n* 换了一个更稳的优化器"
    for body, carded in ((with_note, False), (without, True)):
        assert abstract_carded(tmp_path / str(carded), "NoisyPO", "Noisy Preference Optimization", "噪声偏好优化",
                               body, abstract, "inherently embeds",
                               keywords="* MinMax (minimax optimization 极小极大优化)") == carded, body


def test_furniture_counts_names_not_letters_inside_words():
    from papercards.items.blanks import furniture_names
    texts = ["Bradley-Terry 模型", "用Bradley-Terry建模", "approaches and matches, Bradley-Terry", "CHES分数"]
    assert furniture_names(texts) == {"bradley-terry"}         # "ches" in "approaches" is no use of CHES


def test_a_blank_the_rest_of_the_card_half_spells_is_hinted():
    from papercards.items.blanks import hinted
    yes = [("preference label", "derive the [...] from the logits to extract the model's inherent preference", []),
           ("奖励模型", "还是用Bradley-Terry模型，但是奖励是token级别的，不需要显式", []),
           ("文生图", "但是扩散模型里的偏好学习研究得很少，之前拿高质量图文对做微调", []),
           ("odds ratio", "ORPO 如何解决问题：loss = SFT loss + λ · [...] loss", ["ORPO"]),
           ("Kahneman-Tversky", "用[...]的效用函数", ["KTO"])]
    no = [("目标奖励间隔", "在Bradley-Terry目标里加一个[...]，要求赢的回复比输的回复奖励至少高", []),   # 间隔 is asked
          ("参考模型", "用平均对数概率当隐式奖励，不需要[...]，模型更省显存", []),
          ("Nash equilibrium", "a constant-sum two-player game aimed at identifying the [...] policy", ["SPPO"]),
          ("policy gradient", "TDPO keeps the [...] update", ["XYZ"]),
          ("采样器", "文章提出的在线[...]实现二次收敛", [])]
    assert [a for a, rest, names in yes if not hinted(a, rest, names)] == []
    assert [a for a, rest, names in no if hinted(a, rest, names)] == []


def test_a_blank_the_papers_name_spells_is_not_asked(tmp_path):
    body = ("#### 如何解决问题\n* loss = SFT的NLL loss + 一个 margin ratio loss，不用参考模型\n"
            "#### 作用效果\n* 还是用Plackett-Luce模型，但是奖励是按片段算的，不需要显式奖励模型")
    _, items = items_of(tmp_path, notes(paper(1, "MRPO", "Margin Ratio Preference Optimization", "间隔比偏好优化",
                                              body, keywords="* margin ratio 间隔比\n* reward model 奖励模型"),
                                        *others()))
    asked = [a for t in texts(items) for a in answers(t)]
    assert "margin ratio" not in asked and "奖励模型" not in asked, texts(items)


def test_an_acronym_that_keeps_another_whole_and_a_modifier_of_grain_are_vocabulary(tmp_path):
    keywords = ("* MOPPO (Multi-Objective PPO 多目标PPO)\n* segment-level 片段级别：按片段而不是按整个回答\n"
                "* SAPO (Sample-Aware Policy Optimization 样本感知策略优化)")
    _, items = items_of(tmp_path, notes(paper(1, "SegPO", "Segment Preference Optimization", "片段偏好优化",
                                              "#### 方法\n* 每个片段单独算奖励", keywords=keywords), *others()))
    terms = {i.fields["term"] for i in items if i.kind == "term"}
    assert "MOPPO" not in terms and "segment-level" not in terms, terms
    assert "SAPO" in terms, terms


def test_an_abstract_sentence_the_notes_say_in_other_words_is_not_carded_again(tmp_path):
    abstract = ("We study forgetting. We find that the MRS score identifies the samples that cause forgetting, "
                "and filtering them out mitigates it.\n"
                "我们研究遗忘。我们发现 MRS 分数能找出导致遗忘的样本，把它们过滤掉可以缓解遗忘。")
    said = "#### 如何解决问题\n* 用MRS分数筛掉最容易遗忘的样本"
    other = "#### 如何解决问题\n* 换了一个更稳的优化器，**温度**不用调"
    for body, carded in ((said, False), (other, True)):
        assert abstract_carded(tmp_path / str(carded), "ForgetPO", "Forgetting in Preference Optimization",
                               "偏好优化中的遗忘", body, abstract, "identifies the samples",
                               keywords="* MRS score 记忆保持分数") == carded, body


def test_a_counting_heading_over_one_of_its_facts_says_it_is_one_of_them(tmp_path):
    body = ("#### TopPO的两个设计\n* 用序列的平均对数概率当奖励，不需要**参考模型**\n"
            "* 在Plackett-Luce目标里加一个**目标间隔** $\\gamma$，要求赢的比输的至少高 $\\gamma$")
    _, items = items_of(tmp_path, notes(paper(1, "TopPO", "Top Preference Optimization", "顶部偏好优化", body),
                                        *others()))
    mine = [t for t in texts(items) if "TopPO" in t]
    assert len(mine) == 2 and all(t.startswith("TopPO的两个设计之一：") for t in mine), mine


def test_an_abstract_result_or_term_the_notes_already_ask_is_not_carded_again(tmp_path):
    abstract = ("We study reasoning with iterative preference optimization. For example, we see a large improvement from "
                "55.6% to 81.6% on GSM8K and an accuracy of 88.7% with majority voting out of 32 samples.\n"
                "我们用迭代偏好优化研究推理。例如，我们看到 GSM8K 从 55.6% 大幅提高到 81.6%，并且在 32 个样本中以多数票获得了 88.7% 的准确率。")
    said = "#### 作用效果\n* Llama-2-70B-Chat：GSM8K 55.6% → 81.6%，32个样本多数投票能到88.7%"
    other = "#### 作用效果\n* 训练更稳，**温度**不用调"
    for body, carded in ((said, False), (other, True)):
        assert abstract_carded(tmp_path / str(carded), "ReasonPO", "Reasoning Preference Optimization", "推理偏好优化",
                               body, abstract, "majority voting") == carded, body


def test_bold_around_a_claim_asks_its_subject():
    from papercards.items.blanks import narrow_bold
    assert narrow_bold("**NLL项非常关键**，没有它") == "**NLL项**非常关键，没有它"
    assert narrow_bold("奖励差趋向无穷，**KL正则就不起作用了**") == "奖励差趋向无穷，**KL正则**就不起作用了"
    assert narrow_bold("**offline data is enough**") == "**offline data** is enough"
    assert narrow_bold("1. **Clip-Higher.** Decouple") == "1. **Clip-Higher**. Decouple"
    for kept in ("**不需要成对数据**", "**缺少主动探索**", "**在线采样器**", "**entropy collapse**"):
        assert narrow_bold(kept) == kept


def test_a_lead_in_leads_its_list_not_the_paragraph_after_it(tmp_path):
    body = ("#### 怎么做的\n每一轮：\n1. 用当前模型对每个问题采样N个CoT+答案\n2. 用标准答案判断对错，组成偏好对\n"
            "3. 用 DPO + NLL 的loss训练\n\n**NLL项非常关键**，没有它的话chosen的对数概率也会一起往下掉")
    _, items = items_of(tmp_path, notes(paper(1, "LoopPO", "Looped Reasoning Preference Optimization", "循环推理偏好优化",
                                              body), *others()))
    mine = [t for t in texts(items) if "非常关键" in t]
    assert mine and "每一轮" not in mine[0] and answers(mine[0]) == ["NLL项"], mine or texts(items)


def test_bold_that_only_stresses_is_no_blank():
    from papercards.items.blanks import narrow_bold
    assert narrow_bold("比**任何**竞争策略都更受偏好") == "比任何竞争策略都更受偏好"
    assert narrow_bold("偏好数据是**别的模型**生成的") == "偏好数据是别的模型生成的"
    assert narrow_bold("是**第一个**超过80%的开源模型") == "是第一个超过80%的开源模型"
    # one or two characters: a word stressed, which reviewers found the sentence gives away
    assert narrow_bold("用off-policy的数据**模拟**on-policy学习") == "用off-policy的数据模拟on-policy学习"
    assert narrow_bold("chosen和rejected之间的**相对**概率") == "chosen和rejected之间的相对概率"
    for kept in ("发现**自己生成的数据**更有效", "只看隐式奖励的**相对值**", "只要MORLHF的**三分之一**"):
        assert narrow_bold(kept) == kept


def test_a_result_asks_its_number_not_what_follows_it():
    from papercards.items.enumeration import blank_item
    made, _ = blank_item("Smaug-72B是第一个在Open LLM Leaderboard上平均准确率超过80%的开源模型", 1)
    assert "{{c1::80%}}的开源模型" in made, made
    made, _ = blank_item("用一个强的oracle给偏好反馈，让模型迭代地超过自己", 1)
    assert "{{c1::自己}}" not in made, made


def test_a_pointer_to_other_notes_is_dangling_but_an_aside_about_them_is_dropped():
    from papercards.items.dangling import dangling, without_notes_asides
    for text in ("Dr. GRPO把这两个归一化去掉", "DNO想把两边的好处结合起来", "上次第19篇说DPO会利用长度"):
        assert dangling(text), text
    assert without_notes_asides("还是离线的方法，分布问题没有解决(这是我自己的看法，看下面第3篇)") == \
        "还是离线的方法，分布问题没有解决"
    assert without_notes_asides("β 越小越鲁棒(pointwise noise)") == "β 越小越鲁棒(pointwise noise)"


def test_a_name_opening_a_motive_does_not_take_the_headings_place(tmp_path):
    body = ("#### 动机\n* 把奖励学习和策略优化合成一个**对比目标**的方法虽然稳定，但绑在最大化奖励里\n"
            "* BT这种逐点奖励表达不了非传递的偏好")
    _, items = items_of(tmp_path, notes(paper(1, "NashPO", "Nash Preference Optimization", "纳什偏好优化", body),
                                        *others()))
    questions = [i.fields["question"] for i in items if i.kind == "claim"]
    assert "NashPO：BT 的动机？" not in questions, questions


DOC = """# StepRL: Stable Reinforcement Learning for Long Reasoning

> 🔗 [arXiv](https://arxiv.org/abs/2503.00001) | [PDF](https://arxiv.org/pdf/2503.00001)

## TL;DR

A recipe for RL on long reasoning on top of GRPO. Starting from plain GRPO, the authors add two tricks \
and call the result **StepRL**. With Qwen2.5-32B it reaches 50 points on AIME 2024. 说白了就是把 R1 没写的细节补齐了。

## Problem

RL for reasoning was never reproduced in the open. The authors observe the usual failure modes:

- **entropy collapse** — the policy becomes deterministic early（熵一下子就掉没了）
- **reward noise** from truncated samples

## Method

The **KL penalty is removed** entirely, since the policy is expected to drift far from the initial model anyway.

1. **Clip-Higher.** Decouple the clip range into a lower and an upper bound of 0.2 and 0.28. The upper clip limits \
how much a low-probability exploration token can grow, so raising only the upper bound keeps the entropy up.
2. **Dynamic Sampling.** If all samples for a prompt are correct or all wrong, every advantage is 0 and the prompt \
gives no gradient. StepRL over-samples and filters out prompts with accuracy exactly 0 or 1.

Data: **StepRL-Math-17K**, math problems whose answers were rewritten into integers so that the checker is reliable.

## Results

AIME 2024 (avg@32) on Qwen2.5-32B base, as reported in the paper:

| Setting | AIME 2024 |
|---|---|
| Naive GRPO | 30 |
| StepRL | **50** |
"""


def test_a_document_list_of_long_items_is_a_card_per_fact_not_one_enumeration(tmp_path):
    _, items = items_of(tmp_path, DOC)
    clozes = texts(items)
    method = [t for t in clozes if "Decouple the clip range" in t or "over-samples" in t or "If all samples" in t]
    assert method and all("Dynamic Sampling" not in t or "Clip-Higher" not in t for t in method), method
    assert any(answers(t) == ["Clip-Higher"] for t in method), method
    assert all(len(re.sub(r"\{\{c\d::(.*?)\}\}", r"\1", t)) < 300 for t in clozes), clozes
    # a name is no number ("Qwen2.5-[32B]"), a blank has its description beside it, not only its label
    assert not any("Qwen2.5-{{" in t for t in clozes), clozes
    data = [t for t in clozes if "StepRL-Math-17K" in t]
    assert data and data[0].startswith("StepRL：") and "math problems" in data[0], data
    # bold around a claim asks its subject; an aside in brackets stays whole on its line
    assert any("{{c1::KL penalty}} is removed" in t for t in clozes), clozes
    assert not any(t.rstrip().endswith("（") or "\n熵" in t for t in clozes), clozes
    summary = next(i.fields["summary"] for i in items if i.kind == "summary")
    assert "the authors add two tricks" in summary and "R1" in summary, summary


def test_a_blank_never_asks_a_version_or_what_its_acronym_prints():
    from papercards.items.blanks import hinted
    from papercards.items.extractors.cloze import keep_good_blanks
    assert hinted("LC win rate", "[...]不是直接惩罚长回答，所以看LC胜率的同时也看长度")
    assert keep_good_blanks("on the AlpacaEval {{c1::2.0}} leaderboard", set()) is None
    assert keep_good_blanks("reaches {{c1::50%}} of the steps", set()) is not None


def test_a_blank_never_asks_the_method_the_title_names(tmp_path):
    body = ("#### 实验结论\n* 不只是编辑距离小的数据，编辑距离大的数据上DPOP也比DPO和其他微调方法好\n"
            "* 在和微调数据无关的benchmark上(比如MT-Bench)，DPOP也比DPO好\n"
            "* 发布了Smaug-72B，是第一个在Open LLM Leaderboard上平均准确率超过80%的开源模型")
    _, items = items_of(tmp_path, notes(paper(1, "Smaug", "Fixing Failure Modes of Preference Optimisation with "
                                              "DPO-Positive", "用DPO-Positive修复偏好优化的失败模式", body,
                                              keywords="* DPOP (DPO-Positive)\n* edit distance 编辑距离"),
                                        *others()))
    assert not any("DPOP" in answers(t) for t in texts(items)), texts(items)


def test_a_table_whose_methods_are_columns_is_read_turned(tmp_path):
    text = ("# RLAIF vs. RLHF：用AI反馈扩展强化学习\n\n论文：RLAIF vs. RLHF（arXiv 2309.00267）\n\n## 三、实验\n\n"
            "| 任务 | 指标 | SFT | RLHF | RLAIF |\n|---|---|---|---|---|\n| 摘要 | 胜率 | — | 73% | 71% |\n"
            "| 无害性对话 | 无害率 | 64% | 76% | 88% |\n")
    _, items = items_of(tmp_path, text)
    mine = [t for t in texts(items) if "RLAIF 的结果" in t]
    assert mine and "无害性对话（无害率）：{{c1::88%}}（RLHF 76%）" in mine[0], texts(items)


def test_a_prose_sentence_without_bold_or_numbers_asks_the_names_it_holds():
    import types

    from papercards.items.extractors.prose_facts import named_spans
    from papercards.config import Config
    pc = types.SimpleNamespace(ctx=types.SimpleNamespace(furniture={"bradley-terry"}, config=Config()))
    names = ["RLAIF vs. RLHF"]
    asked = lambda s: [a for _, _, a in named_spans(s, names, pc)]     # noqa: E731
    assert asked("作者用 PaLM 2 作为 AI 标注器") == ["PaLM 2"]
    assert asked("训练时使用 DAgger：学生执行动作") == ["DAgger"]
    assert asked("分布稳健优化(Distributionally Robust Optimization, DRO)的思路是") == []     # an aside, spelled
    assert asked("场景点云经过 PointNet++ 编码") == []                                    # half a name
    assert asked("先 SFT，再用 Bradley-Terry 建模") == []                                  # known, furniture
    assert asked("o1 / DeepSeek-R1 showed that RL can unlock test-time scaling") == []   # one of a list
    assert asked("AIME 2024 on Qwen2.5-32B base") == ["AIME 2024"]                      # not "5-32B"
    assert asked("A naive GRPO run only gets ~30 on AIME 2024.") == []                  # the score is the fact


def test_a_headings_note_to_self_is_not_on_its_cards_and_a_name_keeps_its_superscript():
    from papercards.items.dangling import without_notes_asides
    from papercards.items.paperinfo import _METHOD_TOKEN
    assert without_notes_asides("实验结论(摘要里的数，正文表格还没看)") == "实验结论"
    assert without_notes_asides("long2short(这个我觉得最实用)") == "long2short"
    assert without_notes_asides("两阶段训练(全部用模型自己生成的数据)") == "两阶段训练(全部用模型自己生成的数据)"
    assert without_notes_asides("自我博弈(self-play)") == "自我博弈(self-play)"
    assert _METHOD_TOKEN.findall("which we call ReST^EM, where we") == ["ReST^EM"]


def test_a_result_over_unnamed_baselines_asks_nothing_vague():
    from papercards.items.enumeration import blank_item
    made = blank_item("多个标准benchmark上明显提升了现成的方法", 1)
    assert made is None or "{{c1::现成的方法}}" not in made[0]


def test_the_authors_own_view_is_reported_not_carded(tmp_path):
    from papercards.items.fronts import is_commentary
    assert all(is_commentary(h) for h in ("我的理解", "四、思考", "My notes", "Open questions"))
    assert not any(is_commentary(h) for h in ("核心思路", "理解SFT的幻觉", "发现", "Method"))
    body = ("#### 核心思路\n* 用**组内平均**当baseline\n#### 我的理解\n上次第19篇说DPO会利用长度，这里也是，"
            "所以这个说法要打个问号")
    result, items = items_of(tmp_path, notes(paper(1, "GroupPO", "Group Policy Optimization", "组策略优化", body),
                                             *others()))
    assert not any("打个问号" in " ".join(i.fields.values()) for i in items)
    assert any("your own view" in d.message for d in result.extraction.diagnostics)


def test_a_turn_stands_alone_and_a_lead_in_takes_its_formula(tmp_path):
    from papercards.items.extractors.claims import _standing_alone
    assert _standing_alone("但是人工逐步标注扩展不了") == "人工逐步标注扩展不了"
    assert _standing_alone("However, the labels are noisy.") == "The labels are noisy."
    assert _standing_alone("但这个方法更稳") == "这个方法更稳"
    body = ("#### 核心思路\n* 用奖励模型给每个回答打分\n* **排序损失**让模型的顺序和奖励的顺序一致，再加上SFT的交叉熵：\n\n"
            "$$L=\\sum\\max(0,p_i-p_j)$$\n")
    _, items = items_of(tmp_path, notes(paper(1, "RankPO", "Rank Preference Optimization", "排序偏好优化", body),
                                        *others()))
    mine = [i for i in items if i.kind == "cloze" and "排序损失" in i.fields["text"]]
    # the lead-in takes its formula: on the card's back, under the answer (`formulas`)
    assert mine and "max(0" in mine[0].fields["hint"], texts(items)


def test_a_keyword_bracket_that_describes_the_term_is_not_its_translation(tmp_path):
    abstract = ("We compare with Trust Region Policy Optimization (TRPO) on several tasks.\n"
                "我们在多个任务上与信赖域策略优化 （TRPO） 进行比较。")
    _, items = items_of(tmp_path, notes(paper(1, "RankHF", "Rank Responses for Human Feedback", "排序回答",
                                              "#### 方法\n* 用**排序损失**代替TRPO", keywords="* TRPO (对比对象)",
                                              abstract=abstract), *others()))
    trpo = [i.fields for i in items if i.kind == "term" and i.fields["term"] == "TRPO"]
    assert trpo and trpo[0]["chinese"] == "信赖域策略优化" and "对比对象" not in trpo[0]["note"], trpo


def test_a_number_the_card_computes_a_case_without_its_claim_and_a_numbered_label():
    from papercards.items.blanks import derivable
    from papercards.items.dangling import dangling
    from papercards.items.fronts import strip_section_number
    assert derivable("7%", "胜率 → 33%，绝对提升26%")
    assert derivable("52.6%", "41.4%，Δ = −11.2%")
    assert not derivable("81.6%", "GSM8K 55.6% → ，32个样本多数投票能到88.7%")
    assert dangling("特别是chosen和rejected之间编辑距离小的数据对")
    assert strip_section_number("发现2：grpo的优化偏差") == "grpo的优化偏差"
    assert strip_section_number("发现") == "发现"


def test_a_method_named_in_a_summary_takes_the_long_form_written_after_it(tmp_path):
    from papercards.items.paperinfo import _spells
    assert _spells("DAPO", "Decoupled Clip and Dynamic sAmpling Policy Optimization")
    assert not _spells("DPO", "a method")
    _, items = items_of(tmp_path, DOC.replace("and call the result **StepRL**",
                                              "and call the result **SRL** (Step-wise Reinforcement Learning)"))
    method = [i.fields for i in items if i.kind == "method" and i.fields["method"] == "SRL"]
    assert method and method[0]["description"].startswith("Step-wise Reinforcement Learning"), method


def test_a_list_of_items_with_lines_under_them_is_a_card_per_item_and_setup_fields_are_no_terms(tmp_path):
    text = ("# Outcome vs. process supervision\n\nPaper: *Solving math word problems*, arXiv 2211.14275.\n\n"
            "## Setup\n\n- **Dataset**: GSM8K (grade-school math word problems)\n- **Decoding**: majority voting\n\n"
            "## Findings\n\n- **Final-answer error is roughly the same** for outcome-based and process-based\n"
            "  - Outcome supervision gets there with far less label supervision\n"
            "- **Trace error is where they differ**\n  - Outcome-only training can reach the right answer through "
            "wrong steps\n  - Low trace error needs process-based supervision or an RM that emulates it\n"
            "- **The ORM learns something process-like**\n  - Even though it only sees final-answer labels, its "
            "predictions agree better with the step-level labels than with the outcome labels\n"
            "  - Plausible reason: a wrong step usually leads to a wrong answer, so the cheapest way to predict "
            "the outcome is to check the steps\n")
    _, items = items_of(tmp_path, text)
    findings = [t for t in texts(items) if "Final-answer error" in t or "Trace error" in t or "process-like" in t]
    assert findings and all(sum(k in t for k in ("Final-answer error", "Trace error", "process-like")) == 1
                            for t in findings), findings
    assert not [i for i in items if i.kind == "definition" and i.fields["term"] in ("Dataset", "Decoding")]


def test_a_paper_cited_by_its_arxiv_id_gets_a_button_and_its_title_is_printed_once(tmp_path):
    from papercards.anki.papers import paper_html, paper_links
    text = ("# RLAIF vs. RLHF：用AI反馈扩展强化学习\n\n论文：RLAIF vs. RLHF（Lee et al., arXiv 2309.00267）\n\n"
            "## 二、方法\n\n作者用 PaLM 2 作为 AI 标注器，读取两个 token 的对数概率。\n")
    result, _ = items_of(tmp_path, text)
    info = next(iter(result.extraction.papers.values()))
    assert ("arXiv", "https://arxiv.org/abs/2309.00267") in paper_links(info)
    assert paper_html(info).count("用AI反馈扩展强化学习") == 1


def test_a_chain_of_results_asks_its_end_a_range_is_one_number_and_an_example_name_is_not_asked():
    import types

    from papercards.config import Config
    from papercards.items.blanks import result_numbers
    from papercards.items.extractors.clauses import numbers_in
    from papercards.items.extractors.prose_facts import named_spans
    assert result_numbers("胜率：\\(M_1\\) 9.94% → \\(M_2\\) 15.38% → \\(M_3\\) 20.44%")[0] == "20.44%"
    assert [m.group(0) for m in numbers_in("给回答打一个 1 到 10 分的分数")] == ["1 到 10 分"]
    pc = types.SimpleNamespace(ctx=types.SimpleNamespace(furniture=set(), config=Config()))
    asked = [a for _, _, a in named_spans("RLHF 的效果已经被 InstructGPT 等工作反复证明", ["RLAIF"], pc)]
    assert "InstructGPT" not in asked, asked


def test_the_papers_name_in_the_other_language_gives_the_blank_away():
    from papercards.items.blanks import named_in_other_words
    names = {"奖励模型": {"reward model"}}
    assert named_in_other_words("奖励模型", ["RewardBench"], names)
    assert not named_in_other_words("奖励模型", ["GenRM"], names)
    names = {"过度优化": {"overoptimization"}}          # one word of six letters or more counts too
    assert named_in_other_words("过度优化", ["Reward Model Ensembles Help Mitigate Overoptimization"], names)
    assert not named_in_other_words("过度优化", ["Reward Model Ensembles"], names)


def test_a_name_takes_a_flaw_headings_place_only_when_the_sentence_names_a_flaw(tmp_path):
    body = ("#### 问题\nRLHF先从成对比较里学一个奖励模型，再用RL最大化它。但是奖励模型表达不了人类偏好的全部丰富性。"
            "LLM当自动评委很便宜，但是会带来很难去掉的偏差")
    _, items = items_of(tmp_path, notes(paper(1, "NashHF", "Nash Learning from Human Feedback", "纳什学习", body),
                                        *others()))
    questions = [i.fields["question"] for i in items if i.kind == "claim"]
    assert "NashHF：RLHF 的问题？" not in questions and "NashHF：LLM 的问题？" not in questions, questions


def test_a_chinese_bold_word_is_not_stretched_into_the_latin_after_it():
    from papercards.items.enumeration import _blank_bold_word
    assert _blank_bold_word("**D**rastic drop", 1) == "{{c1::Drastic}} drop"
    assert _blank_bold_word("用off-policy的数据**模拟**on-policy学习", 1) == "用off-policy的数据{{c1::模拟}}on-policy学习"


def test_a_bold_label_its_own_lines_spell_out_is_not_asked():
    from papercards.items.enumeration import blank_item
    others = ["ORM — outcome reward model: trained on whether the final answer is correct",
              "PRM — process reward model: trained on step-level labels"]
    made = blank_item("**Reward models** (used for reranking at decode time and as the reward in RL)", 1,
                      avoid=others)
    assert made is None or "{{c1::Reward models}}" not in made[0], made


def test_no_blank_on_filler_on_the_rest_of_a_name_and_an_arrow_leads_to_the_result():
    from papercards.items.extractors.abstract import _says_nothing
    from papercards.items.blanks import result_numbers
    from papercards.items.extractors.keyword import _ends_a_name
    assert _says_nothing("alternative pipeline") and _says_nothing("many findings")
    assert not _says_nothing("preference label")
    assert _ends_a_name("和LMSYS {{c1::Chatbot Arena}}的相关性", 1)
    assert not _ends_a_name("用 {{c1::DPO}} 训练", 1)
    assert result_numbers("Spearman相关性 0.94 → 0.98") == ["0.98"]


def test_a_gloss_that_rates_a_term_is_no_meaning():
    from papercards.items.glossary import _says_what_it_means
    assert not _says_what_it_means("离线RL里的“金标准”")
    assert _says_what_it_means("只有好/不好，不需要成对")


def test_a_paper_named_in_brackets_at_the_end_of_its_title_goes_by_that_name(tmp_path):
    text = ("# KTO follow-up: Binary Classifier Optimization (BCO)\n\nJung et al., arXiv 2404.04656.\n\n"
            "**Q:** What problem does it solve?\n**A:** Aligning an LLM from **binary** feedback.\n")
    result, _ = items_of(tmp_path, text)
    assert [p.short for p in result.extraction.papers.values()] == ["BCO"]


def test_a_result_asks_the_number_reached_after_a_math_label_or_a_row_label(tmp_path):
    body = ("#### 实验结论\n* AlpacaEval 2.0上的胜率：$M_1$ 9.94% → $M_2$ 15.38% → $M_3$ 20.44%\n"
            "* 三轮之后超过了排行榜上的Claude 2、Gemini Pro和GPT-4 0613\n\n"
            "#### 结果\n* 算法类任务：5% → 45.3%\n* GSM8K：73% → 93.4%")
    _, items = items_of(tmp_path, notes(paper(1, "SRLM", "Self-Rewarding Models", "自我奖励", body), *others()))
    asked = [a for t in texts(items) for a in answers(t)]
    assert "20.44%" in asked and "9.94%" not in asked and "15.38%" not in asked, asked
    assert "45.3%" in asked and "93.4%" in asked and "5%" not in asked and "73%" not in asked, asked


def test_an_item_that_only_leads_into_the_items_under_it_is_their_lead_in(tmp_path):
    body = ("#### Findings\n- **Best combined result** vs. the previous best on GSM8K:\n"
            "  - final-answer error **16.8% → 12.7%**\n  - trace error among correct solutions **14.0% → 3.4%**\n")
    _, items = items_of(tmp_path, notes(paper(1, "ORMPO", "Outcome Supervision", "结果监督", body), *others()))
    findings = [t for t in texts(items) if "Best combined result" in t]
    assert findings and all("{{c" not in t.split("Best combined result")[1].split("\n")[0] for t in findings)
    assert {a for t in findings for a in answers(t)} == {"12.7%", "3.4%"}, findings
    # a line that says something before its colon stays a fact, its details under it
    from papercards.items.extractors.claims import list_lines
    from papercards.notes.model import Block, ListItem
    block = Block("list", 1, items=[ListItem("训几个奖励模型组成集成，用保守的优化目标：", 1, [ListItem("两种方法都试了", 2)]),
                                    ListItem("优点", 3, [ListItem("简单", 4), ListItem("便宜", 5)])])
    assert [(depth, item.line, leads) for depth, item, leads in list_lines(block)] == \
        [(0, 1, False), (1, 2, False), (0, 3, True), (0, 4, False), (0, 5, False)]


def test_a_summary_too_long_for_one_card_answers_with_its_leading_sentences(tmp_path):
    tldr = ("A fully open recipe (algorithm, training code and dataset) for large-scale RL on long chain-of-thought "
            "reasoning. Starting from plain GRPO, the authors add four tricks and call the result **DAPO** "
            "(Decoupled Clip and Dynamic sAmpling Policy Optimization). With Qwen2.5-32B it reaches 50 points on "
            "AIME 2024, beating the previous best (47) with only **50%** of the training steps. "
            "说白了就是把报告里没写的工程细节补齐了。")
    text = f"# DAPO: An Open RL System at Scale\n\narXiv 2503.14476\n\n## TL;DR\n\n{tldr}\n\n## Method\n\n- Clip-Higher\n"
    result, items = items_of(tmp_path, text)
    summary = next(i.fields["summary"] for i in items if i.kind == "summary")
    assert len(summary) <= 200 and summary.startswith("A fully open recipe"), summary
    assert any("50%" in answers(t) for t in texts(items)), texts(items)
    assert any("summary" in d.message and "not carded" in d.message for d in result.diagnostics)


def test_the_reward_model_is_vocabulary_of_the_field_not_a_term_card(tmp_path):
    keywords = "* 奖励模型(Reward Model, RM)\n* 排序损失(ranking loss)：让回答的概率顺序和奖励顺序一致"
    _, items = items_of(tmp_path, notes(paper(1, "RRHF", "Rank Responses", "对回答排序", FILLER[0], keywords=keywords),
                                        *others()))
    terms = {i.fields.get(side, "") for i in items if i.kind == "term" for side in ("english", "abbr", "chinese")}
    assert not terms & {"RM", "Reward Model", "奖励模型"}, terms
    assert "排序损失" in terms, terms


def test_a_finding_heading_over_a_remark_on_it_is_the_card(tmp_path):
    body = ("#### 价值网络在比较同一状态下的不同步骤时，几乎不比随机基线好\n"
            "作者系统地评测了价值网络，这是最重要的一个发现，也是整篇文章的出发点\n")
    result, items = items_of(tmp_path, notes(paper(1, "VinePPO", "Refined Credit Assignment", "信用分配", body,
                                                   keywords="* 价值网络(value network)"), *others()))
    mine = [i for i in items if i.paper == "forum0001x" and i.kind in ("claim", "cloze")]
    assert not any("这是最重要的一个发现" in str(i.fields) for i in mine), mine
    assert any(i.kind == "cloze" and "几乎不比随机基线好" in i.fields["text"] for i in mine), mine
    assert any("the heading is carded" in d.message for d in result.diagnostics)
    from papercards.items.extractors.claims import rates_the_heading
    assert rates_the_heading("This is the key finding of the paper") and not rates_the_heading("这是一个分类器")


def test_the_label_of_the_list_after_its_colon_is_no_blank(tmp_path):
    from papercards.items.blanks import labels_a_list
    assert labels_a_list("对同一个query，从", "拿多个回答：模型自己采样的、别的LLM的、人写的都可以")
    assert not labels_a_list("", "：很长的轨迹不用一次生成完，超过长度预算的部分存起来，下一轮接着写，复用之前的轨迹")
    body = "#### 核心思路\n* 对同一个query，从**不同来源**拿多个回答：模型自己采样的、别的LLM的、人写的都可以\n"
    _, items = items_of(tmp_path, notes(paper(1, "RRHF", "Rank Responses", "对回答排序", body), *others()))
    assert not any("{{c1::不同来源}}" in t for t in texts(items)), texts(items)


def test_what_a_method_adds_is_asked_with_its_gloss(tmp_path):
    body = ("#### 核心思路\n* 在对比loss之外加一个校准项，保证学到的隐式奖励和真实奖励在尺度上可比\n"
            "* 在线DPO的目标上加一个探索奖励(exploration bonus)，鼓励模型把概率挪到数据没覆盖到的区域\n")
    _, items = items_of(tmp_path, notes(paper(1, "CalPO", "Calibrated Optimization", "校准优化", body), *others()))
    asked = [a for t in texts(items) for a in answers(t)]
    assert "校准项" in asked and "探索奖励(exploration bonus)" in asked, texts(items)


def test_the_long_form_after_a_name_is_found_as_its_own_pattern_found_it():
    """`_bracketed_after` finds, without compiling a pattern per name, what the per-name
    pattern ``(?<![\\w-])NAME(?![\\w-])\\s*[(（]([^()（）]{4,80})[)）]`` finds."""
    import random
    from papercards.items.paperinfo import _bracketed_after
    rnd = random.Random(7)
    pieces = ["DPO", "NS-DPO", "DPOs", "xDPO", "-DPO", "_DPO", " ", "  ", "(", ")", "（", "）", "Direct",
              "Preference Optimization", "ab", "数据", "\n", "é", "DPO (Direct Preference Optimization)"]
    for _ in range(3000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        for name in ("DPO", "NS-DPO", "D"):
            m = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])\s*[(（]([^()（）]{{4,80}})[)）]", text)
            assert _bracketed_after(name, text) == (m.group(1) if m else None), (name, text)


def test_what_a_method_does_without_may_end_on_or():
    from papercards.items.extractors.keyword import without_blank
    made = without_blank("在离线训练之外实现在线改进，无需额外人工标记或者冒着过度拟合奖励模型的风险", 1, "")
    assert made and "{{c1::人工标记}}或者" in made, made


def test_filler_is_no_abstract_blank_and_a_named_bias_of_elsewhere_dangles():
    from papercards.items.dangling import dangling
    from papercards.items.extractors.abstract import _Telling
    assert "unified framework" not in _Telling({"unified framework", "reward shaping"})
    assert "reward shaping" in _Telling({"unified framework", "reward shaping"})
    assert dangling("其实都隐含了这种人类偏差，属于一类损失函数") and not dangling("该方法的问题是收敛慢")


def test_an_english_lines_chinese_aside_goes_to_the_back():
    from papercards.items.enumeration import enumeration_text
    from papercards.items.enumeration import Unit
    units = [Unit("**entropy collapse** — the policy becomes deterministic early（熵一下子就掉没了）", listed=True),
             Unit("**reward noise** from truncated over-long samples", listed=True)]
    text, hint, _ = enumeration_text("DAPO：failure modes：", units)
    assert "熵" not in text and hint == "熵一下子就掉没了", (text, hint)
    units = [Unit("用**校准项**（calibration）约束奖励的尺度（很简单）", listed=True)]
    text, _, _ = enumeration_text("Cal-DPO：", units)
    assert "（很简单）" in text                # a Chinese line keeps its asides


def test_a_known_term_opens_no_definition_and_a_name_opening_a_noun_is_no_subject():
    from types import SimpleNamespace

    from papercards.config import Config
    from papercards.items.extractors.claims import copula_question, subject_question
    knows = Config().glossary.knows
    assert copula_question("奖励模型是RLHF成功的关键，但专门评测它的工作很少", "RewardBench", knows) is None
    assert copula_question("最优的数据应该是让模型在每个token上等价地学习的数据", "TIS-DPO", knows)
    pc = SimpleNamespace(info=SimpleNamespace(short="RewardBench"), ctx=SimpleNamespace(config=Config()))
    assert subject_question("评测了哪些模型？", "DPO训出来的模型，用对数概率比当隐式奖励打分", pc) is None
    assert subject_question("效果？", "IMDb情感生成和Anthropic HH单轮对话上，TDPO的平衡比DPO好", pc) is None
    assert subject_question("核心思路？", "KL惩罚不加在reward里，直接加在loss里", pc)


def test_a_name_of_capitalized_words_in_chinese_text_is_asked_and_a_describing_bracket_is_no_translation():
    from papercards.items.blanks import PHRASE_NAME
    from papercards.items.extractors.keyword import translated_beside
    found = [m.group(0) for m in PHRASE_NAME.finditer("Chat Hard(很多是难对)是最弱的一项，偏好测试集(Prior Sets，比如Anthropic HH)")]
    assert found == ["Chat Hard", "Prior Sets", "Anthropic HH"], found
    assert not PHRASE_NAME.search("The ORM learns something process-like")
    assert not translated_beside("{{c1::Chat Hard}}(很多是LLMBar那种故意构造的难对)是大部分奖励模型最弱的一项")
    assert translated_beside("{{c1::欠约束}}的(under-constrained)问题")


def test_result_and_idea_headings_ask_nothing_by_themselves():
    from papercards.items.fronts import is_generic, question_of
    assert all(is_generic(h) for h in ("实验结论", "核心思路", "怎么做", "Findings"))
    assert question_of("实验结论", "WPO", []) == "WPO 的实验结论？"


def test_a_long_titles_short_tail_names_the_paper():
    from papercards.items.paperinfo import short_title
    from papercards.notes.model import Paper
    paper = Paper(title="A Common Pitfall of Margin-based Language Model Alignment: Gradient Entanglement", line=1,
                  file="n.md")
    assert short_title(paper, [], {}) == "Gradient Entanglement"
    paper = Paper(title="Reward Model Ensembles Help Mitigate Overoptimization", line=1, file="n.md")
    assert short_title(paper, [], {}) == "Reward Model Ensembles Help Mitigate Overoptimization"


def test_an_item_another_rule_carded_leads_no_other_item(tmp_path):
    body = ("#### 怎么做\n* 用一个强的oracle(GPT-4)给偏好反馈，让模型迭代地超过自己\n"
            "* DNO是一个**批量在策略**的算法，用基于回归的目标，实现起来直接、高效\n"
            "* 理论上每轮迭代**单调提升**，所以即使老师很强也能超过它\n")
    _, items = items_of(tmp_path, notes(paper(1, "DNO", "Direct Nash Optimization", "直接纳什优化", body,
                                              keywords="* DNO (Direct Nash Optimization 直接纳什优化)"), *others()))
    monotonic = [t for t in texts(items) if "单调提升" in t]
    assert monotonic and not any("高效" in t for t in monotonic), monotonic


def test_another_name_is_no_meaning_of_a_term():
    from papercards.items.glossary import _says_what_it_means
    assert not _says_what_it_means("critic") and not _says_what_it_means("value function")
    assert _says_what_it_means("chosen的概率在训练中反而下降")


def test_plain_words_that_are_all_their_part_says_are_the_back_of_an_idea_card(tmp_path):
    text = ("# SimpleKD: Distilling by Similarities\n\narXiv 2601.00002\n\n## 一、方法\n\n### 1.1 思路\n\n"
            "**用大白话说**：学生不用记住老师的坐标，只要学会老师觉得哪两个东西更像。\n\n"
            "### 1.2 损失\n\n损失是两个相似度矩阵按行 softmax 后的 **KL 散度**。\n\n"
            "**用大白话说**：就是让两张表长得一样。\n")
    result, items = items_of(tmp_path, text)
    claims = {i.fields["question"]: i.fields["answer"] for i in items if i.kind == "claim"}
    assert any(q.endswith("「1.1 思路」的想法是什么？（用大白话说）".replace("1.1 ", "")) for q in claims), claims
    assert not any("两张表长得一样" in a for a in claims.values())


def test_rows_of_results_are_a_card_each(tmp_path):
    body = ("#### 实验结论\n* long-CoT：AIME 77.5，MATH 500 96.2，Codeforces **94th** percentile → 和o1相当\n"
            "* short-CoT：AIME 60.8，MATH500 94.6，LiveCodeBench 47.3 → 最多**+550%**\n")
    _, items = items_of(tmp_path, notes(paper(1, "Kimi", "Kimi k1.5", "扩展强化学习", body), *others()))
    rows = [t for t in texts(items) if "CoT" in t]
    assert len(rows) == 2 and not any("long-CoT" in t and "short-CoT" in t for t in rows), rows


def test_a_sentence_opening_on_the_step_before_it_names_its_section(tmp_path):
    """"这一步使穿透率从 23% 降到 4%" with the notes closed: which step? Its section heading
    says (物理引导采样); under a heading that names nothing (细节) it asks nothing, reported."""
    root = tmp_path / "proj"
    (root / "source" / "agents").mkdir(parents=True)
    text = ONE_PAPER + (
        "\n## 二、方法\n\n### 2.1 预算化反思\n\n每个失败步骤最多反思 **3** 次，超过就换一个计划。"
        "这一步使重复计划的比例从 40% 降到 9%。\n"
        "\n### 2.2 Critic pruning\n\nThe worst of four critics is dropped after each episode. "
        "This cuts the token cost by 35% on WebShop. Its overhead is **one extra forward pass**.\n"
        "\n### 2.3 细节\n\n候选计划用同一个模型生成。这样调用次数从 12 次降到 5 次。\n")
    (root / "source" / "agents" / "LoopFix_2026.md").write_text(text, encoding="utf-8")
    (root / "papercards.yaml").write_text("deck: Test\n", encoding="utf-8")
    result = build(load_config(root), now=1_800_000_000)
    all_texts = texts(result.extraction.items)
    step = [t for t in all_texts if "这一步" in t]
    assert step and all(t.startswith("LoopFix 的预算化反思：这一步") for t in step), all_texts
    assert [a for t in step for a in answers(t)] == ["9%"]
    english = [t for t in all_texts if "token cost" in t]
    assert english and all(t.startswith("LoopFix, Critic pruning：This cuts") for t in english), all_texts
    its = [t for t in all_texts if "overhead" in t]
    assert its and all(t.startswith("LoopFix, Critic pruning：Its overhead") for t in its), all_texts
    assert not [t for t in all_texts if "调用次数" in t]           # 细节 names no step
    assert any("open on the step before them" in d.message for d in result.diagnostics), result.diagnostics


def test_a_display_formula_is_under_the_answer_not_on_the_front(tmp_path):
    """Four phone lines of LaTeX on a cloze front, spelling out the answer (max(0,·) is the
    hinge): the sentence asks its word, the formula is on the back. A formula that holds
    the blank is what is asked and stays."""
    from papercards.items.formulas import formula_off_front
    text, taken = formula_off_front("加一个{{c1::hinge惩罚}}，就罚： $$L=\\max(0,x)$$ chosen没掉时退化成DPO")
    assert (text, taken) == ("加一个{{c1::hinge惩罚}}，就罚，chosen没掉时退化成DPO", ["$$L=\\max(0,x)$$"])
    assert formula_off_front("损失是 $$L={{c1::\\max(0,x)}}$$") == ("损失是 $$L={{c1::\\max(0,x)}}$$", [])
    body = ("#### 核心思路\n* 在DPO里加一个**铰链惩罚**，只要chosen的概率低于参考模型就罚：\n"
            "$$\\mathcal{L}=-\\log\\sigma(\\beta(h_w-\\lambda\\max(0,-h_w)-h_l))$$\n")
    _, items = items_of(tmp_path, notes(paper(1, "HingePO", "Keeping the Chosen Up", "保持被选回答的概率", body),
                                        *others()))
    mine = [i for i in items if i.kind == "cloze" and "铰链惩罚" in i.fields["text"]]
    assert mine, texts(items)
    assert all("$$" not in i.fields["text"] and "\\max(0,-h_w)" in i.fields["hint"] for i in mine), mine


def test_a_result_is_asked_once_and_shown_on_no_other_card(tmp_path):
    """"GSM8K 82.9% → [88.2%]，MATH 46.8% → 51.7%" then "MATH [51.7%]是不用外部工具的结果": the
    learner read the second card's answer on the first. A later card that shows a result an
    earlier one asks loses the clause that shows it, or is not carded when its blank's own
    clause shows it."""
    from papercards.items.asked_once import _without_results_asked
    body = ("#### 实验结论\n* GSM8K 82.9% → 88.2%，MATH 46.8% → 51.7%\n"
            "* MATH 51.7%是不用外部工具、不投票的结果，接近通用大模型\n")
    result, items = items_of(tmp_path, notes(paper(1, "GroupPO", "Group Preference Optimization",
                                                   "组偏好优化", body), *others()))
    mine = [t for t in texts(items) if t.startswith("GroupPO")]
    asked = [a for t in mine for a in answers(t)]
    assert asked == ["88.2%"], mine
    assert any("which another card of this paper" in d.message for d in result.diagnostics), result.diagnostics
    # a clause showing an asked result is cut; the blank's own clause showing one is no card
    cut = _without_results_asked("M：胜率从 25.4% 提升到 31.2%，同时训练开销只增加约 {{c1::3%}}。", {"31.2"})
    assert cut == ("M：训练开销只增加约 {{c1::3%}}。", "")
    assert _without_results_asked("M：reaches 31.2% with half the steps of {{c1::R1}}", {"31.2"})[1] == "31.2"
    assert _without_results_asked("M：胜率 {{c1::31.2%}}", {"31.2"}) == ("M：胜率 {{c1::31.2%}}", "")


def test_a_result_said_twice_or_computed_beside_it_is_hidden_wherever_it_stands(tmp_path):
    """"7% → 33%，绝对提升26%，控制长度之后也是33%": the line says 33% twice and 7 + 26 computes it;
    the blank was the model's name instead (reviewers: weak blank). One blank hides the
    result wherever it stands; the baseline stays shown, and the gain is on the back (a
    second blank on it was "redundant, arithmetic from the first" to reviewers, and shown on
    the front it computes the answer: `items.gains`)."""
    from papercards.items.blanks import result_numbers
    # a Chinese label right after the arrow is the reached number's, not a verb of change
    assert result_numbers("第一次 52.6% → 第二次 41.4%(Δ = −11.2%)")[0] == "41.4%"
    assert result_numbers("LC胜率从22.92%提升到51.66%")[0] == "51.66%"
    body = ("#### 实验结论\n* 7B的Orca-2.5对齐后，胜率 7% → 33%，绝对提升26%，控制了回答长度之后也是33%\n"
            "* base模型：第一次 52.6% → 第二次 41.4%，改完反而更差(Δ = −11.2%)\n")
    _, items = items_of(tmp_path, notes(paper(1, "NashPO", "Nash Preference Optimization", "纳什偏好优化", body),
                                        *others()))
    mine = [t for t in texts(items) if t.startswith("NashPO")]
    assert sorted(answers(t) for t in mine) == [["33%", "33%"], ["41.4%"]], mine
    orca, base = sorted(mine, key=lambda t: "Orca" not in t)
    assert "Orca-2.5" in orca and "7% →" in orca and "绝对提升26%" not in orca, mine
    assert "52.6% →" in base and "−11.2%" not in base, mine
    backs = [i.fields["hint"] for i in items if i.kind == "cloze" and i.fields["text"].startswith("NashPO")]
    assert any("绝对提升26%" in h for h in backs) and any("Δ = −11.2%" in h for h in backs), backs


def test_a_one_line_summary_that_strings_phrases_together_is_no_card(tmp_path):
    """"contrastive-learning simplicity + Nash theory, batched on-policy, monotonic
    improvement": a whole list on one card, each phrase asked by another card; reported.
    A sentence, English or Chinese, is still the summary."""
    from papercards.items.extractors.summary import lists_phrases
    assert lists_phrases("contrastive-learning simplicity + general-preference (Nash) theory, batched on-policy, "
                         "monotonic improvement.")
    assert not lists_phrases("throw away the critic, estimate each step's value by rolling out from it.")
    assert not lists_phrases("用组内平均代替critic，省显存，效果更好")
    listed = "#### 方法\n* 用**批量在策略**的数据做对比训练\n\n一句话：\nsimple contrastive loss, batched on-policy, " \
             "monotonic improvement.\n"
    said = "#### 方法\n* 用**批量在策略**的数据做对比训练\n\n一句话：\nweight each pair by how likely the policy is to " \
           "generate it.\n"
    result, items = items_of(tmp_path, notes(paper(1, "ListPO", "Listed Preference Optimization", "列举偏好优化", listed),
                                             paper(2, "SaidPO", "Said Preference Optimization", "说出偏好优化", said),
                                             *others()))
    summaries = {i.paper: i.fields["summary"] for i in items if i.kind == "summary"}
    assert list(summaries.values()) == ["weight each pair by how likely the policy is to generate it."], summaries
    assert any("list of phrases" in d.message for d in result.diagnostics), result.diagnostics


def test_an_item_labelled_with_the_papers_method_is_its_idea_even_with_no_word_to_blank(tmp_path):
    """"GRPO：对同一个问题采样一组输出，用组内奖励的均值和标准差归一化得到优势" under 核心思路 had
    no word worth a blank and was reported as a cue: the paper's method had no card. It is
    the method's idea, asked by the heading; another name's label is not."""
    body = ("#### 核心思路\n* 以前的方法要一个和策略模型差不多大的价值网络，很占显存\n"
            "* GroupPO：对同一个问题采样一组输出，用组内奖励的均值和标准差归一化得到优势\n"
            "* PPO：靠价值网络估计每一步的价值，方差很大\n")
    _, items = items_of(tmp_path, notes(paper(1, "GroupPO", "Group Preference Optimization", "组偏好优化", body),
                                        *others()))
    asked = {i.fields["question"]: i.fields["answer"] for i in items if i.kind == "claim"}
    assert asked.get("GroupPO 的核心思路？", "").startswith("对同一个问题采样一组输出"), asked
    assert not any(a.startswith("靠价值网络") and "核心思路？" == q[-5:] for q, a in asked.items()), asked


def test_a_score_asked_once_is_shown_on_no_later_card_and_a_clause_cut_on_its_participle_dangles():
    """DAPO's headline carded three times: "it reaches [50 points] on AIME 2024", its second
    clause alone ("beating R1-Zero (47) with only [50%] of the steps": whose?), and the
    results' "Full DAPO reaches 50 with half the steps of the [R1-Zero] reference"."""
    from papercards.items.asked_once import _result_of, _results_shown, _without_results_asked
    from papercards.items.dangling import dangling
    assert _result_of("50 points") == "50" and _result_of("64个") == ""
    assert "50" in _results_shown("Full DAPO reaches 50 with half the steps of the {{c1::R1}} reference")
    assert "2024" not in _results_shown("AIME 2024 上 {{c1::50 points}}")
    assert _without_results_asked("D：Full DAPO reaches 50 with half the steps of the {{c1::R1}} reference.",
                                  {"50"})[1] == "50"
    assert dangling("beating DeepSeek-R1-Zero-Qwen-32B (47) with only {{c1::50%}} of the training steps.")
    assert dangling("raising success from 58% to {{c1::91%}}.")
    assert not dangling("DAPO raises success from 58% to {{c1::91%}}.")


def test_a_generic_heading_keeps_what_its_figures_are_of_without_the_note_to_self(tmp_path):
    """"实验结论(MATH，Gemini 1.5 Flash，Table里的数)": the note to self goes, the benchmark and
    the model stay on the front (results without them were edited as missing context); a
    bracket that is all note to self goes whole, and one on its own line is no fact."""
    from papercards.items.dangling import without_notes_asides
    assert without_notes_asides("实验结论(MATH，Gemini 1.5 Flash，Table里的数)", heading=True) == \
        "实验结论(MATH，Gemini 1.5 Flash)"
    assert without_notes_asides("发现(只记了我关心的)", heading=True) == "发现"
    assert without_notes_asides("(ICML 2024，上次第17篇说的就是这篇)") == ""
    body = ("#### 实验结论(MATH，Gemini 1.5 Flash，Table里的数)\n* base模型：第一次 52.6% → 第二次 41.4%(Δ = −11.2%)\n"
            "* FixPO：第一次 60.0% → 第二次 64.4%(Δ = +4.4%)\n")
    _, items = items_of(tmp_path, notes(paper(1, "FixPO", "Self-Correcting Preference Optimization", "自我纠错偏好优化",
                                              body), *others()))
    mine = [t for t in texts(items) if t.startswith("FixPO")]
    assert mine and all(t.startswith("FixPO 的实验结论(MATH，Gemini 1.5 Flash)") for t in mine), mine
    # the row of the paper's own method does not name it again after the stem that does
    assert any("：第一次 60.0% →" in t for t in mine) and not any("：FixPO：" in t for t in mine), mine


def test_a_clause_that_goes_on_from_the_one_before_is_one_note_with_it(tmp_path):
    """"…reaches 50 points on AIME 2024, beating the previous best (47) with only 50% of the
    steps": cut at the comma, the second card read "beating … with only [50%]" (whose?) and
    the first showed nothing of it. One note, a blank each; and a sentence is not cut
    before the clause that says what happens ("…, it collapses quickly")."""
    text = ONE_PAPER.replace(
        "Agents that reflect without limit repeat the same failed plan many times.",
        "With a 7B model LoopFix reaches **71 points** on WebArena-Lite, beating the previous best (64) with only "
        "**40%** of the reflection tokens. With pointwise noise (each label flipped independently) the critic degrades "
        "gracefully, but with **correlated noise** tied to plan length, it collapses quickly.")
    root = tmp_path / "proj"
    (root / "source" / "agents").mkdir(parents=True)
    (root / "source" / "agents" / "LoopFix_2026.md").write_text(text, encoding="utf-8")
    (root / "papercards.yaml").write_text("deck: Test\n", encoding="utf-8")
    items = build(load_config(root), now=1_800_000_000).extraction.items
    mine = [t for t in texts(items) if "WebArena-Lite" in t or "beating" in t]
    assert len(mine) == 1 and answers(mine[0]) == ["71 points", "40%"], mine
    assert "{{c1::71 points}}" in mine[0] and "{{c2::40%}}" in mine[0] and "beating the previous best" in mine[0]
    noise = [t for t in texts(items) if "correlated noise" in t]
    assert noise and all(t.rstrip(".").endswith("it collapses quickly") for t in noise), noise


def test_a_term_asked_in_one_language_is_not_asked_again_in_the_other(tmp_path):
    """The notes' "用[排序损失]做hinge约束" and the abstract's "…learns to rank them
    through [ranking loss]": the keyword says they are one term, so it is asked once."""
    keywords = "* ranking loss 排序损失\n* preference optimization 偏好优化"
    body = "#### 核心思路\n* 多个回答按奖励排好序之后，用**排序损失**做hinge约束\n"
    abstract = ("Aligning language models with human preferences usually needs a reward model and PPO. In contrast, we "
                "propose a novel learning paradigm called RankPO, which scores sampled responses by their log "
                "probabilities and learns to align them with human preferences through ranking loss. RankPO needs "
                "only 1 to 2 models during tuning.\n"
                "将语言模型与人类偏好对齐通常需要奖励模型和PPO。相比之下，我们提出了一种称为 RankPO 的新学习范式，它通过对数概率给"
                "采样的回答打分，并通过排序损失学习使这些概率与人类偏好保持一致。RankPO 在调优期间只需要 1 到 2 个模型。")
    result, items = items_of(tmp_path, notes(paper(1, "RankPO", "Rank Preference Optimization", "排序偏好优化", body,
                                                   keywords=keywords, abstract=abstract), *others()))
    asked = [a for t in texts(items) if t.startswith("RankPO") for a in answers(t)]
    assert asked.count("排序损失") == 1 and "ranking loss" not in asked, texts(items)


def test_a_definition_is_asked_in_its_answers_language_and_names_its_term_only():
    """"DNO：what is DNO?" → 一个批量在策略的算法… said the name twice and asked in English
    for a Chinese answer; "作者引入**元评判**（meta-judge）：…" defined "作者引入元评判"."""
    from papercards.anki.fields import _definition_face
    from papercards.items.extractors.definitions import parse_definition
    from papercards.items.model import Item

    def front(term, definition, short):
        item = Item(id="p/definition/x", kind="definition", paper="p", fields={"term": term, "definition": definition})
        return _definition_face(item, None, short)[0].replace("<b>", "").replace("</b>", "")

    assert front("DNO", "一个批量在策略的算法，用基于回归的目标", "DNO") == "DNO 是什么？"
    assert front("COV", "Corruption, Overoptimization & Verbosity", "RLHF-COV") == "RLHF-COV：what is COV?"
    assert front("CHES", "Centered Hidden Embedding Similarity, 用最后一层hidden state算的相似度", "UU") == "UU：CHES 是什么？"
    assert parse_definition("作者引入**元评判**（meta-judge）：模型对自己的两条评判进行比较") == \
        ("元评判 (meta-judge)", "模型对自己的两条评判进行比较")
    assert parse_definition("作者引入元评判（meta-judge）：模型比较两条评判")[0] == "元评判 (meta-judge)"


def test_an_answer_that_opens_by_pointing_at_its_question_gives_way_to_the_cloze_under_it(tmp_path):
    """"What if the prompts differ? — That breaks the link to DPO. BCO adds **UDM**…": the Q&A
    and the cloze shared one front with two answers, and the Q&A's was not what was asked."""
    from papercards.items.extractors.qa_pairs import _ANSWERS_BY_POINTING
    assert _ANSWERS_BY_POINTING.match("That breaks the link to DPO.")
    assert not _ANSWERS_BY_POINTING.match("It is the ratio of the two densities.")
    text = ("# BCO: Binary Classifier Optimization\n\narXiv 2404.04656\n\n## Q&A\n\n"
            "**Q:** What if the thumbs-up and thumbs-down prompts come from different distributions?\n"
            "**A:** That breaks the link to DPO, which assumes both responses answer the same prompt. BCO adds "
            "**underlying distribution matching (UDM)**: a small classifier over prompt embeddings estimates a "
            "density ratio between the two prompt sets, and the loss is reweighted by it.\n")
    result, items = items_of(tmp_path, text)
    fronts = [i.fields.get("question", "") for i in items if i.kind == "claim"]
    assert not [f for f in fronts if "What if" in f], fronts
    assert any("What if" in t and "UDM" in "".join(answers(t)) for t in texts(items)), texts(items)
    assert any("points back at the question" in d.message for d in result.diagnostics)


def test_a_data_heading_is_generic_and_asks_its_source(tmp_path):
    """"GRPO：数据部分？" → four facts of pretraining data behind a bare label (reviewers:
    generic front). 数据部分 is a generic heading: its one fact is a cloze on its key word."""
    from papercards.items.fronts import is_generic, question_of
    assert is_generic("数据部分") and is_generic("数据集") and question_of("数据部分", "GRPO") == "GRPO 的数据？"
    body = "#### 数据部分\n在Base-v1.5 7B上继续预训练，用从Common Crawl里精心筛出来的120B数学相关token\n"
    _, items = items_of(tmp_path, notes(paper(1, "MathPO", "Math Preference Optimization", "数学偏好优化", body),
                                        *others()))
    mine = [t for t in texts(items) if t.startswith("MathPO 的数据：")]
    assert mine and answers(mine[0]) == ["Common Crawl"], texts(items)


def test_a_keyword_remark_about_what_the_paper_does_is_no_gloss(tmp_path):
    """"critic model 价值模型(GRPO直接不要了，用组内平均当baseline)": the remark is GroupPO's fact,
    not what a critic model is (reviewers: a remark read as a gloss, four rounds); the term
    is then a word-for-word pair, vocabulary, and gets no card. The fact stays the paper's."""
    keywords = "* critic model 价值模型(GroupPO直接不要了，用组内平均当baseline)\n* preference model 偏好模型(输入两个回答，输出一个比另一个好的概率)"
    result, items = items_of(tmp_path, notes(paper(1, "GroupPO", "Group Preference Optimization", "组偏好优化",
                                                   FILLER[0], keywords=keywords), *others()))
    terms = {i.fields["term"]: i.fields["note"] for i in items if i.kind == "term"}
    assert "critic model" not in terms, terms
    assert terms.get("preference model", "").startswith("输入两个回答"), terms
    assert any("says what the paper does with the term" in d.message for d in result.diagnostics)


def test_another_methods_cost_under_a_methods_idea_is_asked_as_its_problem():
    """"PPO要一个和策略模型差不多大的价值网络，很占显存" under GroupRL核心思路 was asked as
    "GroupRL核心思路 — PPO？" (reviewers: not a question, four rounds): it is the idea's
    starting point, PPO's problem. A line that names no cost keeps the plain shape."""
    from types import SimpleNamespace

    from papercards.config import Config
    from papercards.items.extractors.claims import subject_question
    pc = SimpleNamespace(info=SimpleNamespace(short="GroupRL"), ctx=SimpleNamespace(config=Config()))
    assert subject_question("GroupRL核心思路？", "PPO要一个和策略模型差不多大的价值网络来估计baseline，很占显存和计算", pc) == \
        ("GroupRL核心思路：PPO 的问题？", "要一个和策略模型差不多大的价值网络来估计baseline，很占显存和计算")
    assert subject_question("GroupRL核心思路？", "KL惩罚不加在reward里，直接加在loss里", pc)[0] == "GroupRL核心思路 — KL？"


def test_a_part_after_a_semicolon_keeps_the_benchmark_the_first_part_opens_on(tmp_path):
    """"MATH 51.7%是不用外部工具的结果；64个样本做self-consistency能到60.9%": cut at the semicolon,
    the second card said 60.9% of nothing (reviewers: missing context, four rounds)."""
    body = ("#### 实验结论\n* GSM8K 82.9% → 88.2%，MATH 46.8% → 51.7%\n"
            "* MATH 51.7%是不用外部工具、不投票的结果，接近**Gemini-Ultra**；64个样本做self-consistency能到60.9%\n")
    _, items = items_of(tmp_path, notes(paper(1, "MathRL", "Math Reinforcement Learning", "数学强化学习", body),
                                        *others()))
    sc = [t for t in texts(items) if "self-consistency" in t]
    assert sc and all("MATH：64个样本" in t for t in sc), texts(items)


def test_a_term_note_that_only_names_the_term_again_is_left_off(tmp_path):
    """"Cal-DPO (Calibrated DPO 校准DPO)" under calibrated direct preference optimization ·
    校准直接偏好优化: the note is its name again, with DPO left short (reviewers: clutter, four
    rounds); a note that says more than a name stays ("MAB问题是一个…优化问题")."""
    from papercards.items.glossary import _names_it_again
    exp = {"dpo": "Direct Preference Optimisation"}
    assert _names_it_again("Calibrated DPO 校准DPO", "calibrated direct preference optimization", exp)
    assert not _names_it_again("MAB问题是一个exploration vs. exploitation优化问题", "multi-armed bandit",
                               {"mab": "multi-armed bandit"})
    assert not _names_it_again("Calibrated DPO 校准DPO，让隐式奖励和真实奖励尺度一致",
                               "calibrated direct preference optimization", exp)


def test_a_one_line_summary_its_clozes_ask_whole_is_one_card(tmp_path):
    """Every clause of the summary is asked by its own result cloze: the summary Q&A would
    ask the same sentence again (three facts on one back), so it goes, with a note."""
    text = ("# GripNet: Slip-Aware Grasping\n\narXiv 2603.04410\n\n## 一句话总结\n\n"
            "A learned **slip detector** triggers grip adjustment within **30 ms**, raising success on "
            "fragile objects from 58% to **91%**.\n\n## 一、问题\n\nVision alone cannot tell when a grasp fails.\n")
    result, items = items_of(tmp_path, text)
    assert any("91%" in answers(t) for t in texts(items)), texts(items)
    assert not [i for i in items if i.kind == "summary"], [i.fields for i in items if i.kind == "summary"]
    assert any("one-line summary is asked by a cloze of the same sentence" in d.message for d in result.diagnostics)


def test_a_table_cell_a_summary_cloze_shows_as_a_percentage_is_not_asked_again(tmp_path):
    """"87%" shown by the summary's result cloze, then the results table asks its "87"
    under a "(%)" header: the learner has read the answer on the other card."""
    text = ("# GraspNet: Grasps in Clutter\n\narXiv 2601.00001\n\n## 一句话总结\n\n"
            "用扩散模型生成抓取姿态，在杂乱场景中的真机抓取成功率达到 87%，比此前最好的方法高 15 个百分点。\n\n"
            "## 三、实验\n\n| 方法 | 仿真成功率 (%) | 真机成功率 (%) |\n|---|---|---|\n"
            "| UniDexGrasp | 78.5 | 72 |\n| **GraspNet** | **90.3** | **87** |\n")
    _, items = items_of(tmp_path, text)
    asked = [a for t in texts(items) for a in answers(t)]
    assert any("15" in a for a in asked), texts(items)
    assert "87" not in asked and "90.3" in asked, texts(items)


def test_a_gain_that_computes_the_blank_is_on_the_back():
    """"52.6% → [41.4%]，改完反而更差(Δ = −11.2%)" asks a subtraction: the gain goes to the
    back, the finding beside it stays; a change that computes nothing stays on the front."""
    from papercards.items.gains import gain_off_front
    front, gain = gain_off_front("base模型：第一次 52.6% → 第二次 {{c1::41.4%}}，改完反而更差(Δ = −11.2%)")
    assert (front, gain) == ("base模型：第一次 52.6% → 第二次 {{c1::41.4%}}，改完反而更差", ["Δ = −11.2%"])
    front, gain = gain_off_front("胜率 7% → {{c1::33%}}，绝对提升26%，控制了回答长度之后也是{{c1::33%}}")
    assert (front, gain) == ("胜率 7% → {{c1::33%}}，控制了回答长度之后也是{{c1::33%}}", ["绝对提升26%"])
    front, gain = gain_off_front("accuracy rises from 55% to {{c1::72%}}, while length drops by 30%")
    assert gain == [] and front.endswith("drops by 30%")
    front, gain = gain_off_front("从 55% 提升到 {{c1::72%}}（提升 17 个点）")
    assert front == "从 55% 提升到 {{c1::72%}}" and gain == ["提升 17 个点"]


def test_a_result_line_with_its_gain_asks_the_number_reached_with_the_gain_on_the_back(tmp_path):
    body = ("#### 实验结论(MATH)\n* base模型：第一次 52.6% → 第二次 41.4%，改完反而更差(Δ = −11.2%)\n"
            "* SCoRe：第一次 60.0% → 第二次 64.4%(Δ = +4.4%)")
    _, items = items_of(tmp_path, notes(paper(1, "SCoRe", "Training Models to Self-Correct", "训练模型自我纠错", body),
                                        *others()))
    clozes = [i for i in items if i.kind == "cloze" and "第二次" in i.fields["text"]]
    assert clozes, texts(items)
    for item in clozes:
        assert "Δ" not in item.fields["text"] and "Δ" in item.fields["hint"], item.fields
        assert {"41.4%", "64.4%"} & set(answers(item.fields["text"])), item.fields


def test_a_blank_the_papers_own_name_stands_for_is_not_asked():
    """SCoRe = Self-Correction via RL: "[自我纠错]是很想要的能力" is answered by the name on
    the front (reviewers, three rounds); so is Cal-DPO's "[校准项]" (校准DPO). Half a name
    (偏好偏移 under 偏好漂移) or one word of it (Nash-MD under "Nash learning…") is not."""
    from papercards.items.blanks import expands_own_name
    long_names = ["Self-Correction via Reinforcement Learning", "校准直接偏好优化", "偏好漂移下的非平稳直接偏好优化",
                  "Nash learning from human feedback"]
    others_ = {"自我纠错": {"self-correction"}}
    assert expands_own_name("自我纠错", long_names, others_)
    assert expands_own_name("校准项", long_names, others_)
    assert expands_own_name("reinforcement learning", long_names, others_)
    assert not expands_own_name("偏好偏移", long_names, others_)
    assert not expands_own_name("Nash-MD", long_names, others_)
    assert not expands_own_name("多个模型", long_names, others_)


def test_a_line_whose_blank_the_name_answers_is_asked_by_its_heading(tmp_path):
    """No other word to blank: the heading asks the sentence ("FixPO 针对的问题？"), not a
    definition read off "自我纠错是很想要的能力，但是…" (a claim with a turn, no definition)."""
    from papercards.items.extractors.claims import copula_question
    assert copula_question("自我纠错是很想要的能力，但是现在的LLM基本纠不了", "FixPO") is None
    assert copula_question("最优的数据应该是每个token权重相同的数据", "TIS-DPO")
    body = "#### 问题\n自我纠错是很想要的能力，但是现在的LLM基本纠不了；已有的训练方法要么要多个模型，要么要更强的模型"
    _, items = items_of(tmp_path, notes(paper(1, "FixPO", "Self-Correcting Preference Optimization", "自我纠错偏好优化",
                                              body, keywords="* FixPO (Self-Correcting Preference Optimization)\n"
                                                             "* self-correction 自我纠错"), *others()))
    mine = [i for i in items if i.paper == "forum0001x"]
    assert not any("自我纠错" in answers(t) for t in texts(mine)), texts(mine)
    qa = [i.fields for i in mine if i.kind == "claim"]
    assert any(f["question"] == "FixPO 针对的问题？" and f["answer"].startswith("自我纠错是很想要的能力") for f in qa), qa
