"""Eight versions of the shipped notes with the slips of a real week of note taking.

Derived from the shipped file by string edits (deterministic), each one a
pattern seen in an author's real history: 50 papers added below the shipped
ones (all with the same generic sub-headings ``作用效果`` / ``细节``, two with
the same short name), lines inserted near the top (every paper below moves),
sub-headings renamed, one paper's abstract pasted into another's entry and
fixed two versions later, an empty ``## `` between two papers, two papers'
OpenReview links swapped, and an unchanged rebuild.

Every replacement asserts that the text it edits is there, so a change to
the shipped file fails loudly here instead of silently testing nothing.
"""

from __future__ import annotations

import re

from conftest import SHIPPED
from evolution_versions import paper_block, replace

PLACEHOLDERS = re.compile(r"(?m)^## 占位\n(?:### .*(?:\n|$))*\n?")
GENERATED = 50
TITLE = "# ICLR2025中DPO(Direct Reference Optimization)相关文章收录\n"
TWINS = (20, 21)                 # two generated papers with the same short name
LINK_4 = "https://openreview.net/forum?id=K2OWrXUVby"
LINK_5 = "https://openreview.net/forum?id=ZSbsX1sFo3"


def generated_paper(n: int) -> str:
    """A small paper of its own (own key, title, terms, numbers), with the generic
    sub-headings every author reuses; the twins also share their short name and
    their notes (the second entry started as a copy of the first)."""
    name = "TwinPO" if n in TWINS else f"Gen{n}PO"
    c = TWINS[0] if n in TWINS else n
    return (
        f"## {7 + n}. {name}: Preference Optimization Study Number {n} on Topic {n * 7 % 13}\n"
        f"第{n}号偏好优化研究\n\n"
        f"### 关键字\n* DPO\n* {name} (第{n}号优化 Generated Optimization {n})\n\n"
        f"### 主要内容\n#### 作用效果\n* 在基准{c}上把胜率提高了{c}.{c % 10}%\n\n"
        f"#### 细节\n* 使用**温度系数{c}**来稳定训练\n\n"
        f"### 文章链接\n* <a href=\"https://openreview.net/forum?id=Gen{n:04d}Paper\">ICLR链接</a>\n\n"
        f"### 摘要\nWe study preference optimization setting number {n} and report a gain of {n}.{n % 10} "
        f"points on benchmark {n}.\n我们研究第{n}号偏好优化设定，在基准{n}上提升了{n}.{n % 10}个点。\n\n"
    )


def abstract_of(text: str, number: int) -> str:
    """The English and Chinese abstract lines of paper ``number``."""
    block = paper_block(text + "## end\n", number)
    return block.split("### 摘要\n", 1)[1].strip("\n") + "\n"


def v1(text: str) -> str:
    """The shipped notes."""
    return text


def v2(text: str) -> str:
    """50 papers added where the placeholders were."""
    assert len(PLACEHOLDERS.findall(text)) == 5
    papers = "".join(generated_paper(n) for n in range(1, GENERATED + 1))
    return PLACEHOLDERS.sub("", text).rstrip("\n") + "\n\n" + papers


def v3(text: str) -> str:
    """Lines inserted near the top: every paper below moves down."""
    return replace(v2(text), TITLE, TITLE + "\n读书笔记：ICLR 2025 里和 DPO 有关的文章。\n\n每周更新。\n")


def v4(text: str) -> str:
    """Paper 2's abstract pasted over paper 3's, and an empty ``## `` between papers 6 and 7."""
    text = v3(text)
    text = replace(text, abstract_of(text, 3), abstract_of(text, 2))
    return replace(text, "\n## 7. ", "\n## \n\n## 7. ")


def v5(text: str) -> str:
    """Sub-headings renamed (one generic), and papers 4 and 5 trade OpenReview links."""
    text = v4(text)
    text = replace(text, "#### 技术细节\n", "#### 实现细节\n")
    text = replace(text, "#### 作用效果\n* 在基准30上", "#### 效果\n* 在基准30上")
    text = replace(text, "#### DPO不稳定的来源\n", "#### 训练不稳定的来源\n")
    text = replace(text, LINK_4, "@4@")
    text = replace(text, LINK_5, LINK_4)
    return replace(text, "@4@", LINK_5)


def v6(text: str) -> str:
    """The paste fixed (two versions later): paper 3 has its own abstract back."""
    text = v5(text)
    block = paper_block(text, 3)
    own = abstract_of(SHIPPED.read_text(encoding="utf-8"), 3)
    return replace(text, block, block.replace(abstract_of(text, 3), own))


def v7(text: str) -> str:
    """The generic ``细节`` in two shipped papers as well, more lines near the top,
    the empty ``## `` gone."""
    text = v6(text)
    text = replace(text, "\n## \n\n## 7. ", "\n## 7. ")
    text = replace(text, "#### 这个工作做了什么\n", "#### 细节\n* 使用**梯度裁剪**来稳定训练\n\n#### 这个工作做了什么\n")
    text = replace(text, "#### RLHF存在的问题\n", "#### 细节\n* 使用**滑动窗口**估计偏好漂移\n\n#### RLHF存在的问题\n")
    return replace(text, TITLE, TITLE + "\n（第二周）\n")


def v8(text: str) -> str:
    """Nothing changed since v7."""
    return v7(text)


VERSIONS = [v1, v2, v3, v4, v5, v6, v7, v8]
