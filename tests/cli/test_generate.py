"""`sleeve generate` as a musician runs it: files, JSON lines, errors and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from sleeve.cli import app

runner = CliRunner()
BASE = ["generate", "--size", "256", "--seed", "11"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sleeve", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_generate_writes_covers_thumbnails_and_json_lines(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            *BASE,
            "--title",
            "Midnight Rain",
            "--artist",
            "Luna Vale",
            "--genre",
            "ballad",
            "--count",
            "2",
            "--json",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(records) == 2
    assert {"path", "seed", "engine", "style", "plan"} <= set(records[0])
    assert [r["seed"] for r in records] == [11, 12]
    assert records[0]["style"] != records[1]["style"]
    for record in records:
        with Image.open(record["path"]) as image:
            assert image.size == (256, 256) and image.format == "JPEG"
        assert Path(record["thumbnail"]).exists()
        assert record["plan"]["title"] == "Midnight Rain"


def test_same_seed_gives_identical_files_across_processes(tmp_path: Path) -> None:
    # Separate processes: nothing cached in memory (fonts, ICC profile) can hide a difference.
    args = [
        *BASE,
        "--title",
        "Blue Corner",
        "--artist",
        "Q",
        "--genre",
        "jazz",
        "--count",
        "1",
        "--json",
    ]
    for fmt in ("png", "jpeg"):
        first = run(*args, "--format", fmt, "--out", str(tmp_path / f"a-{fmt}"))
        second = run(*args, "--format", fmt, "--out", str(tmp_path / f"b-{fmt}"))
        path_a = json.loads(first.stdout.splitlines()[-1])["path"]
        path_b = json.loads(second.stdout.splitlines()[-1])["path"]
        assert Path(path_a).read_bytes() == Path(path_b).read_bytes(), fmt


def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(*BASE, "--title", "   ", "--artist", "Luna Vale", "--out", str(out))
    assert result.returncode == 2
    assert "title" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())


def test_out_of_range_size_and_unknown_style_exit_2(tmp_path: Path) -> None:
    too_big = runner.invoke(
        app, ["generate", "--title", "T", "--artist", "A", "--size", "9000", "--out", str(tmp_path)]
    )
    assert too_big.exit_code == 2 and "--size" in too_big.output
    unknown = runner.invoke(
        app,
        ["generate", "--title", "T", "--artist", "A", "--style", "cubism", "--out", str(tmp_path)],
    )
    assert unknown.exit_code == 2 and "cubism" in unknown.output
    assert not any(tmp_path.iterdir())


def test_brief_file_reports_bad_lines_and_makes_the_rest(tmp_path: Path) -> None:
    briefs = tmp_path / "briefs.jsonl"
    briefs.write_text(
        '{"title": "Paper Boats", "artist": "Minnow", "genre": "indie"}\n'
        '{"title": "", "artist": "Nobody"}\n'
        "not json\n"
        '{"title": "밤하늘의 별", "artist": "하늘빛", "genre": "발라드"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run(*BASE, "--count", "1", "--brief-file", str(briefs), "--out", str(out), "--json")
    assert result.returncode == 1
    assert "line 2" in result.stderr and "title" in result.stderr
    assert "line 3" in result.stderr and "JSON" in result.stderr
    assert "Traceback" not in result.stderr
    titles = [json.loads(line)["plan"]["title"] for line in result.stdout.splitlines()]
    assert titles == ["Paper Boats", "밤하늘의 별"]


def test_no_text_renders_art_only(tmp_path: Path) -> None:
    args = [
        *BASE,
        "--title",
        "Drift",
        "--artist",
        "Aural Fields",
        "--style",
        "minimal",
        "--count",
        "1",
        "--format",
        "png",
        "--json",
    ]
    with_text = runner.invoke(app, [*args, "--out", str(tmp_path / "t")])
    without = runner.invoke(app, [*args, "--no-text", "--out", str(tmp_path / "n")])
    a = Image.open(json.loads(with_text.stdout.splitlines()[-1])["path"])
    b = Image.open(json.loads(without.stdout.splitlines()[-1])["path"])
    assert a.tobytes() != b.tobytes()


def test_styles_lists_every_style() -> None:
    from sleeve.render.styles import STYLE_NAMES

    result = runner.invoke(app, ["styles", "--json"])
    assert result.exit_code == 0
    assert [row["name"] for row in json.loads(result.stdout)] == list(STYLE_NAMES)
    assert len(STYLE_NAMES) >= 8


def test_plan_prints_cover_plan_json() -> None:
    result = runner.invoke(
        app,
        [
            "plan",
            "--title",
            "밤하늘의 별",
            "--artist",
            "하늘빛",
            "--genre",
            "발라드",
            "--lyrics",
            "밤하늘의 별을 보며 너를 생각해",
        ],
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["title"] == "밤하늘의 별" and plan["language"] == "ko"
    assert plan["genre_family"] == "ballad"
    assert plan["prompt"]


def test_missing_lyrics_file_is_a_clear_error(tmp_path: Path) -> None:
    result = run(
        *BASE,
        "--title",
        "T",
        "--artist",
        "A",
        "--lyrics-file",
        str(tmp_path / "nope.txt"),
        "--out",
        str(tmp_path / "out"),
    )
    assert result.returncode == 2
    assert "--lyrics-file" in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_lyrics_file_feeds_the_analysis(tmp_path: Path) -> None:
    lyrics = tmp_path / "lyrics.txt"
    lyrics.write_text("파도 소리가 들리는 작은 방에서\n너와 나는 바다를 그렸지\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "plan",
            "--title",
            "바다가 보이는 방",
            "--artist",
            "소란한 오후",
            "--lyrics-file",
            str(lyrics),
        ],
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert "sea" in plan["motifs"] or "sea" in plan["keywords"] or "바다" in plan["keywords"]


def test_engines_reports_procedural_available() -> None:
    result = runner.invoke(app, ["engines", "--json"])
    assert result.exit_code == 0
    status = json.loads(result.stdout)
    assert status["procedural"]["available"] is True
    assert "diffusion" in status and status["diffusion"]["reason"]


def test_usage_errors_are_one_line_with_exit_2(tmp_path: Path) -> None:
    for args in (
        ["generate", "--size", "big", "--out", str(tmp_path)],
        ["generate", "--title", "T", "--artist", "A"],
        ["no-such-command"],
    ):
        result = run(*args)
        assert result.returncode == 2, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
        assert "Traceback" not in result.stderr


def test_unusable_database_url_is_one_line_with_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "SLEEVE_DATABASE_URL": "nosuchdb://x"}
    result = subprocess.run(
        [sys.executable, "-m", "sleeve", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: database") and "Traceback" not in result.stderr


def test_a_title_no_font_can_draw_is_refused_not_drawn_as_boxes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(*BASE, "--title", "Night \U00020c44", "--artist", "A", "--out", str(out))
    assert result.returncode == 2
    assert "no installed font can draw" in result.stderr and "U+20C44" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_subject_photo_features_the_musician_on_every_cover(tmp_path: Path) -> None:
    data = pytest.importorskip("skimage.data")
    photo = tmp_path / "me.jpg"
    Image.fromarray(data.astronaut()).save(photo, quality=92)
    args = [*BASE, "--title", "Blue Hour", "--artist", "Mina Park", "--genre", "jazz",
            "--count", "2", "--json", "--out", str(tmp_path / "out")]
    result = runner.invoke(app, [*args, "--subject-photo", str(photo)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["plan"]["portrait"]["photo"] for r in records] == [0, 0]
    assert all(r["plan"]["portrait"]["treatment"] for r in records)
    plain = runner.invoke(app, [*args[:-2], "--out", str(tmp_path / "plain")])
    assert all(json.loads(line)["plan"]["portrait"] is None for line in plain.stdout.splitlines())


def test_a_subject_photo_without_a_face_is_one_line_exit_2(tmp_path: Path) -> None:
    photo = tmp_path / "wall.png"
    Image.new("RGB", (300, 200), (90, 100, 110)).save(photo)
    out = tmp_path / "out"
    result = runner.invoke(app, [*BASE, "--title", "T", "--artist", "A", "--out", str(out),
                                 "--subject-photo", str(photo)])
    assert result.exit_code == 2
    assert "--subject-photo" in result.output and "no face" in result.output
    assert not out.exists()
