"""Brief analysis benchmark (language, keywords, genre, mood, motifs). Prints JSON.

Per fixture brief, after ``warm_up`` (which loads the Korean analyser and the word lists): the
first analysis (its lines not yet in the per-line cache, as a new brief) and the best and
median of ``--reps`` more (cached lines, as a repeated chorus); and warm_up's own cost in a
fresh process. The tests check only that warm_up leaves nothing to load; timings live here.

    python bench/analysis.py [--reps 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from sleeve import Brief, __version__
from sleeve.core.art_direction import analyze
from sleeve.core.keywords import warm_up

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "briefs.jsonl"


def briefs() -> list[Brief]:
    lines = FIXTURES.read_text("utf-8").splitlines()
    return [Brief(**json.loads(line)) for line in lines if line.strip()]


def timed(brief: Brief) -> float:
    start = time.perf_counter()
    analyze(brief)
    return (time.perf_counter() - start) * 1000


def cold_ms() -> float:
    """warm_up's cost in a fresh process (what the first brief would pay without it)."""
    code = ("import time; from sleeve.core.keywords import warm_up; t = time.perf_counter(); "
            "warm_up(); print((time.perf_counter() - t) * 1000)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    warm_up()
    rows = []
    for brief in briefs():
        first = timed(brief)
        times = [timed(brief) for _ in range(args.reps)]
        rows.append({"title": brief.title, "language": brief.language,
                     "first_ms": round(first, 2), "best_ms": round(min(times), 2),
                     "p50_ms": round(statistics.median(times), 2)})
    report = {
        "sleeve": __version__, "python": platform.python_version(), "machine": platform.machine(),
        "reps": args.reps, "warm_up_ms": round(cold_ms(), 1),
        "worst_first_ms": max(r["first_ms"] for r in rows), "briefs": rows,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
