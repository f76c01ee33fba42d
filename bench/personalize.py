"""Personalization benchmark. Prints JSON.

- ``validation``: taking in one subject photo (content sniffing, limits, orientation, metadata
  stripped, exactly one face) for a small and a 12-megapixel JPEG;
- ``compositing``: per treatment, a cover rendered (artwork + typography) with and without
  the subject — the same plan, the portrait only taken out — at 1024² and 3000², on one core;
  ``added_cpu_ms`` is the difference of the median CPU times (target: ≤ 300 ms at 3000²);
  the person's cut-out is made once per photo at intake (``cutout_ms``), not per cover;
- ``gpu``: DreamBooth-LoRA training figures; filled on a GPU host (``available: false`` and
  why, here).

    python bench/personalize.py [--reps 3] [--big-reps 2] [--treatments duotone,circle]

The photo is scikit-image's bundled ``astronaut`` (dev extra).
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable

# One core: the target is per core.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import cv2  # noqa: E402
from dreambooth import gpu_section  # noqa: E402
from PIL import Image  # noqa: E402

from sleeve import Brief, __version__  # noqa: E402
from sleeve.core.art_direction import plan_covers  # noqa: E402
from sleeve.core.plan import PortraitPlan  # noqa: E402
from sleeve.core.portrait import FacePhoto, with_portrait  # noqa: E402
from sleeve.photos.faces import the_face  # noqa: E402
from sleeve.photos.intake import open_photo, strip_metadata, upright  # noqa: E402
from sleeve.pipeline import face_photo, render_plan  # noqa: E402
from sleeve.render.cutout import person_mask  # noqa: E402

cv2.setNumThreads(1)

# A style that would choose each treatment itself.
TREATMENT_STYLES = {"duotone": "swiss", "halftone": "collage", "riso": "riso",
                    "arch": "landscape", "circle": "nebula"}
BRIEF = Brief(title="Blue Hour Session", artist="Mina Park", genre="jazz")


def _ms(fn: Callable[[], object], reps: int) -> list[tuple[float, float]]:
    """(wall ms, CPU ms) per run. Everything runs on one thread, so the process's CPU time is
    the time one core spends, which stays meaningful on a shared, loaded machine."""
    fn()  # warm caches (fonts, cascade) outside the timing
    out: list[tuple[float, float]] = []
    for _ in range(reps):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        out.append(((time.perf_counter() - w0) * 1000, (time.process_time() - c0) * 1000))
    return out


def _summary(values: list[tuple[float, float]]) -> dict[str, float]:
    wall, cpu = [v[0] for v in values], [v[1] for v in values]
    return {"wall_p50_ms": round(statistics.median(wall), 1),
            "cpu_p50_ms": round(statistics.median(cpu), 1), "cpu_min_ms": round(min(cpu), 1)}


def _cpu_median(values: list[tuple[float, float]]) -> float:
    return statistics.median(v[1] for v in values)


def take_in(data: bytes) -> object:
    """What intake does to one subject photo before it may be used."""
    image = strip_metadata(upright(open_photo(data).image)).convert("RGB")
    return face_photo(image, the_face(image).to_list())


def validation(astronaut: Image.Image, reps: int) -> dict[str, object]:
    small = io.BytesIO()
    astronaut.save(small, "JPEG", quality=92)
    big = io.BytesIO()
    astronaut.resize((4000, 3000), Image.Resampling.LANCZOS).save(big, "JPEG", quality=92)
    return {
        "jpeg_512x512": _summary(_ms(lambda: take_in(small.getvalue()), reps)),
        "jpeg_4000x3000": _summary(_ms(lambda: take_in(big.getvalue()), max(1, reps // 2))),
    }


def cutout(astronaut: Image.Image, reps: int) -> dict[str, float]:
    bare = face_photo(astronaut).pixels, face_photo(astronaut).face
    return _summary(_ms(lambda: person_mask(FacePhoto(*bare)), reps))


def compositing(astronaut: Image.Image, treatments: list[str], sizes: dict[int, int]
                ) -> dict[str, dict[str, object]]:
    photo = face_photo(astronaut)
    out: dict[str, dict[str, object]] = {}
    for treatment in treatments:
        style = TREATMENT_STYLES[treatment]
        base = plan_covers(BRIEF, count=1, seed=3, style=style)[0]
        featured = with_portrait(base, 3).model_copy(
            update={"portrait": PortraitPlan(treatment=treatment)})  # type: ignore[arg-type]
        plain = featured.model_copy(update={"portrait": None})
        row: dict[str, object] = {"style": style}
        for size, reps in sizes.items():
            with_ms = _ms(functools.partial(render_plan, featured, 3, size=size, subject=photo),
                          reps)
            without_ms = _ms(functools.partial(render_plan, plain, 3, size=size), reps)
            row[str(size)] = {
                "with_subject": _summary(with_ms),
                "without_subject": _summary(without_ms),
                "added_cpu_ms": round(_cpu_median(with_ms) - _cpu_median(without_ms), 1),
            }
        out[treatment] = row
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=3, help="repetitions at 1024²")
    parser.add_argument("--big-reps", type=int, default=2, help="repetitions at 3000²")
    parser.add_argument("--treatments", default=",".join(TREATMENT_STYLES))
    args = parser.parse_args()
    from skimage import data

    astronaut = Image.fromarray(data.astronaut())
    treatments = [t for t in args.treatments.split(",") if t]
    unknown = set(treatments) - set(TREATMENT_STYLES)
    if unknown:
        parser.error(f"unknown treatments: {', '.join(sorted(unknown))}")
    report = {
        "sleeve": __version__,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "validation": validation(astronaut, args.reps),
        "cutout_ms": cutout(astronaut, args.reps),
        "compositing": compositing(astronaut, treatments,
                                   {1024: args.reps, 3000: args.big_reps}),
        "target_added_ms_3000": 300,
        "gpu": gpu_section(),  # bench/dreambooth.py: 500 DreamBooth-LoRA steps at 1024²
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
