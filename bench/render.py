"""Procedural render benchmark. Prints JSON.

Per style: p50/p95 of render (artwork + typography) and of JPEG encode, at 1024² and 3000²,
each on one core; then covers per second with every core busy (one process per core).

    python bench/render.py [--reps 5] [--big-reps 3] [--styles aurora,swiss]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor

# One core per process: the targets are per core, and the throughput run scales by processes.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

from sleeve import Brief, __version__  # noqa: E402
from sleeve.core.art_direction import plan_covers  # noqa: E402
from sleeve.pipeline import render_plan  # noqa: E402
from sleeve.render.styles import STYLE_NAMES  # noqa: E402

BRIEF = Brief(
    title="Midnight Rain",
    artist="Luna Vale",
    album="Glass City",
    genre="ballad",
    lyrics="Rain on the window, the city asleep\nUnder the moon I am waiting for you",
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def time_style(style: str, size: int, reps: int) -> dict[str, float]:
    plan = plan_covers(BRIEF, count=1, seed=1, style=style)[0]
    render_plan(plan, 0, size=size)  # warm caches (fonts, lexicon) outside the timing
    render_ms: list[float] = []
    encode_ms: list[float] = []
    for seed in range(1, reps + 1):
        t0 = time.perf_counter()
        cover = render_plan(plan, seed, size=size)
        t1 = time.perf_counter()
        cover.encode("jpeg")
        t2 = time.perf_counter()
        render_ms.append((t1 - t0) * 1000)
        encode_ms.append((t2 - t1) * 1000)
    total = [r + e for r, e in zip(render_ms, encode_ms, strict=True)]
    return {
        "render_p50_ms": round(statistics.median(render_ms), 1),
        "render_p95_ms": round(percentile(render_ms, 95), 1),
        "jpeg_p50_ms": round(statistics.median(encode_ms), 1),
        "total_p50_ms": round(statistics.median(total), 1),
        "total_p95_ms": round(percentile(total, 95), 1),
    }


def _one_cover(args: tuple[str, int, int]) -> None:
    style, seed, size = args
    plan = plan_covers(BRIEF, count=1, seed=seed, style=style)[0]
    render_plan(plan, seed, size=size).encode("jpeg")


def throughput(size: int, covers: int, workers: int) -> float:
    jobs = [(STYLE_NAMES[i % len(STYLE_NAMES)], i, size) for i in range(covers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_one_cover, jobs[:workers]))  # start-up and warm-up outside the timing
        t0 = time.perf_counter()
        list(pool.map(_one_cover, jobs))
        elapsed = time.perf_counter() - t0
    return covers / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=7, help="timed renders per style at 1024²")
    parser.add_argument("--big-reps", type=int, default=3, help="timed renders per style at 3000²")
    parser.add_argument("--styles", default=",".join(STYLE_NAMES))
    parser.add_argument("--throughput-covers", type=int, default=24)
    args = parser.parse_args()
    styles = [s for s in args.styles.split(",") if s]

    per_style = {
        style: {
            "1024": time_style(style, 1024, args.reps),
            "3000": time_style(style, 3000, args.big_reps),
        }
        for style in styles
    }
    workers = os.cpu_count() or 1
    result = {
        "sleeve_version": __version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": workers,
        "per_style": per_style,
        "worst_1024_render_p50_ms": max(v["1024"]["render_p50_ms"] for v in per_style.values()),
        "worst_3000_total_p50_ms": max(v["3000"]["total_p50_ms"] for v in per_style.values()),
        "covers_per_second_all_cores": {
            "1024_jpeg": round(throughput(1024, args.throughput_covers, workers), 2),
            "3000_jpeg": round(
                throughput(3000, max(workers, args.throughput_covers // 3), workers), 2
            ),
        },
        "targets": {"1024_p50_ms_one_core": 200, "3000_master_s": 1.5},
    }
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
