"""`sleeve plan --audio` and `sleeve generate --audio`: the track in the plan; bad files exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sleeve.cli import app
from tests.audio.conftest import clicks, encode

runner = CliRunner()
BRIEF = ["--title", "Midnight Rain", "--artist", "Luna Vale", "--genre", "ballad"]


def test_plan_with_audio_carries_the_features_and_a_motion_tempo(tmp_path: Path) -> None:
    track = tmp_path / "song.flac"
    track.write_bytes(encode(clicks(140, seconds=6), "FLAC"))
    result = runner.invoke(app, ["plan", *BRIEF, "--audio", str(track)])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert abs(plan["audio"]["tempo_bpm"] - 140) < 3
    assert abs(plan["motion_tempo_bpm"] - 70) < 2


def test_generate_with_audio_writes_covers_whose_plan_has_the_track(tmp_path: Path) -> None:
    track = tmp_path / "song.wav"
    track.write_bytes(encode(clicks(90, seconds=4)))
    result = runner.invoke(app, ["generate", *BRIEF, "--count", "1", "--size", "256",
                                 "--seed", "1", "--audio", str(track), "--out",
                                 str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.splitlines()[0])
    assert record["plan"]["audio"]["mode"] in ("major", "minor")


def test_a_file_that_is_not_audio_exits_2_with_one_line(tmp_path: Path) -> None:
    fake = tmp_path / "song.mp3"
    fake.write_text("this is not music")
    for command in (["plan", *BRIEF], ["generate", *BRIEF, "--out", str(tmp_path / "o")]):
        result = runner.invoke(app, [*command, "--audio", str(fake)])
        assert result.exit_code == 2
        assert "not an audio file" in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()
