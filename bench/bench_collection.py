#!/usr/bin/env python3
"""Benchmark a collection in the one-paper-per-file style (not a test: prints figures).

    python bench/bench_collection.py [--copies 50] [--runs 3] [--baseline OTHER/src]

The test corpus `tests/data/notes/other-authors/` (13 papers in topic folders, a
README index in each folder) copied ``--copies`` times into folders of their own,
each copy a distinct paper (arXiv id, OpenReview id and short name changed): 50
copies are 650 paper files and 450 index files, the size of a real collection.
Each run is a new process:
- cold: empty cards/ and decks/;
- unchanged: built again with nothing changed;
- one edit: a bullet of one paper file reworded, then rebuilt (`papercards.cache`).
Targets (issue 12): cold < 20 s, unchanged < 1 s on the 2-core machine; papers
found = paper files; one edited bullet < 2 s. ``--baseline`` also times another papercards
(the ``src`` folder of another checkout), its runs taken in turn with this one's.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "notes" / "other-authors"
SRC = ROOT / "src"


def make_collection(out: Path, copies: int) -> int:
    """The corpus ``copies`` times under ``out``; returns the number of paper files."""
    papers = [p for p in CORPUS.rglob("*.md") if p.name != "README.md"]
    for k in range(copies):
        for f in papers:
            text = f.read_text(encoding="utf-8")
            text = re.sub(r"(\d{4})\.(\d{5})", lambda m: f"{m.group(1)}.{(int(m.group(2)) + k * 97) % 100000:05d}", text)
            text = re.sub(r"openreview\.net/forum\?id=(\w+)", lambda m: f"openreview.net/forum?id={m.group(1)[:6]}{k:04d}", text)
            short = re.search(r"^# ([^：:\n]+)", text, re.M).group(1)
            text = text.replace(short, f"{short}{k}")
            rel = f.relative_to(CORPUS)
            dest = out / f"copy{k:02d}" / rel.parent / f"{rel.stem}_{k}.md"
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
        for index in CORPUS.rglob("README.md"):
            dest = out / f"copy{k:02d}" / index.relative_to(CORPUS)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(index, dest)
    return copies * len(papers)


def edit_one_bullet(proj: Path) -> None:
    """A clause added to the middle bullet of the middle paper file."""
    files = sorted(f for f in (proj / "source").rglob("*.md") if f.name != "README.md")
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    ends = [m.end() for m in re.finditer(r"^[*-] [^\n]*[\u4e00-\u9fff][^\n]*$", text, re.M)]
    at = ends[len(ends) // 2]
    path.write_text(text[:at] + "，这一点很关键" + text[at:], encoding="utf-8")


def build(proj: Path, src: Path = SRC) -> tuple[float, str]:
    """One build in a new process, with the papercards in ``src``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")])}
    env.pop("PYTHONDONTWRITEBYTECODE", None)       # an installed papercards has its bytecode compiled
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "papercards", "build", "-C", str(proj)], check=True,
                          capture_output=True, text=True, env=env)
    return time.perf_counter() - start, done.stdout + done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="the src folder of another papercards, timed in turn")
    args = parser.parse_args()
    codes = {"": SRC}
    if args.baseline:
        codes = {"baseline: ": args.baseline.resolve(), "this:     ": SRC}
    times: dict[str, tuple[list, list, list]] = {name: ([], [], []) for name in codes}
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template"
        files = make_collection(template / "source", args.copies)
        (template / "papercards.yaml").write_text("deck: Papers\n", encoding="utf-8")
        said = ""
        for n in range(args.runs):
            for k, (name, src) in enumerate(codes.items()):
                cold, unchanged, edited = times[name]
                proj = Path(tmp) / f"run{n}-{k}"
                shutil.copytree(template, proj)
                seconds, said = build(proj, src)
                cold.append(seconds)
                unchanged.append(build(proj, src)[0])
                edit_one_bullet(proj)
                edited.append(build(proj, src)[0])
                shutil.rmtree(proj)
    found = re.search(r"Read (\d+) notes files?: (\d+) papers", said)
    print(f"collection: {files} paper files, {found.group(1) if found else '?'} notes files read, "
          f"{found.group(2) if found else '?'} papers found")
    for name, (cold, unchanged, edited) in times.items():
        for label, runs, target in (("cold build", cold, 20.0), ("unchanged rebuild", unchanged, 1.0),
                                    ("one edited bullet", edited, 2.0)):
            median = statistics.median(runs)
            print(f"  {name}{label:<18} {median:6.2f} s (min {min(runs):.2f})  target < {target:g} s: "
                  f"{'ok' if median < target else 'FAIL'}")
        print(f"  {name}one edited bullet / cold  {statistics.median(edited) / statistics.median(cold):.2f}")


if __name__ == "__main__":
    main()
