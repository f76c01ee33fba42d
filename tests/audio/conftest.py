"""Tracks the tests synthesise: click tracks, chord progressions, the same at two levels."""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf

RATE = 22050


def clicks(bpm: float, seconds: float = 12.0, amplitude: float = 0.8) -> np.ndarray:
    """A metronome: a short 2 kHz blip on every beat."""
    y = np.zeros(int(RATE * seconds), dtype=np.float32)
    n = int(RATE * 0.01)
    blip = np.exp(-np.linspace(0, 8, n)) * np.sin(2 * np.pi * 2000 * np.arange(n) / RATE)
    for start in np.arange(0, seconds, 60 / bpm):
        k = int(start * RATE)
        y[k:k + n] += amplitude * blip[: len(y[k:k + n])]
    return y


def _note(midi: int, samples: int) -> np.ndarray:
    t = np.arange(samples) / RATE
    f = 440 * 2 ** ((midi - 69) / 12)
    # A plucked tone with a few harmonics, like an instrument rather than a sine.
    return sum(np.sin(2 * np.pi * f * k * t) / k for k in range(1, 5)) * np.exp(-3 * t)


MAJOR = [(60, 64, 67), (65, 69, 72), (67, 71, 74), (60, 64, 67)]  # C F G C
MINOR = [(60, 63, 67), (65, 68, 72), (67, 70, 74), (60, 63, 67)]  # Cm Fm Gm Cm


def chords(progression: list[tuple[int, int, int]], beat: float = 0.5,
           repeats: int = 4) -> np.ndarray:
    n = int(RATE * beat)
    parts = [sum(_note(m, n) for m in chord) / 3 * 0.3
             for _ in range(repeats) for chord in progression]
    return np.concatenate(parts).astype(np.float32)


def encode(y: np.ndarray, fmt: str = "WAV") -> bytes:
    out = io.BytesIO()
    sf.write(out, y, RATE, format=fmt)
    return out.getvalue()
