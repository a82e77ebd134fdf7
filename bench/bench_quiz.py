#!/usr/bin/env python3
"""Benchmark a 40-question quiz (PDF + offline HTML) on the shipped notes (not a test: prints figures).

    python bench/bench_quiz.py [--runs 5] [-n 40]

The notes are built once (a quiz reads cards/). Then each run is a new
process, cold, as a user would type it:

- command: ``papercards quiz -n 40 --formats pdf,html`` (when the CLI has the
  command; otherwise the same calls through the library), wall time;
- split: the same work in a child process that times each step: importing
  papercards, generating the questions (reading cards/ included), the PDF
  (importing the Typst wheel, finding the CJK font, compiling) and the HTML.

Prints medians over the runs. Target (issue 4): under 3 s wall, cold.

    python bench/bench_quiz.py --curve [--sizes 1,10,100] [--collection 50] [--old SRC]

The curve: questions only (reading cards/ and composing, no PDF) on stores of
1×, 10×, 100× the shipped notes (bench/make_corpus.py), the weeks-later notes
and the one-paper-per-file collection (bench/bench_collection.py), each a new
process; per store its items, seconds, and seconds / (n log n) relative to the
smallest store (flat or falling: no worse than n log n). ``--old SRC`` times
another checkout's ``src`` folder in the same run, for before/after ratios.
Targets (issue 14): weeks-later < 1 s, collection < 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 3.0

CHILD = r"""
import json, re, sys, time
t0 = time.perf_counter()
from pathlib import Path
from papercards.config import load_config
from papercards.diagnostics import InputError
from papercards.quiz.compose import make_quiz
from papercards.quiz.model import QuizOptions
from papercards.quiz.pool import load_pool
t1 = time.perf_counter()
proj, n, seed = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
config = load_config(proj)
pool = load_pool(config.cards_path)
try:
    quiz = make_quiz(pool, QuizOptions(questions=n, seed=seed))[0]
except InputError as exc:          # fewer questions can be made than asked: take them all
    m = re.search(r"only (\d+) question", str(exc))
    if not m:
        raise
    n = int(m.group(1))
    quiz = make_quiz(pool, QuizOptions(questions=n, seed=seed))[0]
t2 = time.perf_counter()
from papercards.quiz.render import html, pdf
pdf_bytes = pdf.render(quiz, paper="A4")
t3 = time.perf_counter()
page = html.render(quiz)
t4 = time.perf_counter()
out = proj / "decks" / "quizzes"
out.mkdir(parents=True, exist_ok=True)
(out / "quiz-A.pdf").write_bytes(pdf_bytes)
(out / "quiz-A.html").write_text(page, encoding="utf-8")
t5 = time.perf_counter()
print(json.dumps({"questions": len(quiz.questions), "import": t1 - t0, "generate": t2 - t1,
                  "pdf": t3 - t2, "html": t4 - t3, "write": t5 - t4, "total": t5 - t0}))
"""


GENERATE = r"""
import json, math, sys, time
from pathlib import Path
from papercards.config import load_config
from papercards.quiz.compose import make_quiz
from papercards.quiz.model import QuizOptions
from papercards.quiz.pool import load_pool
import papercards.text.segment  # noqa: F401  (imported before the clock, as the CLI does)
t0 = time.perf_counter()
pool = load_pool(load_config(Path(sys.argv[1])).cards_path)
quiz = make_quiz(pool, QuizOptions(questions=int(sys.argv[2]), seed=1, fit=True))[0]
print(json.dumps({"items": len(pool.items), "questions": len(quiz.questions), "seconds": time.perf_counter() - t0}))
"""


def env(src: Path = ROOT / "src") -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), e.get("PYTHONPATH")]))
    return e


def build_stores(base: Path, sizes: list[int], copies: int) -> list[tuple[str, Path]]:
    """Built projects: the shipped notes times each size, the weeks-later notes, the collection."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_collection import make_collection
    from make_corpus import make_corpus
    stores = []
    for size in sizes:
        make_corpus(base / f"x{size}", size)
        stores.append((f"{size}x shipped", base / f"x{size}"))
    weeks = base / "weeks"
    (weeks / "source").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "data" / "notes" / "weeks-later.md", weeks / "source")
    shutil.copy(ROOT / "papercards.yaml", weeks)
    stores.insert(1, ("weeks-later", weeks))
    if copies:
        make_collection(base / "coll" / "source", copies)
        (base / "coll" / "papercards.yaml").write_text("deck: Papers\n", encoding="utf-8")
        stores.append((f"collection ({copies}x)", base / "coll"))
    for _, proj in stores:
        subprocess.run([sys.executable, "-m", "papercards", "build", "-q", "-C", str(proj)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env())
    return stores


def time_quiz(proj: Path, n: int, src: Path, limit: float) -> dict | None:
    """The child's figures, or None when it ran past ``limit`` seconds."""
    try:
        res = subprocess.run([sys.executable, "-c", GENERATE, str(proj), str(n)], capture_output=True, text=True,
                             env=env(src), check=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(res.stdout)


def curve(args) -> None:
    """Seconds per store size, and seconds / (n log n) relative to the smallest store."""
    import math
    srcs = [("now", ROOT / "src")] + ([("old", Path(args.old))] if args.old else [])
    with tempfile.TemporaryDirectory() as tmp:
        stores = build_stores(Path(tmp), [int(s) for s in args.sizes.split(",")], args.collection)
        print(f"quiz of {args.questions} questions (no PDF), one new process per store")
        head = f"{'store':<22} {'items':>6} " + " ".join(f"{name + ' s':>9} {name + ' /nlogn':>11}" for name, _ in srcs)
        print(head + ("  old/now" if args.old else ""))
        first: dict[str, float] = {}
        for label, proj in stores:
            row, secs, n = "", {}, 0
            for name, src in srcs:
                got = time_quiz(proj, args.questions, src, args.timeout)
                if got is None:
                    secs[name] = float("inf")
                    row += f" {'>' + format(args.timeout, 'g'):>9} {'':>11}"
                    continue
                n = got["items"]
                per = got["seconds"] / (n * math.log(n))
                first.setdefault(name, per)
                secs[name] = got["seconds"]
                row += f" {got['seconds']:9.2f} {per / first[name]:11.2f}"
            ratio = f"  {secs['old'] / secs['now']:7.1f}" if args.old else ""
            print(f"{label:<22} {n:>6}" + row + ratio, flush=True)


def fresh_built_project(base: Path) -> Path:
    proj = Path(tempfile.mkdtemp(dir=base))
    shutil.copytree(ROOT / "source", proj / "source")
    shutil.copy(ROOT / "papercards.yaml", proj / "papercards.yaml")
    subprocess.run([sys.executable, "-m", "papercards", "build", "-q", "-C", str(proj)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env())
    return proj


def has_quiz_command() -> bool:
    res = subprocess.run([sys.executable, "-m", "papercards", "quiz", "--help"], capture_output=True, env=env(),
                         check=False)
    return res.returncode == 0


def run_command(proj: Path, n: int, seed: int) -> float:
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "papercards", "quiz", "-C", str(proj), "-n", str(n),
                          "--seed", str(seed), "--formats", "pdf,html"],
                         capture_output=True, text=True, env=env(), check=False)
    took = time.perf_counter() - start
    if res.returncode != 0:
        raise RuntimeError(f"papercards quiz failed ({res.returncode}): {res.stderr.strip()}")
    return took


def run_split(proj: Path, n: int, seed: int) -> tuple[float, dict]:
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", CHILD, str(proj), str(n), str(seed)],
                         capture_output=True, text=True, env=env(), check=True)
    return time.perf_counter() - start, json.loads(res.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("-n", "--questions", type=int, default=40)
    ap.add_argument("--curve", action="store_true", help="time the questions alone on growing stores")
    ap.add_argument("--sizes", default="1,10,100", help="copies of the shipped notes, for --curve")
    ap.add_argument("--collection", type=int, default=50, help="copies of the collection, for --curve (0: none)")
    ap.add_argument("--old", help="another checkout's src folder, timed in the same run (--curve)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds before a --curve run is given up")
    args = ap.parse_args()
    if args.curve:
        curve(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        proj = fresh_built_project(Path(tmp))
        run_split(proj, args.questions, 1)            # warm the OS file cache once (fonts, wheel)
        cli = has_quiz_command()
        walls, splits, cmd = [], [], []
        for i in range(args.runs):
            wall, split = run_split(proj, args.questions, i + 1)
            walls.append(wall)
            splits.append(split)
            if cli:
                try:
                    cmd.append(run_command(proj, split["questions"], i + 1))
                except RuntimeError as exc:
                    print(f"note: {exc}", file=sys.stderr)
                    cli = False
    med = statistics.median
    n = splits[0]["questions"]
    print(f"quiz benchmark: {n} questions (asked {args.questions}), PDF (A4) + HTML, "
          f"{args.runs} cold runs, medians")
    if cmd:
        print(f"  papercards quiz -n {n} --formats pdf,html   {med(cmd):6.2f} s wall  "
              f"(min {min(cmd):.2f}, max {max(cmd):.2f})")
    print(f"  library, new process                     {med(walls):6.2f} s wall  "
          f"(min {min(walls):.2f}, max {max(walls):.2f})")
    for step in ("import", "generate", "pdf", "html", "write"):
        print(f"    {step:<9} {med([s[step] for s in splits]):6.3f} s")
    print(f"    {'python':<9} {med(walls) - med([s['total'] for s in splits]):6.3f} s  "
          "(interpreter start and exit)")
    best = med(cmd) if cmd else med(walls)
    print(f"target < {TARGET:.0f} s cold: {'PASS' if best < TARGET else 'FAIL'} ({best:.2f} s)")


if __name__ == "__main__":
    main()
