import re
from pathlib import Path

import pytest

from papercards.text import split_sentences

NOTES = Path(__file__).resolve().parents[1] / "source" / "iclr2025-dpo.md"


def abstracts() -> list[str]:
    text = NOTES.read_text(encoding="utf-8")
    found = [m.group(1).strip() for m in re.finditer(r"^### 摘要\n(.*?)(?=^##? |\Z)", text, re.S | re.M)]
    return [a for a in found if a]


def test_english_abstract_of_ns_dpo():
    en = abstracts()[1].splitlines()[0]
    sents = split_sentences(en)
    assert len(sents) == 9
    assert sents[1] == ("However, these preferences can often change over time due to external "
                        "factors (e.g. environment change and societal influence).")
    assert sents[2] == "Consequently, what was wrong then might be right now."
    assert sents[4].endswith("propose Non-Stationary Direct Preference Optimisation (NS-DPO).")
    assert sents[7].startswith("Finally, we demonstrate the effectiveness of NS-DPO1 for")


def test_dr_dpo_is_not_a_sentence_end():
    en = abstracts()[6].splitlines()[0]
    sents = split_sentences(en)
    assert len(sents) == 7
    assert any(s.startswith("The novel hyperparameter in Dr. DPO allows") for s in sents)
    assert not any(s.endswith("Dr.") for s in sents)
    zh = abstracts()[6].splitlines()[1]
    zh_sents = split_sentences(zh)
    assert len(zh_sents) == 7
    assert zh_sents[5].startswith("Dr. DPO 中的新型超参数")


def test_enumeration_stays_one_sentence():
    en = "\n".join(abstracts()[4].splitlines()[:2])
    sents = split_sentences(en)
    una = [s for s in sents if "UNA can 1. unify" in s]
    assert len(una) == 1
    assert una[0].endswith("3. accommodate different feedback types including pairwise, binary and scalar feedback.")
    assert len(sents) == 10
    zh = split_sentences(abstracts()[4].splitlines()[3])
    assert any("1.将 RLHF/PPO" in s and ";2. 优于" in s and ";3. 适应" in s for s in zh)


def test_chinese_stray_leading_space_and_all_counts():
    zh = abstracts()[0].splitlines()[1]
    sents = split_sentences(zh)
    assert len(sents) == 10
    assert sents[-1].startswith("我们相信")            # stripped
    assert all(s == s.strip() and s for s in sents)


@pytest.mark.parametrize("text, expected", [
    ("See Fig. 3 for details. Results improve.", ["See Fig. 3 for details.", "Results improve."]),
    ("We follow Smith et al. (2020). Next.", ["We follow Smith et al. (2020).", "Next."]),
    ("It gains 4.5% over DPO. It is 3.0x faster.", ["It gains 4.5% over DPO.", "It is 3.0x faster."]),
    ("i.e. The same. vs. Other.", ["i.e. The same. vs. Other."]),
    ("J. Smith wrote it. Then.", ["J. Smith wrote it.", "Then."]),
    ("Results: 1. Unify data. 2. Outperform.", ["Results: 1. Unify data.", "2. Outperform."]),
    ("It is 10. Then we stop.", ["It is 10.", "Then we stop."]),
    ("Wait! Really? Yes.", ["Wait!", "Really?", "Yes."]),
    ("他说：“好的。”然后走了！对吗？是的", ["他说：“好的。”", "然后走了！", "对吗？", "是的"]),
    ("结果（见表一。）下一句；同一句。", ["结果（见表一。）", "下一句；同一句。"]),
    ("性能.然后下一句。", ["性能.", "然后下一句。"]),
    ("English sentence. 中文句子。English again.", ["English sentence.", "中文句子。", "English again."]),
    ("soft\nwrap here.\n\nNew paragraph", ["soft wrap here.", "New paragraph"]),
    ("中文第一\n行接续。", ["中文第一行接续。"]),
    ("", []),
    ("   \n  ", []),
])
def test_rules(text, expected):
    assert split_sentences(text) == expected
