import re
from pathlib import Path

from papercards.text import align_sentences, cjk_ratio, split_abstract, split_sentences

NOTES = Path(__file__).resolve().parents[1] / "source" / "iclr2025-dpo.md"


def abstracts() -> list[str]:
    text = NOTES.read_text(encoding="utf-8")
    found = [m.group(1).strip() for m in re.finditer(r"^### 摘要\n(.*?)(?=^##? |\Z)", text, re.S | re.M)]
    return [a for a in found if a]


def sentences(k: int) -> tuple[list[str], list[str]]:
    en, zh = split_abstract(abstracts()[k])
    return split_sentences(en), split_sentences(zh)


def test_seven_abstracts_are_shipped():
    assert len(abstracts()) == 7


def test_split_abstract_every_paper():
    for k, body in enumerate(abstracts()):
        en, zh = split_abstract(body)
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        assert en and zh, k
        assert en.splitlines() == [ln for ln in lines if cjk_ratio(ln) < 0.3]
        # every line went to exactly one side, in order
        assert sorted(en.splitlines() + zh.splitlines()) == sorted(lines)
        assert cjk_ratio(en) < 0.05 and cjk_ratio(zh) > 0.6
        assert en.startswith(("Aligning", "Reinforcement", "Direct", "An LLM", "This study")), k
    # paper 5's English abstract is two lines, so is its Chinese
    en, zh = split_abstract(abstracts()[4])
    assert len(en.splitlines()) == 2 and len(zh.splitlines()) == 2
    assert zh.startswith("LLM 在数万亿个令牌上") and "下游实验表明" in zh


def test_mixed_line_is_split_by_sentence():
    en, zh = split_abstract("We propose NS-DPO. It handles drift.我们提出了 NS-DPO。它能处理漂移。")
    assert en == "We propose NS-DPO. It handles drift."
    assert zh == "我们提出了 NS-DPO。它能处理漂移。"


def test_english_line_quoting_chinese_stays_english():
    en, zh = split_abstract("DPO (直接偏好优化) is a simple alternative to RLHF with PPO training.\n"
                            "DPO（直接偏好优化）是 RLHF 的简单替代方案。")
    assert en.startswith("DPO (直接偏好优化) is")
    assert zh.startswith("DPO（直接偏好优化）是")


def test_ns_dpo_pairs():
    en, zh = sentences(1)
    pairs = align_sentences(en, zh)
    assert len(pairs) == 9
    found = [(e, z) for e, z, _ in pairs if "we propose" in e.lower() or "propose Non-Stationary" in e]
    assert len(found) == 1
    e, z = found[0]
    assert e.startswith("To address this limitation, we use a Dynamic Bradley-Terry model")
    assert "提出了非平稳直接偏好优化 （NS-DPO）" in z
    by_en = {e[:30]: z for e, z, _ in pairs}
    assert by_en["Consequently, what was wrong t"] == "因此，当时的错误可能现在就是正确的。"
    assert by_en["By introducing a discount para"].startswith("通过在损失函数中引入 discount 参数")
    assert by_en["Finally, we demonstrate the ef"].startswith("最后，我们证明了 NS-DPO1")


def test_all_papers_align_one_to_one_in_order():
    """The shipped translations keep the sentence structure: every pair is the same index."""
    for k in range(7):
        en, zh = sentences(k)
        assert len(en) == len(zh), k
        pairs = align_sentences(en, zh)
        assert [(e, z) for e, z, _ in pairs] == list(zip(en, zh)), k
        assert all(0.0 <= c <= 1.0 for _, _, c in pairs)
        assert sum(c for *_, c in pairs) / len(pairs) > 0.7, k


def test_specific_pairs_across_papers():
    def pair_of(k, start):
        en, zh = sentences(k)
        return next(z for e, z, _ in align_sentences(en, zh) if e.startswith(start))
    assert pair_of(0, "We believe our findings").startswith("我们相信我们的发现")        # after the stray space
    assert pair_of(3, "In this work, we propose RLHF-COV").startswith("在这项工作中，我们提出了 RLHF-COV")
    assert pair_of(4, "In this paper, we propose").startswith("在本文中，我们提出了 \\textbf{UN}ified")
    assert "4.5%" in pair_of(5, "On Safe-RLHF dataset")                               # numbers only in Chinese
    assert pair_of(6, "Extending this framework").startswith("扩展此框架，我们引入了分布稳健性 DPO （Dr. DPO）")


def test_missing_chinese_sentence_is_skipped_not_shifted():
    en, zh = sentences(1)
    del zh[2]                                            # drop 因此，当时的错误…
    pairs = [(e, z) for e, z, _ in align_sentences(en, zh)]
    full_en, full_zh = sentences(1)
    expected = [(full_en[i], full_zh[i]) for i in range(9) if i != 2]
    good = sum(p in expected for p in pairs)
    assert good >= 7


def test_merged_chinese_sentences_give_a_two_to_one_pair():
    en, zh = sentences(2)
    merged = zh[:3] + [zh[3] + zh[4]] + zh[5:]
    pairs = align_sentences(en, merged)
    assert (en[3] + " " + en[4], zh[3] + zh[4]) in [(e, z) for e, z, _ in pairs]
    assert len(pairs) == 9


def test_empty_sides():
    assert align_sentences([], ["中文。"]) == []
    assert align_sentences(["English."], []) == []
