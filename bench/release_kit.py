"""Release-kit benchmark. Prints JSON.

Formats: seconds per format at full size (art re-composed, type set, JPEG encoded) for each
style, and the five formats together (target: ≤ 3 s on one core). Motion: a Spotify Canvas
loop (1080×1920, 30 fps) rendered and encoded, in seconds per second of video (target: a 6 s
loop in ≤ 30 s on one core). Audio: the track analysis (art direction from the track) in
seconds per minute of audio (bench/audio_check.py has the full table and the store-rule check).

Times are CPU seconds of this process (pinned to one core), which is what one free core
would take; wall-clock seconds are reported beside them, and on a shared, oversubscribed
machine they are larger by the load.

    python bench/release_kit.py [--styles aurora,swiss] [--motion-styles synthwave]
                                [--seconds 6] [--reps 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

# One core: the targets are per core (threads in BLAS/FFmpeg would flatter the figures).
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

from audio_check import time_audio  # noqa: E402 (bench/ is the script's directory)

from sleeve import Brief, __version__  # noqa: E402
from sleeve.core.art_direction import plan_covers  # noqa: E402
from sleeve.core.motion_presets import get_preset  # noqa: E402
from sleeve.render.export import CoverMetadata, encode  # noqa: E402
from sleeve.render.formats import FORMATS, render_format  # noqa: E402
from sleeve.render.motion import frames  # noqa: E402
from sleeve.render.styles import STYLE_NAMES  # noqa: E402
from sleeve.render.video import encode_mp4  # noqa: E402

BRIEF = Brief(
    title="Midnight Rain",
    artist="Luna Vale",
    album="Glass City",
    genre="ballad",
    lyrics="Rain on the window, the city asleep\nUnder the moon I am waiting for you",
)
FORMATS_TARGET_S = 3.0
CANVAS_TARGET_S = 30.0  # for a 6 s loop


def time_formats(style: str, reps: int) -> dict[str, object]:
    plan = plan_covers(BRIEF, count=1, seed=1, style=style)[0]
    meta = CoverMetadata(plan.title, plan.artist, 1, "procedural", style)
    render_format(plan, 0, FORMATS[1], scale=0.25)  # warm caches (fonts) outside the timing
    per_format: dict[str, float] = {}
    wall = 0.0
    for fmt in FORMATS:
        runs = []
        for seed in range(1, reps + 1):
            t0, w0 = time.process_time(), time.perf_counter()
            encode(render_format(plan, seed, fmt).image, "jpeg", meta)
            runs.append(time.process_time() - t0)
            wall += (time.perf_counter() - w0) / reps
        per_format[fmt.name] = round(statistics.median(runs), 3)
    total = round(sum(per_format.values()), 3)
    return {"cpu_s": per_format, "total_cpu_s": total, "total_wall_s": round(wall, 3),
            "meets_target": total <= FORMATS_TARGET_S}


def time_canvas(style: str, seconds: float) -> dict[str, object]:
    plan = plan_covers(BRIEF, count=1, seed=1, style=style)[0]
    preset = get_preset("canvas")
    t0, w0 = time.process_time(), time.perf_counter()
    data = encode_mp4(frames(plan, 1, preset, seconds), preset.width, preset.height, preset.fps)
    took, wall = time.process_time() - t0, time.perf_counter() - w0
    per_video_second = took / seconds
    return {"loop_s": seconds, "render_cpu_s": round(took, 2), "render_wall_s": round(wall, 2),
            "render_s_per_video_s": round(per_video_second, 2), "mp4_bytes": len(data),
            "six_second_loop_s": round(per_video_second * 6, 2),
            "meets_target": per_video_second * 6 <= CANVAS_TARGET_S}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--styles", default=",".join(STYLE_NAMES))
    parser.add_argument("--motion-styles", default="aurora,synthwave")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--audio-tracks", default="4:WAV,4:MP3",
                        help="minutes:format of the synthesised tracks analysed")
    args = parser.parse_args()
    formats = {s: time_formats(s, args.reps) for s in args.styles.split(",") if s}
    totals = [float(f["total_cpu_s"]) for f in formats.values()]  # type: ignore[arg-type]
    motion = {s: time_canvas(s, args.seconds) for s in args.motion_styles.split(",") if s}
    report = {
        "sleeve": __version__, "python": sys.version.split()[0], "machine": platform.machine(),
        "cores_used": 1,
        "formats": {"per_style": formats,
                    "total_cpu_p50_s": round(statistics.median(totals), 3),
                    "total_cpu_max_s": round(max(totals), 3), "target_s": FORMATS_TARGET_S},
        "motion_canvas_1080x1920_30fps": {"per_style": motion, "target_6s_loop_s":
                                          CANVAS_TARGET_S},
        "audio_analysis": [time_audio(float(minutes), fmt, args.reps) for minutes, fmt in
                           (spec.split(":") for spec in args.audio_tracks.split(",") if spec)],
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
