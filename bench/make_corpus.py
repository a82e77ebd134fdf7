#!/usr/bin/env python3
"""Derive a larger notes project from the shipped notes (a benchmark corpus, not a test).

    python bench/make_corpus.py OUT_DIR --size 10 [--layout files|one]

``--size N`` makes N copies of every paper of ``source/iclr2025-dpo.md`` (7
papers with content and 5 placeholders): copy 0 is the shipped text as it
is, copy k gets

* a unique English and Chinese title, OpenReview id and PDF path (so every
  copy is its own paper with its own key, deck and store file);
* its own names for the paper-specific terms and methods (``NS-DPO`` →
  ``BAK-NS-DPO`` defined as ``Bako Non-Stationary Direct Preference
  Optimisation``, ``非平稳直接偏好优化`` → ``巴科非平稳直接偏好优化``), so
  they make new glossary entries instead of all collapsing into one; the
  terms every DPO paper shares (DPO, RLHF, LLM, PPO, …) stay shared, as in
  real notes;
* words swapped for synonyms and numbers changed, chosen deterministically
  from k, so no two copies have the same sentences (jieba does real work).

``--layout files`` (default) writes one notes file per copy, like a folder of
conference notes; ``--layout one`` puts every copy in a single big file.
The output is a project folder: ``papercards.yaml`` and ``source/*.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "source" / "iclr2025-dpo.md"

# One syllable per base-32 digit of the copy number, in Latin and in Chinese.
_EN_SYL = ("ba ko ri mu te lo sa ne vi du pe ga zo fi ha ju "
           "ke la mi no pu ra se to wu ya be co di fo gu he").split()
_ZH_SYL = "巴科里穆特洛萨内维杜佩加佐菲哈朱克兰米诺普睿塞托吴雅贝柯迪福古赫"

# Synonym swaps; each copy takes a deterministic subset. None of these words
# is part of a term or of the phrases the extractors look for (we propose, 提出, 问题…).
_ZH_SWAPS = [("研究", "探讨"), ("方法", "方案"), ("显着", "显著"), ("提供", "给出"), ("表明", "显示"),
             ("分析", "剖析"), ("性能", "表现"), ("复杂", "繁杂"), ("简单", "简易"), ("影响", "作用"),
             ("改进", "改善"), ("进一步", "更进一步"), ("广泛", "普遍"), ("重要", "关键"), ("见解", "洞见"),
             ("有效", "有力")]
_EN_SWAPS = [("significant", "substantial"), ("novel", "new"), ("simple", "plain"), ("important", "key"),
             ("recent", "latest"), ("practical", "realistic"), ("critical", "crucial"),
             ("comprehensive", "thorough"), ("severe", "serious"), ("effective", "useful"),
             ("efficient", "economical"), ("Empirical", "Experimental"), ("enhance", "boost"),
             ("insights", "findings"), ("stable", "steady"), ("rigorous", "careful")]

# Paper-specific names: (pattern, replacement with {W} Latin word, {Z} Chinese word, {A} capitals).
# Ordered longest first; applied to the whole paper block.
_TERMS = [
    ("Non-Stationary Direct Preference Optimisation", "{W} Non-Stationary Direct Preference Optimisation"),
    ("Non-Stationary DPO", "{W} Non-Stationary DPO"),
    ("NS-DPO", "{A}-NS-DPO"),
    ("RLHF-COV", "{A}-RLHF-COV"),
    ("DPO-COV", "{A}-DPO-COV"),
    (r"\\textbf{UN}ified \\textbf{A}lignment", r"{W} \\textbf{UN}ified \\textbf{A}lignment"),
    ("Unified Alignment", "{W} Unified Alignment"),
    (r"(?<![-\w])UNA(?![-\w])", "{A}-UNA"),
    ("Distributionally Robustifying DPO", "Distributionally Robustifying {W} DPO"),
    (r"Dr\. DPO", "Dr. {A}-DPO"),
    ("分布稳健性 DPO", "{Z}分布稳健性 DPO"),
    ("非平稳直接偏好优化", "{Z}非平稳直接偏好优化"),
    ("non-stationarity 非平稳性", "{W} non-stationarity {Z}非平稳性"),
    ("preference drift 偏好偏移", "{W} preference drift {Z}偏好偏移"),
    (r"exponential reweighting strategy\(指数再加权策略\)", "{W} exponential reweighting strategy({Z}指数再加权策略)"),
    (r"离线偏好数据集的\(offline preference dataset\)", "{Z}离线偏好数据集的({W} offline preference dataset)"),
    ("Corrupted Preference 偏好受限", "{W} Corrupted Preference {Z}偏好受限"),
    (r"隐形奖励\(implicit reward\)", "{Z}隐形奖励({W} implicit reward)"),
    (r"显示奖励\(explicit reward\)", "{Z}显示奖励({W} explicit reward)"),
    (r"逐点噪声\(pointwise noise\)", "{Z}逐点噪声({W} pointwise noise)"),
    (r"成对噪声\(pairwise noise\)", "{Z}成对噪声({W} pairwise noise)"),
]

_HEADING = re.compile(r"^## (?:(\d+)\. )?(.*)$", re.M)


def names(k: int) -> tuple[str, str, str]:
    """Copy k's Latin word, Chinese word and capitals (``Bako``, ``巴科``, ``BAKO``): unique for k < 1024."""
    syl = [_EN_SYL[k // 32 % 32], _EN_SYL[k % 32]]
    zh = _ZH_SYL[k // 32 % 32] + _ZH_SYL[k % 32]
    return "".join(syl).capitalize(), zh, "".join(syl).upper()


def _chosen(k: int, n: int) -> list[bool]:
    bits = int.from_bytes(hashlib.sha256(f"swap-{k}".encode()).digest()[:8], "big")
    return [bool(bits >> i & 1) for i in range(n)]


def _forum_id(old: str, k: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    n = int.from_bytes(hashlib.sha256(f"{old}-{k}".encode()).digest()[:10], "big")
    out = ""
    for _ in range(10):
        n, r = divmod(n, len(alphabet))
        out += alphabet[r]
    return out


def _numbers(text: str, k: int) -> str:
    """4.5% → another percentage, deterministic in k (the abstracts' figures)."""
    return re.sub(r"(\d+)\.(\d)%", lambda m: f"{(int(m.group(1)) + k) % 50 + 1}.{(int(m.group(2)) + k) % 10}%",
                  text)


def variant(block: str, k: int) -> str:
    """Copy k of one paper block (``## N. Title`` to the next heading of that level)."""
    if k == 0:
        return block
    w, z, a = names(k)
    head, _, body = block.partition("\n")
    for pattern, repl in _TERMS:
        repl = repl.replace("{W}", w).replace("{Z}", z).replace("{A}", a)
        head = re.sub(pattern, lambda _m, r=repl: r.replace("\\\\", "\\"), head)
        body = re.sub(pattern, lambda _m, r=repl: r.replace("\\\\", "\\"), body)
    for (old, new), on in zip(_ZH_SWAPS, _chosen(k, len(_ZH_SWAPS))):
        if on:
            body = body.replace(old, new)
    for (old, new), on in zip(_EN_SWAPS, _chosen(k + 1000, len(_EN_SWAPS))):
        if on:
            body = re.sub(rf"\b{old}\b", new, body)
    body = _numbers(body, k)
    body = re.sub(r"forum\?id=([A-Za-z0-9_-]+)", lambda m: f"forum?id={_forum_id(m.group(1), k)}", body)
    body = re.sub(r"\./papers/(\w+)\.pdf", lambda m: f"./papers/{k:04d}_{m.group(1)}.pdf", body)
    m = _HEADING.match(head)
    if m and m.group(2).strip() != "占位":
        head = f"## {m.group(1) + '. ' if m.group(1) else ''}{m.group(2).rstrip()} — {w} Edition"
        zh_title, nl, rest = body.partition("\n")
        if zh_title.strip() and not zh_title.startswith("#"):
            body = f"{zh_title.rstrip()}（{z}版）{nl}{rest}"
    return head + "\n" + body


def split_shipped(text: str) -> tuple[str, list[str]]:
    """(preamble, paper blocks), each block starting at its ``## `` heading."""
    starts = [m.start() for m in _HEADING.finditer(text)]
    return text[:starts[0]], [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]


def renumber(blocks: list[str]) -> list[str]:
    """``## 1.`` … ``## N.`` across the file, as an author's list would be."""
    out, n = [], 0
    for block in blocks:
        m = _HEADING.match(block)
        if m and m.group(1):
            n += 1
            block = f"## {n}. {m.group(2)}" + block[m.end():]
        out.append(block)
    return out


def make_corpus(out: Path, size: int, layout: str = "files") -> list[Path]:
    """Write the project; returns the notes files written."""
    preamble, blocks = split_shipped(SHIPPED.read_text(encoding="utf-8"))
    if out.exists():
        shutil.rmtree(out)
    (out / "source").mkdir(parents=True)
    (out / "papercards.yaml").write_text(
        f"deck: Bench {size}x\nsource_dir: source\ncards_dir: cards\ndecks_dir: decks\n", encoding="utf-8")
    copies = [[variant(b if b.endswith("\n") else b + "\n", k) for b in blocks] for k in range(size)]
    written = []
    if layout == "one":
        path = out / "source" / "all.md"
        path.write_text(preamble + "".join(renumber([b for c in copies for b in c])), encoding="utf-8")
        written.append(path)
    else:
        for k, copy in enumerate(copies):
            path = out / "source" / f"part-{k:04d}.md"
            path.write_text(preamble + "".join(renumber(copy)), encoding="utf-8")
            written.append(path)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--size", type=int, default=10, help="copies of the shipped papers (1, 10, 100, …)")
    ap.add_argument("--layout", choices=("files", "one"), default="files",
                    help="one notes file per copy (default) or one big file")
    args = ap.parse_args()
    files = make_corpus(args.out, args.size, args.layout)
    print(f"{args.out}: {len(files)} notes file(s), {args.size * 12} papers ({args.size * 7} with content)")


if __name__ == "__main__":
    main()
