"""Art direction from the track: decode an upload safely, measure it (optional extra
``sleeve[audio]``: librosa, soundfile)."""

from sleeve.audio.analysis import analyze, analyze_file
from sleeve.audio.decode import (
    AUDIO_LIMITS,
    AudioLimits,
    AudioRejected,
    AudioUnavailable,
    Track,
    decode,
    sniff_audio,
)

__all__ = [
    "AUDIO_LIMITS",
    "AudioLimits",
    "AudioRejected",
    "AudioUnavailable",
    "Track",
    "analyze",
    "analyze_file",
    "decode",
    "sniff_audio",
]
