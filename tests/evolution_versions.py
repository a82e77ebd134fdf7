"""Successive versions of the shipped notes, derived by string edits (deterministic).

Each edit is the kind of change the author really makes over a week of reading:
placeholders filled with new papers, an empty ``####`` filled in, bullets
reworded slightly and heavily, a title typo introduced and fixed (also on a
paper without an OpenReview link, whose key is a title slug), papers renumbered
and reordered, a bullet and a whole sub-section deleted, keywords added.

Every replacement asserts that the text it edits is there (exactly once unless
said otherwise), so a change to the shipped file fails loudly here instead of
silently testing nothing.
"""

from __future__ import annotations

import re

from conftest import SHIPPED

from papercards.notes import slugify

PLACEHOLDER = "## 占位\n### 关键字\n### 主要内容\n### 文章链接\n### 摘要\n"

# A new paper with an OpenReview link (a new forum id) for the first placeholder.
PAPER_DICE = """\
## 8. Bootstrapping Language Models with DPO Implicit Rewards
用DPO隐式奖励自举语言模型
### 关键字
* DPO
* DICE (DPO隐式奖励自举 DPO ImpliCit rEwards)
### 主要内容
#### 核心思想
* 用DPO训练得到的隐式奖励模型给新的回答打分，构造新的偏好数据
* 多轮迭代，不需要外部奖励模型或人工标注
#### 关键技巧
* 长度正则化的奖励塑形，减少对长回答的偏好
* 经验回放，混合使用旧的高质量偏好数据
### 文章链接
* <a href="./papers/4321_Bootstrapping_Language_Mo.pdf">查看PDF</a>
* <a href="https://openreview.net/forum?id=dliIIodM6b">ICLR链接</a>
### 摘要
Human alignment in large language models (LLMs) is an active area of research. In this work, we propose a self-alignment method, DICE, that uses the implicit reward model of a DPO-trained policy to build a preference dataset for further DPO rounds. We add length-regularized reward shaping and experience replay to improve the quality of the dataset.
大型语言模型（LLMs）的人类对齐是一个活跃的研究领域。在这项工作中，我们提出了一种自对齐方法 DICE，它使用 DPO 训练后策略的隐式奖励模型构建偏好数据集，用于后续轮次的 DPO。我们加入长度正则化的奖励塑形和经验回放，以提高数据集的质量。
"""

# A new paper WITHOUT an OpenReview link (its key is a slug of its title), with a typo.
PAPER_SIMPO = """\
## 9. SimPO: Simple Preference Optimization with a Referance-Free Reward
SimPO：基于无参考奖励的简单偏好优化
### 关键字
* DPO
* reference-free reward 无参考奖励
### 主要内容
#### SimPO的隐式奖励
* 用序列的平均对数概率作为隐式奖励，不需要参考模型
* 在Bradley-Terry目标中加入目标奖励间隔
### 文章链接
* <a href="https://arxiv.org/abs/2405.14734">arXiv</a>
### 摘要
Direct Preference Optimization (DPO) is a widely used offline preference optimization algorithm. We propose SimPO, a simpler yet more effective approach that uses the average log probability of a sequence as the implicit reward.
直接偏好优化（DPO）是一种广泛使用的离线偏好优化算法。我们提出了 SimPO，一种更简单但更有效的方法，它使用序列的平均对数概率作为隐式奖励。
"""

SIMPO_TITLE_TYPO = "SimPO: Simple Preference Optimization with a Referance-Free Reward"
SIMPO_KEY_TYPO = slugify(SIMPO_TITLE_TYPO)     # no OpenReview id: the key is a slug of the title
DICE_KEY = "dliIIodM6b"
SIMPO_LATE_OPENREVIEW = "3Tzcot1LKb"          # added in v6: the key stays the slug

# Item ids of the shipped notes that the sequence touches (asserted to exist in v1).
DR_DPO_FILLED = "#### 提出Dr. DPO\n* 在DPO中加入成对的分布稳健优化，针对最坏情况的成对情景进行优化\n* 新的超参数控制数据对的可靠性\n"
BULLET_V1 = "* 选择和拒绝响应的梯度之间的相互作用会导致不稳定\n"
BULLET_V3 = "* 选择和拒绝响应的梯度之间的相互作用会引起不稳定\n"      # one word


def replace(text: str, old: str, new: str, count: int = 1) -> str:
    """Replace ``old`` (which must occur exactly ``count`` times) with ``new``."""
    found = text.count(old)
    assert found == count, f"expected {count} occurrence(s) of {old!r}, found {found}"
    return text.replace(old, new)


def replace_first(text: str, old: str, new: str) -> str:
    assert old in text, f"missing {old!r}"
    return text.replace(old, new, 1)


def paper_block(text: str, number: int) -> str:
    """The whole ``## N. …`` block, up to the next ``## `` heading."""
    m = re.search(rf"(?ms)^## {number}\. .*?(?=^## )", text)
    assert m, f"no paper {number}"
    return m.group(0)


def v1(text: str) -> str:
    """The shipped notes."""
    return text


def v2(text: str) -> str:
    """Two placeholders filled with new papers (one with typos in its title and no
    OpenReview link), the empty ``####`` of paper 7 filled, and a typo brought into
    paper 6's title."""
    text = replace_first(text, PLACEHOLDER, PAPER_DICE)
    text = replace_first(text, PLACEHOLDER, PAPER_SIMPO)
    text = replace(text, "#### \n### 文章链接\n* <a href=\"./papers/10293", DR_DPO_FILLED
                   + "### 文章链接\n* <a href=\"./papers/10293")
    text = replace(text, "## 6. The Crucial Role of Samplers in Online Direct Preference Optimization",
                   "## 6. The Crucial Role of Samplers in Online Direct Preferance Optimization")
    return text


def v3(text: str) -> str:
    """One bullet reworded by one word (and nothing else)."""
    return replace(v2(text), BULLET_V1, BULLET_V3)


def v4(text: str) -> str:
    """Heavier edits: a sub-heading reworded, paragraphs rewritten, a heading and its
    content rewritten together (a different item now), a definition reworded, and
    the sampler bullet bolded a second word."""
    text = v3(text)
    text = replace(text, "#### DPO不稳定的来源\n", "#### DPO训练不稳定的来源\n")
    text = replace(text, "学习一个偏移改进模型，从偏好数据集中提取隐含偏好。然后使用学习到的改进模型从当前扩散模型生成的图像中生成获胜图像。"
                   "通过使用当前扩散模型生成的图像作为失败图像，并将其相应的改进图像作为获胜图像来构建新的偏好数据对。",
                   "先训练一个改进模型，把当前扩散模型生成的图片改得更好；原图当作失败样本，改进后的图当作获胜样本，"
                   "组成新的偏好对，在线地反复做DPO。")
    text = replace(text, "#### 技术细节\n在损失函数中引入discount参数，NS-DPO应用指数加权，按比例学习集中在与时间相关的更多数据点上\n",
                   "#### 折扣因子γ的直觉\n越旧的偏好样本权重越小：第i条样本的权重是γ的(T-i)次方，γ越接近1越不遗忘\n")
    text = replace(text, "* 逐点噪声(pointwise noise)：包括低质量数据点\n", "* 逐点噪声(pointwise noise)：指低质量的数据点\n")
    text = replace(text, "可以直接迭代应用在先偏好数据集来优化扩散模型", "可以直接迭代应用在线生成的偏好数据集来优化扩散模型")
    text = replace(text, "* 文章提出的**在线采样器**实现二次收敛\n", "* 文章提出的**在线采样器**实现**二次收敛**\n")
    return text


def v5(text: str) -> str:
    """Title typos fixed (one key is a title slug), keywords added, the cloze sentence
    turned around (its blanks swap places)."""
    text = v4(text)
    text = replace(text, "with a Referance-Free Reward", "with a Reference-Free Reward")
    text = replace(text, "Online Direct Preferance Optimization", "Online Direct Preference Optimization")
    text = replace(text, "* DPO\n* Diffusion Models\n", "* DPO\n* Diffusion Models\n* Online Learning 在线学习\n")
    text = replace(text, "* multi-armed bandit多臂老虎机(MAB问题是一个exploration vs. exploitation优化问题)\n",
                   "* multi-armed bandit多臂老虎机(MAB问题是一个exploration vs. exploitation优化问题)\n"
                   "* convergence rate 收敛率\n")
    text = replace(text, "* 文章提出的**在线采样器**实现**二次收敛**\n", "* **二次收敛**由文章提出的**在线采样器**实现\n")
    return text


def v6(text: str) -> str:
    """Papers 2 and 3 swap places and numbers; a nested bullet (a definition of its
    own) and a whole sub-section are deleted; a bullet of a list is deleted; the
    paper keyed by its title slug gets an OpenReview link (its key must not change)."""
    text = v5(text)
    text = replace(text, '* <a href="https://arxiv.org/abs/2405.14734">arXiv</a>\n',
                   '* <a href="https://arxiv.org/abs/2405.14734">arXiv</a>\n'
                   f'* <a href="https://openreview.net/forum?id={SIMPO_LATE_OPENREVIEW}">OpenReview</a>\n')
    two, three = paper_block(text, 2), paper_block(text, 3)
    swapped = three.replace("## 3. ", "## 2. ", 1) + two.replace("## 2. ", "## 3. ", 1)
    text = replace(text, two + three, swapped)
    text = replace(text, "    * logit混合是一种集成方法，通过将多个模型的输出进行加权组合以生成更加稳定和准确的预测\n", "")
    text = replace(text, "#### DPO训练不稳定的来源\n" + BULLET_V3 + "\n", "")
    text = replace(text, "* 研究配对偏好数据的分布对DPO的影响\n", "")
    text = replace(text, "3. 适用不同的反馈类型，包括成对、二进制和标量反馈\n", "")
    return text


def v7(text: str) -> str:
    """Nothing changed since v6: a rebuild must change nothing."""
    return v6(text)


VERSIONS = [v1, v2, v3, v4, v5, v6, v7]


def shipped() -> str:
    return SHIPPED.read_text(encoding="utf-8")
