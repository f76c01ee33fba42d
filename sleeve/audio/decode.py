"""Decode an uploaded track with bounded memory and time.

Bytes are counted first, the type is sniffed from the content, and the length is read from
the header before any sample is decoded. Analysis never needs the whole song: at most
``EXCERPTS`` windows of ``EXCERPT_S`` seconds (spread over the track) are decoded, block by
block, mixed down to mono and resampled to ``SAMPLE_RATE``, so a 15-minute 192 kHz file costs
no more memory than a 90-second one.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from soundfile import SoundFile

AudioFormat = Literal["wav", "flac", "ogg", "mp3"]
RejectionKind = Literal["too-large", "unsupported", "invalid"]

MB = 1024 * 1024
SAMPLE_RATE = 22050
EXCERPT_S = 30.0
EXCERPTS = 3
MIN_SECONDS = 2.0
_BLOCK_S = 5.0
_MAX_CHANNELS = 16
_MAX_NATIVE_RATE = 384_000
# What libsndfile calls each accepted container (WAVEX is WAV with a channel mask).
_SOUNDFILE_FORMATS: dict[str, AudioFormat] = {
    "WAV": "wav", "WAVEX": "wav", "RF64": "wav", "FLAC": "flac", "OGG": "ogg", "MP3": "mp3",
}


@dataclass(frozen=True)
class AudioLimits:
    max_bytes: int = 50 * MB
    max_seconds: float = 15 * 60


AUDIO_LIMITS = AudioLimits()


class AudioRejected(ValueError):
    """Why a file cannot be analysed; ``kind`` maps to the HTTP status (413, 415, 422)."""

    def __init__(self, kind: RejectionKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class AudioUnavailable(RuntimeError):
    """The ``audio`` extra (librosa, soundfile) is not installed."""


@dataclass(frozen=True)
class Track:
    """Mono excerpts at ``SAMPLE_RATE`` and the length of the whole track."""

    excerpts: tuple[np.ndarray, ...]
    duration_s: float
    format: AudioFormat


def sniff_audio(data: bytes) -> AudioFormat | None:
    """The container from the first bytes, or None for anything else."""
    if len(data) >= 12 and data[:4] in (b"RIFF", b"RF64") and data[8:12] == b"WAVE":
        return "wav"
    if data.startswith(b"fLaC"):
        return "flac"
    if data.startswith(b"OggS"):
        return "ogg"
    # An ID3 tag, or an MPEG audio frame sync (11 set bits) with layer III.
    if data.startswith(b"ID3") or (len(data) >= 2 and data[0] == 0xFF
                                   and data[1] & 0xE0 == 0xE0 and data[1] & 0x06 == 0x02):
        return "mp3"
    return None


def require_extra() -> None:
    """Raise AudioUnavailable unless librosa and soundfile (with libsndfile) import."""
    try:
        import librosa  # noqa: F401
        import soundfile  # noqa: F401
    except (ImportError, OSError) as exc:
        raise AudioUnavailable(
            "audio analysis needs the audio extra: pip install 'sleeve[audio]'") from exc


def decode(data: bytes, limits: AudioLimits = AUDIO_LIMITS) -> Track:
    """The excerpts analysis reads from ``data``; raises AudioRejected saying what is wrong."""
    if len(data) > limits.max_bytes:
        raise AudioRejected("too-large", f"the file is {len(data) / MB:.1f} MB; the limit is "
                            f"{limits.max_bytes / MB:.0f} MB")
    kind = sniff_audio(data)
    if kind is None:
        raise AudioRejected("unsupported", "not an audio file Sleeve reads; send WAV, FLAC, "
                            "MP3 or OGG")
    require_extra()
    import soundfile

    try:
        with soundfile.SoundFile(io.BytesIO(data)) as f:
            found = _SOUNDFILE_FORMATS.get(f.format)
            if found is None or found != kind:
                raise AudioRejected("invalid", f"the {kind.upper()} file is damaged")
            rate, channels, frames = int(f.samplerate), int(f.channels), int(f.frames)
            if not (0 < rate <= _MAX_NATIVE_RATE and 0 < channels <= _MAX_CHANNELS):
                raise AudioRejected("invalid", f"the {kind.upper()} file is damaged")
            duration = frames / rate
            if duration > limits.max_seconds:
                raise AudioRejected("invalid", f"the track is {duration / 60:.1f} minutes; the "
                                    f"limit is {limits.max_seconds / 60:.0f}")
            if duration < MIN_SECONDS:
                raise AudioRejected("invalid", f"the track is {duration:.1f} s; analysis needs "
                                    f"at least {MIN_SECONDS:g} s")
            excerpts = tuple(_read(f, start, length, rate)
                             for start, length in _windows(frames, rate))
    except AudioRejected:
        raise
    except (RuntimeError, ValueError, EOFError, OSError) as exc:  # libsndfile: RuntimeError
        raise AudioRejected("invalid", f"the {kind.upper()} file is damaged or truncated"
                            ) from exc
    if not any(len(e) for e in excerpts):
        raise AudioRejected("invalid", f"the {kind.upper()} file holds no audio")
    return Track(excerpts=excerpts, duration_s=duration, format=kind)


def _windows(frames: int, rate: int) -> list[tuple[int, int]]:
    """(start, length) in frames: the whole track if short, else excerpts spread over it."""
    length = int(EXCERPT_S * rate)
    if frames <= length * EXCERPTS:
        return [(0, frames)]
    # Centred at 1/4, 2/4 and 3/4 of the track: past the intro, before the fade.
    centres = [frames * (i + 1) // (EXCERPTS + 1) for i in range(EXCERPTS)]
    return [(max(0, c - length // 2), length) for c in centres]


def _read(f: SoundFile, start: int, length: int, rate: int) -> np.ndarray:
    import librosa

    f.seek(start)
    block = int(_BLOCK_S * rate)
    parts: list[np.ndarray] = []
    left = length
    while left > 0:
        chunk = f.read(min(block, left), dtype="float32", always_2d=True)
        if not len(chunk):
            break
        parts.append(chunk.mean(axis=1))
        left -= len(chunk)
    if not parts:
        return np.zeros(0, dtype=np.float32)
    mono = np.concatenate(parts)
    if rate != SAMPLE_RATE:
        mono = librosa.resample(mono, orig_sr=rate, target_sr=SAMPLE_RATE)
    return np.asarray(mono, dtype=np.float32)
