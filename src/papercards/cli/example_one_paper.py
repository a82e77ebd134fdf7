"""The example note `papercards init --layout one-paper-per-file` writes: one made-up
paper in its own file, in a topic folder, in the shape such notes take."""

EXAMPLE_PATH = "01-example-topic/planning/MadeUpPlanner_2026.md"

EXAMPLE_ONE_PAPER = """\
# MUP：一个虚构的分层规划方法

> **论文**：*MUP: A Made-Up Planner for Illustrating Notes*
> **作者**：Ada Example, Bo Placeholder
> **机构**：Example University
> **发布时间**：2026 年 01 月（arXiv 2601.00001）
> 🔗 [arXiv](https://arxiv.org/abs/2601.00001) | [PDF](https://arxiv.org/pdf/2601.00001)
> **分类标签**：`planning` `example`

## 一句话总结

MUP 是一个**虚构的例子**：它把规划分成**高层子目标**和**低层动作**两级，在示例基准上比单层规划高 **12.5 分**。

## 一、问题与动机

单层规划在长任务上容易迷失方向，因为每一步都要在全部动作空间里搜索。

**用大白话说**：先定几个路标，再一段一段走，比一口气规划整条路容易。

## 二、核心方法

### 2.1 两级结构

1. **高层规划器**：每隔 $k$ 步给出一个子目标；
2. **低层控制器**：只负责走到当前子目标。

## 三、实验

| 方法 | 示例基准 |
|---|---|
| 单层规划 | 60.0 |
| **MUP** | **72.5** |

## 参考

1. Example, A. (2026). *MUP: A Made-Up Planner for Illustrating Notes*. arXiv:2601.00001.
"""
