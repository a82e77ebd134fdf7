#!/usr/bin/env python3
"""Do worker processes pay? Cold builds with ``PAPERCARDS_WORKERS=0`` (one process) and
with workers, in turn, on an idle machine and on one with a busy core.

    python bench/bench_workers.py [--sizes 10,100] [--repeats 3] [--workers 2]

For each size (a corpus made by bench/make_corpus.py) and each load (idle, then
``yes > /dev/null`` on one core), it builds fresh copies alternately without and with
workers and prints the medians of wall and CPU time (the build's process and its
children) and the ratio workers / one process. Same run, same machine: compare the
ratios, not the absolute times across runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_corpus import make_corpus  # noqa: E402


def cold_build(corpus: Path, workers: int, scratch: Path) -> tuple[float, float]:
    """Wall and CPU seconds of `papercards build` of a fresh copy of ``corpus``."""
    project = scratch / f"w{workers}"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(corpus, project)
    env = {**os.environ, "PAPERCARDS_WORKERS": str(workers), "SOURCE_DATE_EPOCH": "1700000000"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "papercards", "build", "-q", "-C", str(project)], env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10,100")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        print(f"{'size':>5} {'load':>6} {'one process':>18} {'workers':>18} {'wall ratio':>10} {'cpu ratio':>9}")
        for size in (int(s) for s in args.sizes.split(",")):
            corpus = scratch / f"corpus{size}"
            make_corpus(corpus, size)
            for load in ("idle", "loaded"):
                busy = subprocess.Popen(["yes"], stdout=subprocess.DEVNULL) if load == "loaded" else None
                try:
                    runs = {0: [], args.workers: []}
                    for _ in range(args.repeats):
                        for workers in runs:
                            runs[workers].append(cold_build(corpus, workers, scratch))
                finally:
                    if busy is not None:
                        busy.terminate()
                        busy.wait()
                (w0, c0), (w1, c1) = ((statistics.median(x for x, _ in r), statistics.median(c for _, c in r))
                                      for r in runs.values())
                print(f"{size:>4}× {load:>6} {w0:7.2f} s ({c0:5.2f} cpu) {w1:7.2f} s ({c1:5.2f} cpu) "
                      f"{w1 / w0:10.2f} {c1 / c0:9.2f}", flush=True)


if __name__ == "__main__":
    main()
