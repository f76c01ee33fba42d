"""Audio analysis and store-rule check benchmark. Prints JSON.

Audio: decode + analysis of synthesised tracks (chords over a click) of several lengths and
formats, as seconds per minute of audio; analysis reads at most three 30 s excerpts, so the
figure falls with length. Check: seconds per image for a Sleeve cover at 3000² and 1500²,
with and without title/artist. One core (OMP/BLAS/numba threads 1; tesseract OMP 1).

    python bench/audio_check.py [--reps 3] [--tracks 1:WAV,4:MP3,15:MP3]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
            "OMP_THREAD_LIMIT"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

from sleeve import Brief, __version__  # noqa: E402
from sleeve.audio import analyze_file  # noqa: E402
from sleeve.check import check_cover  # noqa: E402
from sleeve.pipeline import generate  # noqa: E402

RATE = 44100
BRIEF = Brief(title="Midnight Rain", artist="Luna Vale", genre="ballad",
              lyrics="Rain on the window, the city asleep")


def track(minutes: float) -> np.ndarray:
    """Stereo 44.1 kHz: a I–IV–V–I progression at 120 bpm with a click on every beat."""
    rng = np.random.default_rng(0)
    beat = int(RATE * 0.5)
    t = np.arange(beat) / RATE
    decay = np.exp(-3 * t)
    bars = []
    for root in (60, 65, 67, 60):
        tone = sum(np.sin(2 * np.pi * 440 * 2 ** ((m - 69) / 12) * t)
                   for m in (root, root + 4, root + 7)) / 3 * decay * 0.3
        tone[:200] += rng.normal(0, 0.3, 200)
        bars.append(tone)
    loop = np.concatenate(bars).astype(np.float32)
    mono = np.tile(loop, int(np.ceil(minutes * 60 * RATE / len(loop))))[: int(minutes * 60 * RATE)]
    return np.stack([mono, mono * 0.9], axis=1)


def time_audio(minutes: float, fmt: str, reps: int) -> dict[str, float | str]:
    out = io.BytesIO()
    sf.write(out, track(minutes), RATE, format=fmt)
    data = out.getvalue()
    seconds = []
    for _ in range(reps):
        t0 = time.perf_counter()
        analyze_file(data)
        seconds.append(time.perf_counter() - t0)
    median = statistics.median(seconds)
    return {"minutes": minutes, "format": fmt.lower(), "mb": round(len(data) / 1e6, 1),
            "seconds": round(median, 3), "seconds_per_minute": round(median / minutes, 3)}


def time_check(size: int, with_metadata: bool, reps: int) -> dict[str, float | int | bool]:
    cover = generate(BRIEF, count=1, seed=1, size=size)[0]
    data = cover.encode("jpeg")
    metadata = (BRIEF.title, BRIEF.artist) if with_metadata else (None, None)
    seconds, passed = [], True
    for _ in range(reps):
        t0 = time.perf_counter()
        passed = check_cover(data, *metadata).passed
        seconds.append(time.perf_counter() - t0)
    return {"size": size, "with_metadata": with_metadata, "style": cover.style,
            "passed": passed, "seconds_per_image": round(statistics.median(seconds), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--tracks", default="1:WAV,4:WAV,4:FLAC,4:MP3,15:MP3",
                        help="minutes:format pairs (44.1 kHz stereo WAV passes 50 MB at 4.7 min)")
    args = parser.parse_args()
    analyze_file(_warm_up())  # imports and numba compilation outside the timing
    audio = [time_audio(float(minutes), fmt, args.reps)
             for minutes, fmt in (pair.split(":") for pair in args.tracks.split(","))]
    check = [time_check(size, meta, args.reps) for size in (3000, 1500) for meta in (True, False)]
    json.dump({
        "sleeve": __version__, "python": sys.version.split()[0], "machine": platform.machine(),
        "audio_analysis": audio, "check": check,
    }, sys.stdout, indent=2)
    sys.stdout.write("\n")


def _warm_up() -> bytes:
    out = io.BytesIO()
    sf.write(out, track(0.1), RATE, format="WAV")
    return out.getvalue()


if __name__ == "__main__":
    main()
