"""Track analysis on synthesised audio, with the direction each measure must move."""

from __future__ import annotations

import numpy as np
import pytest

from sleeve.audio import AudioLimits, AudioRejected, analyze_file, decode, sniff_audio
from sleeve.core.track import track_energy, track_valence
from tests.audio.conftest import MAJOR, MINOR, RATE, chords, clicks, encode


def test_a_fast_click_track_measures_faster_busier_and_more_energetic_than_a_slow_one() -> None:
    slow, fast = analyze_file(encode(clicks(80))), analyze_file(encode(clicks(160)))
    assert slow.tempo_bpm == pytest.approx(80, abs=2)
    assert fast.tempo_bpm == pytest.approx(160, abs=3)
    assert fast.onset_rate > 1.7 * slow.onset_rate
    assert track_energy(fast) > track_energy(slow)


def test_major_chords_read_as_major_and_happier_than_the_same_in_minor() -> None:
    major, minor = analyze_file(encode(chords(MAJOR))), analyze_file(encode(chords(MINOR)))
    assert (major.key, major.mode) == ("C", "major")
    assert (minor.key, minor.mode) == ("C", "minor")
    assert track_valence(major) > track_valence(minor)


def test_the_loud_take_is_louder_and_more_energetic_than_the_soft_one() -> None:
    loud = analyze_file(encode(clicks(120, amplitude=0.9)))
    soft = analyze_file(encode(clicks(120, amplitude=0.03)))
    assert loud.loudness_dbfs - soft.loudness_dbfs == pytest.approx(29.5, abs=1.0)
    assert track_energy(loud) > track_energy(soft)


@pytest.mark.parametrize("fmt", ["FLAC", "OGG", "MP3"])
def test_flac_ogg_and_mp3_decode_to_the_same_tempo(fmt: str) -> None:
    data = encode(clicks(100, seconds=8), fmt)
    assert sniff_audio(data) == fmt.lower()
    assert analyze_file(data).tempo_bpm == pytest.approx(100, abs=2)


def test_a_long_track_is_read_as_three_short_excerpts() -> None:
    track = decode(encode(np.zeros(RATE * 200, dtype=np.float32)))
    assert track.duration_s == pytest.approx(200)
    assert [len(e) / RATE for e in track.excerpts] == [30, 30, 30]


@pytest.mark.parametrize(("data", "limits", "kind", "words"), [
    (b"%PDF-1.7 hello", AudioLimits(), "unsupported", "not an audio file"),
    (encode(clicks(90, seconds=4))[:3000], AudioLimits(), "invalid", "at least 2 s"),
    (b"RIFF\x00\x00\x00\x00WAVEfmt " + b"\x00" * 64, AudioLimits(), "invalid", "damaged"),
    (b"fLaC" + bytes(range(256)) * 4, AudioLimits(), "invalid", "damaged"),
    (encode(clicks(90, seconds=4)), AudioLimits(max_bytes=10_000), "too-large", "limit"),
    (encode(clicks(90, seconds=4)), AudioLimits(max_seconds=3), "invalid", "minutes"),
])
def test_bad_files_are_refused_with_the_reason(
        data: bytes, limits: AudioLimits, kind: str, words: str) -> None:
    with pytest.raises(AudioRejected) as caught:
        analyze_file(data, limits)
    assert caught.value.kind == kind
    assert words in str(caught.value)
