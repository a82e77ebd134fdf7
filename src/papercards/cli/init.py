"""papercards init: a new notes project with config, folders and a short example."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import AUTO_LAYOUT, CONFIG_NAME, DEFAULT_CONFIG_TEXT, MANY_PAPERS, ONE_PAPER
from ..fsutil import atomic_write
from .example_one_paper import EXAMPLE_ONE_PAPER, EXAMPLE_PATH
from .common import EXIT_BAD_INPUT, echo, handle_errors

EXAMPLE_NOTE = """\
# My paper notes

## 1. Direct Preference Optimization: Your Language Model is Secretly a Reward Model
直接偏好优化：你的语言模型其实是一个奖励模型

### 关键字
* DPO (直接偏好优化 Direct Preference Optimization)
* RLHF (基于人类反馈的强化学习 Reinforcement Learning from Human Feedback)
* Fine-Tuning

### 主要内容
#### 解决了什么问题
* RLHF 需要先训练**奖励模型**，再用强化学习优化策略，过程复杂且不稳定

#### 核心思想
* 奖励函数可以用策略本身表示，偏好学习变成一个简单的**分类损失**

一句话：
DPO optimizes the policy directly on preference pairs, with no reward model and no RL.

### 文章链接
* <a href="https://openreview.net/forum?id=HPuSIXJaa9">OpenReview</a>

### 摘要
We introduce Direct Preference Optimization (DPO), which fits the policy to human preferences with a simple classification loss.
我们提出了直接偏好优化 （DPO），它用一个简单的分类损失让策略拟合人类偏好。

## 占位
"""


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--deck", default="Paper notes", show_default=True, help="Name of the Anki deck.")
@click.option("--layout", type=click.Choice([MANY_PAPERS, ONE_PAPER]), default=MANY_PAPERS, show_default=True,
              help="How your notes hold papers: many per file (## 1. Title), or one per file "
                   "(# 简称：中文标题 with a metadata quote, files in topic folders).")
@handle_errors
def init_cmd(directory: Path, deck: str, layout: str) -> None:
    """Create a new notes project in DIRECTORY: papercards.yaml, source/ with a
    short example note, cards/ and decks/. Existing files are never overwritten."""
    config_path = directory / CONFIG_NAME
    if config_path.exists():
        echo(f"error: {config_path} already exists; nothing changed", fg="red", err=True)
        sys.exit(EXIT_BAD_INPUT)
    for sub in ("source", "cards", "decks"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    one_paper = layout == ONE_PAPER
    atomic_write(config_path, DEFAULT_CONFIG_TEXT.format(deck=_yaml_str(deck),
                                                         layout=ONE_PAPER if one_paper else AUTO_LAYOUT))
    name, text = (EXAMPLE_PATH, EXAMPLE_ONE_PAPER) if one_paper else ("example.md", EXAMPLE_NOTE)
    example = directory / "source" / name
    if not example.exists():
        example.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(example, text)
    echo(f"Created a papercards project in {directory}/")
    echo(f"  {CONFIG_NAME}       settings (deck name, layout, section headings, card kinds)")
    echo(f"  source/{name}     an example note: replace it with yours")
    echo("  cards/  decks/        filled by 'papercards build'")
    echo(f"Next: cd {directory} && papercards build")


def _yaml_str(text: str) -> str:
    import json
    return json.dumps(text, ensure_ascii=False)
