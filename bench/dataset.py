"""Dataset builder benchmark. Prints JSON.

Images per second validated (decoded, size-checked, converted to sRGB), hashed (pHash) and
captioned (Sleeve's analysis + palette), staged as JPEG: on one core, then with a process per
core. Inputs are generated JPEGs (default 1,000 at 1024², the builder's minimum size).

    python bench/dataset.py [--count 1000] [--size 1024] [--workers N]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from sleeve import __version__  # noqa: E402
from sleeve.dataset.build import process_locally, split  # noqa: E402
from sleeve.dataset.items import BuildOptions  # noqa: E402
from sleeve.dataset.sources import from_images  # noqa: E402

META = {"title": "Midnight Rain", "artist": "Luna Vale", "genre": "ballad",
        "lyrics": "Rain on the window, the city asleep"}


def _write(args: tuple[Path, int, int]) -> None:
    directory, index, size = args
    rng = np.random.default_rng(index)
    cells = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
    image = Image.fromarray(cells).resize((size, size), Image.Resampling.BICUBIC)
    grain = rng.normal(0, 6, (size, size, 3))  # real pictures are not perfectly smooth
    image = Image.fromarray(np.clip(np.asarray(image) + grain, 0, 255).astype(np.uint8))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    (directory / f"{index:05d}.jpg").write_bytes(out.getvalue())


def generate(directory: Path, count: int, size: int, workers: int) -> None:
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_write, [(directory, i, size) for i in range(count)], chunksize=16))


def run(directory: Path, workers: int, options: BuildOptions) -> dict[str, float]:
    items = [type(i)(i.source, i.kind, i.location, META) for i in from_images(directory)]
    staging = Path(tempfile.mkdtemp(prefix="sleeve-bench-stage-"))
    try:
        start = time.perf_counter()
        outcomes = process_locally(split(items), options, staging, workers)
        seconds = time.perf_counter() - start
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    kept = sum(o.record is not None for o in outcomes)
    return {"workers": workers, "images": len(items), "kept": kept,
            "seconds": round(seconds, 2), "images_per_s": round(len(items) / seconds, 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python bench/dataset.py")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    directory = Path(tempfile.mkdtemp(prefix="sleeve-bench-dataset-"))
    try:
        generate(directory, args.count, args.size, args.workers)
        options = BuildOptions(min_size=min(1024, args.size))
        one = run(directory, 1, options)
        every = run(directory, args.workers, options)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    json.dump({
        "benchmark": "dataset", "sleeve": __version__, "python": platform.python_version(),
        "cpu_count": os.cpu_count(), "count": args.count, "size": args.size,
        "one_core": one, "all_cores": every,
        "speedup": round(every["images_per_s"] / one["images_per_s"], 2),
    }, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
