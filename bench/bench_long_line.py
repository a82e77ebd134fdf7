#!/usr/bin/env python3
"""Benchmark `papercards build` on one very long line (not a test: prints figures).

    python bench/bench_long_line.py [--sizes 0.5,1,2,5] [--scripts cjk,latin,mixed,nopunct]

For each script and size (in MB of UTF-8) a fresh project gets three notes
files, each one paper whose long line is a bullet, a keyword and an abstract
line, and is built in a new process. The time should grow linearly with the
size: the last column divides it by the size (seconds per MB), which stays
about flat when the build is linear and grows with the size when it is not.
A build that takes longer than --timeout is reported as such.

The lines (also used by tests/test_linear_time.py):

* cjk: Chinese characters, no punctuation, no brackets;
* latin: English words and sentences, with ``Long Form (LF)`` definitions;
* mixed: Chinese and English glued together, ``中文(English)`` and
  ``English(中文)`` pairs, full-width punctuation, **bold**, `code`, $math$;
* nopunct: letters and Chinese characters with no space and no punctuation.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ("cjk", "latin", "mixed", "nopunct")
PLACES = ("bullet", "keyword", "abstract")

_ZH = "偏好优化模型奖励策略噪声采样器收敛鲁棒对齐我们提出一种新的方法在数据训练稳定学习人类反馈直接分布"
_EN = ("preference optimization direct policy reward model language large robust alignment sampler "
       "online noise drift gradient the of we propose show a novel method that achieves quadratic "
       "convergence data learning human feedback").split()
_PIECES = {
    "cjk": lambda r: "".join(r.choices(_ZH, k=r.randint(2, 4))),
    "latin": lambda r: r.choice([" ".join(r.choices(_EN, k=r.randint(3, 9))) + r.choice([" ", ", ", ". We "]),
                                 "Direct Preference Optimization (DPO) ", "large language models (LLMs) "]),
    "mixed": lambda r: r.choice(["".join(r.choices(_ZH, k=3)), r.choice(_EN) + " ", "DPO", "，", "。", "：",
                                 "逐点噪声(pointwise noise)", "reward model(奖励模型)", "（PPO）", "**偏好**",
                                 "`beta`", "$x^2$", "Non-Stationary DPO(非平稳直接偏好优化)", "; "]),
    "nopunct": lambda r: r.choice(["".join(r.choices(_ZH, k=2)), "".join(r.choices("abcdefghijklmnop", k=3))]),
}


def long_line(script: str, size: int, seed: int = 1) -> str:
    """About ``size`` bytes of UTF-8 text in ``script``, on one line (deterministic)."""
    rnd = random.Random(seed)
    pool = [_PIECES[script](rnd) for _ in range(400)]
    out: list[str] = []
    n = 0
    while n < size:
        piece = rnd.choice(pool)
        out.append(piece)
        n += len(piece.encode("utf-8"))
    return "".join(out).strip()


def notes_with(line: str, place: str) -> str:
    """A notes file of one paper that holds ``line`` as a bullet, a keyword or an abstract line."""
    head = "# Notes\n\n## 1. A Paper With One Long Line\n一篇只有一行长文字的论文\n\n"
    body = {"bullet": f"### 主要内容\n#### 很长的一行\n* {line}\n",
            "keyword": f"### 关键字\n* DPO (直接偏好优化 Direct Preference Optimization)\n* {line}\n",
            "abstract": f"### 摘要\nWe propose Direct Preference Optimization (DPO).\n{line}\n"}[place]
    return head + body


def long_line_project(root: Path, script: str, size: int) -> Path:
    """A project with one notes file per place, each holding a ``size``-byte line of ``script``."""
    (root / "source").mkdir(parents=True)
    (root / "papercards.yaml").write_text("deck: Long line\n", encoding="utf-8")
    line = long_line(script, size)
    for place in PLACES:
        (root / "source" / f"{place}.md").write_text(notes_with(line, place), encoding="utf-8")
    return root


def build_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env


def timed_build(project: Path, timeout: float) -> tuple[float | None, int]:
    """(seconds, exit code) of `papercards build` in a new process; None seconds on timeout."""
    start = time.perf_counter()
    try:
        res = subprocess.run([sys.executable, "-m", "papercards", "build", "-q", "-C", str(project)],
                             env=build_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None, -1
    return time.perf_counter() - start, res.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="0.5,1,2,5", help="line sizes in MB, comma-separated")
    ap.add_argument("--scripts", default=",".join(SCRIPTS))
    ap.add_argument("--timeout", type=float, default=300, help="seconds per build (default 300)")
    args = ap.parse_args()
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    print("one line in each of 3 notes files (bullet, keyword, abstract); each build a new process")
    print(f"{'script':8s} {'MB':>5s} {'build s':>9s} {'s per MB':>9s}  exit")
    with tempfile.TemporaryDirectory(prefix="papercards-long-line-") as tmp:
        for script in args.scripts.split(","):
            for mb in sizes:
                project = long_line_project(Path(tmp) / f"{script}-{mb}", script, int(mb * 2**20))
                took, code = timed_build(project, args.timeout)
                shutil.rmtree(project)
                if took is None:
                    print(f"{script:8s} {mb:5.1f} {'> ' + str(int(args.timeout)):>9s} {'':>9s}  timeout", flush=True)
                else:
                    print(f"{script:8s} {mb:5.1f} {took:9.2f} {took / mb:9.2f}  {code}", flush=True)


if __name__ == "__main__":
    main()
