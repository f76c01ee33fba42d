"""`sleeve kit` and `sleeve motion` as a musician runs them: files named by format, an MP4,
and one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import av
from PIL import Image
from typer.testing import CliRunner

from sleeve.cli import app
from tests.render.conftest import build_plan

runner = CliRunner()


def _plan_file(tmp_path: Path, style: str = "minimal") -> Path:
    path = tmp_path / "plan.json"
    path.write_text(build_plan(style=style).model_dump_json(), encoding="utf-8")
    return path


def test_kit_writes_one_file_per_format_at_its_size(tmp_path: Path) -> None:
    out = tmp_path / "kit"
    result = runner.invoke(app, ["kit", str(_plan_file(tmp_path)), "--seed", "4", "--out",
                                 str(out), "--json"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["format"] for r in records] == ["cover", "feed", "story", "video", "header"]
    for record in records:
        with Image.open(record["path"]) as image:
            assert image.size == (record["width"], record["height"])
            assert image.mode == "RGB"
    assert sorted(p.name for p in out.iterdir()) == [
        "cover-3000x3000.jpg", "feed-1080x1350.jpg", "header-1500x500.jpg",
        "story-1080x1920.jpg", "video-1920x1080.jpg"]


def test_motion_writes_an_mp4_of_the_preset(tmp_path: Path) -> None:
    out = tmp_path / "canvas.mp4"
    result = runner.invoke(app, ["motion", str(_plan_file(tmp_path, "sunburst")), "--seed", "2",
                                 "--preset", "canvas", "--seconds", "3", "--scale", "0.15",
                                 "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["frames"] == 90
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (record["width"], record["height"])
        assert not container.streams.audio


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    plan = str(_plan_file(tmp_path))
    cases = [
        (["kit", plan, "--seed", "-3", "--out", str(tmp_path / "k")], "--seed"),
        (["kit", str(tmp_path / "missing.json"), "--seed", "1", "--out", str(tmp_path)],
         "does not exist"),
        (["motion", plan, "--seed", "1", "--preset", "vhs", "--out", str(tmp_path / "a.mp4")],
         "unknown motion preset"),
        (["motion", plan, "--seed", "1", "--preset", "apple-square", "--seconds", "30",
          "--out", str(tmp_path / "a.mp4")], "8–20 s"),
    ]
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    cases.append((["kit", str(tmp_path / "list.json"), "--seed", "1", "--out", str(tmp_path)],
                  "give one"))
    for args, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_motion_of_a_plan_with_a_tempo_lasts_whole_beats(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(build_plan(style="sunburst").model_copy(
        update={"motion_tempo_bpm": 120.0}).model_dump_json(), encoding="utf-8")
    out = tmp_path / "canvas.mp4"
    result = runner.invoke(app, ["motion", str(plan), "--seed", "2", "--preset", "canvas",
                                 "--seconds", "3.2", "--scale", "0.1", "--out", str(out),
                                 "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    # 3.2 s is 6.4 beats at 120 bpm: six beats, 3 s.
    assert (record["seconds"], record["tempo_bpm"], record["frames"]) == (3.0, 120.0, 90)
    with av.open(str(out)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 90
