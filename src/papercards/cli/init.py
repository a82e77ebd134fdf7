"""papercards init: a new notes project with config, folders and a short example."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import CONFIG_NAME, MANY_PAPERS, ONE_PAPER
from ..config_schema import config_text
from ..fsutil import atomic_write
from .common import EXIT_BAD_INPUT, echo, handle_errors
from .example_one_paper import EXAMPLE_ONE_PAPER, EXAMPLE_PATH

# The example is a made-up paper (no OpenReview id, a title no real paper has): notes
# of your own never share its key, and deleting it retires only its own cards.
EXAMPLE_NOTE = """\
# My paper notes

## 1. Papercards Example: Counting Sheep with a Toy Sleep Model
示例论文：用玩具睡眠模型数羊

### 关键字
* TSM (玩具睡眠模型 Toy Sleep Model)
* Sheep Counting

### 主要内容
#### 解决了什么问题
* 入睡前数羊容易数错，作者用**玩具睡眠模型**记下每一只羊

#### 核心思想
* 每只羊跳过栅栏时计数一次，计数器在**第 100 只**时停止

一句话：
TSM counts each sheep once, as it jumps the fence, and stops at the hundredth.

### 摘要
We introduce the Toy Sleep Model (TSM), a made-up example that counts sheep as they jump a fence.
我们提出了玩具睡眠模型 （TSM），一个虚构的例子，在羊跳过栅栏时数羊。

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
    chosen = {"deck": deck, **({"layout": ONE_PAPER} if one_paper else {})}
    atomic_write(config_path, config_text(chosen))
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

