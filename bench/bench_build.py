#!/usr/bin/env python3
"""Benchmark `papercards build` on the shipped notes (not a test: prints figures).

    python bench/bench_build.py [--runs 5] [--notes weeks-later] [--baseline OTHER/src]

Each run is a new process, as a user would type it:
- cold: a fresh copy of the project (empty cards/ and decks/, no .papercards-cache/);
- unchanged: the same project built again with nothing changed;
- one edit: one bullet reworded, then rebuilt (and which store files were rewritten).
``--notes weeks-later`` builds tests/data/notes/weeks-later.md instead of the shipped notes;
``--notes corpus10`` a file of 70 papers made by bench/make_corpus.py; ``--notes same-author``
the weeks-later notes and the same author's two files after them, as one file of 48 papers.
``--baseline`` also times another papercards (the ``src`` folder of another checkout), its
runs taken in turn with this one's: before and after in the same run, under the same load.
Targets: cold < 1.5 s, unchanged < 0.5 s on the 2-core machine (shipped notes);
one edited bullet ≤ 0.4 × cold (`papercards.cache`: only its paper runs again).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fresh_project(base: Path, notes: str) -> Path:
    proj = Path(tempfile.mkdtemp(dir=base))
    if notes == "shipped":
        shutil.copytree(ROOT / "source", proj / "source")
        shutil.copy(ROOT / "papercards.yaml", proj / "papercards.yaml")
    elif notes == "same-author":
        # the same author's notes weeks later, in one file: the weeks-later file and the two
        # files that followed it (about 50 papers, each with its own text)
        (proj / "source").mkdir()
        parts = [ROOT / "tests" / "data" / "notes" / "weeks-later.md",
                 *(ROOT / "tests" / "data" / "notes" / "unseen" / f"same-author-{n}.md" for n in (3, 4))]
        (proj / "source" / "notes.md").write_text("\n".join(p.read_text(encoding="utf-8") for p in parts),
                                                  encoding="utf-8")
    elif notes == "corpus10":
        # 70 papers in one notes file (ten derived copies of the shipped seven: the size of
        # the 73-paper file, which is not in this repository)
        shutil.rmtree(proj)
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), str(proj), "--size", "10",
                        "--layout", "one"], check=True, stdout=subprocess.DEVNULL)
    else:
        (proj / "source").mkdir()
        shutil.copy(ROOT / "tests" / "data" / "notes" / f"{notes}.md", proj / "source")
    return proj


# one bullet reworded: (notes, what it says, what it says now); the bullet is in one paper
# only (in corpus10, most bullets are in all ten copies: rewording one of those changes
# which copy holds the sentence first, so two papers' cards change, not one)
EDITS = {
    "shipped": ("选择和拒绝响应的梯度之间的相互作用会导致不稳定", "选择响应和拒绝响应的梯度相互作用导致了不稳定"),
    "weeks-later": ("模型越大，过度优化越轻一点但是不会消失", "模型越大，过度优化就越轻一些，但是不会消失"),
    "same-author": ("模型越大，过度优化越轻一点但是不会消失", "模型越大，过度优化就越轻一些，但是不会消失"),
    "corpus10": ("巴特逐点噪声(Bate pointwise noise)：包括低质量数据点", "巴特逐点噪声(Bate pointwise noise)：包括质量较低的数据点"),
}


def run_build(proj: Path, src: Path) -> float:
    """One build in a new process, with the papercards in ``src``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")])}
    env.pop("PYTHONDONTWRITEBYTECODE", None)       # an installed papercards has its bytecode compiled
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "papercards", "build", "-q", "-C", str(proj)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def count_items(proj: Path) -> int:
    return sum(f.read_text(encoding="utf-8").count("\n- id: ") for f in (proj / "cards").rglob("*.yaml"))


def one_run(base: Path, notes: str, src: Path) -> tuple[float, float, float, list[str], int]:
    """Cold, unchanged and one-edit build times of a fresh project, the store files the
    edit rewrote and the number of items."""
    said, says = EDITS[notes]
    proj = fresh_project(base, notes)
    cold = run_build(proj, src)
    unchanged = run_build(proj, src)
    path = next((proj / "source").glob("*.md"))
    text = path.read_text(encoding="utf-8")
    bullets = [line for line in text.splitlines() if said in line and line.lstrip()[:2] in ("* ", "- ")]
    assert len(bullets) == 1, f"the edit's text is in {len(bullets)} bullets of {path.name}, not one"
    path.write_text(text.replace(said, says, 1), encoding="utf-8")
    before = {f: f.stat().st_mtime_ns for f in (proj / "cards").rglob("*.yaml")}
    edited = run_build(proj, src)
    rewritten = sorted(str(f.relative_to(proj)) for f in (proj / "cards").rglob("*.yaml")
                       if before.get(f) != f.stat().st_mtime_ns)
    return cold, unchanged, edited, rewritten, count_items(proj)


def report(name: str, notes: str, runs: list[tuple]) -> None:
    med = statistics.median
    cold, unchanged, edited = ([r[k] for r in runs] for k in range(3))
    rewritten, items = runs[-1][3], runs[-1][4]
    print(f"{name}{notes} notes: {items} items, {len(runs)} runs each (median, min)")
    for label, times, target in (("cold build", cold, 1.5), ("unchanged rebuild", unchanged, 0.5),
                                 ("rebuild after one edited bullet", edited, None)):
        t = med(times)
        goal = f"  target < {target} s: {'ok' if t < target else 'MISSED'}" if target else ""
        print(f"  {label:32s} {t:6.3f} s  (min {min(times):.3f})  {items / t:7.0f} items/s{goal}")
    ratio = med(edited) / med(cold)
    print(f"  one edited bullet / cold         {ratio:6.2f}    target ≤ 0.4: {'ok' if ratio <= 0.4 else 'MISSED'}")
    print(f"  store files rewritten after one edited bullet: {', '.join(rewritten) or 'none'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--notes", choices=sorted(EDITS), default="shipped")
    ap.add_argument("--baseline", type=Path, help="the src folder of another papercards, timed in turn")
    args = ap.parse_args()
    codes = {"": ROOT / "src"}
    if args.baseline:
        codes = {"baseline: ": args.baseline.resolve(), "this:     ": ROOT / "src"}
    runs: dict[str, list[tuple]] = {name: [] for name in codes}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for src in codes.values():
            run_build(fresh_project(base, args.notes), src)     # jieba's own dictionary cache, once per machine
        for _ in range(args.runs):
            for name, src in codes.items():
                runs[name].append(one_run(base, args.notes, src))
    for name in codes:
        report(name, args.notes, runs[name])


if __name__ == "__main__":
    main()
