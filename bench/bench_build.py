#!/usr/bin/env python3
"""Benchmark `papercards build` on the shipped notes (not a test: prints figures).

    python bench/bench_build.py [--runs 5] [--notes weeks-later]

Each run is a new process, as a user would type it:
- cold: a fresh copy of the project (empty cards/ and decks/, no .papercards-cache/);
- unchanged: the same project built again with nothing changed;
- one edit: one bullet reworded, then rebuilt (and which store files were rewritten).
``--notes weeks-later`` builds tests/data/notes/weeks-later.md instead of the shipped notes.
Targets: cold < 1.5 s, unchanged < 0.5 s on the 2-core machine (shipped notes);
one edited bullet ≤ 0.4 × cold (`papercards.cache`: only its paper runs again).
"""

from __future__ import annotations

import argparse
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
    else:
        (proj / "source").mkdir()
        shutil.copy(ROOT / "tests" / "data" / "notes" / f"{notes}.md", proj / "source")
    return proj


# one bullet reworded: (notes, what it says, what it says now)
EDITS = {
    "shipped": ("选择和拒绝响应的梯度之间的相互作用会导致不稳定", "选择响应和拒绝响应的梯度相互作用导致了不稳定"),
    "weeks-later": ("模型越大，过度优化越轻一点但是不会消失", "模型越大，过度优化就越轻一些，但是不会消失"),
}


def run_build(proj: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "papercards", "build", "-q", "-C", str(proj)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def count_items(proj: Path) -> int:
    return sum(f.read_text(encoding="utf-8").count("\n- id: ") for f in (proj / "cards").rglob("*.yaml"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--notes", choices=sorted(EDITS), default="shipped")
    args = ap.parse_args()
    said, says = EDITS[args.notes]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        warm = fresh_project(base, args.notes)
        run_build(warm)                      # jieba's own dictionary cache, once per machine
        cold, unchanged, edited = [], [], []
        for _ in range(args.runs):
            proj = fresh_project(base, args.notes)
            cold.append(run_build(proj))
            unchanged.append(run_build(proj))
            notes = next((proj / "source").glob("*.md"))
            text = notes.read_text(encoding="utf-8")
            assert said in text, f"the edit's text is not in {notes.name}"
            notes.write_text(text.replace(said, says, 1), encoding="utf-8")
            before = {f: f.stat().st_mtime_ns for f in (proj / "cards").rglob("*.yaml")}
            edited.append(run_build(proj))
            rewritten = sorted(str(f.relative_to(proj)) for f in (proj / "cards").rglob("*.yaml")
                               if before.get(f) != f.stat().st_mtime_ns)
        items = count_items(proj)
    med = statistics.median
    print(f"{args.notes} notes: {items} items, {args.runs} runs each (median, min)")
    for name, times, target in (("cold build", cold, 1.5), ("unchanged rebuild", unchanged, 0.5),
                                ("rebuild after one edited bullet", edited, None)):
        t = med(times)
        goal = f"  target < {target} s: {'ok' if t < target else 'MISSED'}" if target else ""
        print(f"  {name:32s} {t:6.3f} s  (min {min(times):.3f})  {items / t:7.0f} items/s{goal}")
    ratio = med(edited) / med(cold)
    print(f"  one edited bullet / cold         {ratio:6.2f}    target ≤ 0.4: {'ok' if ratio <= 0.4 else 'MISSED'}")
    print(f"  store files rewritten after one edited bullet: {', '.join(rewritten) or 'none'}")


if __name__ == "__main__":
    main()
