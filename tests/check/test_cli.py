"""`sleeve check`: exit 0 for a cover that passes, 1 for one that fails, 2 for unusable input."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from sleeve.cli import app
from tests.check.conftest import encode

runner = CliRunner()


def test_a_passing_cover_exits_0_and_names_the_size_warning(
        cover: Image.Image, tmp_path: Path) -> None:
    path = tmp_path / "cover.png"
    path.write_bytes(encode(cover))
    result = runner.invoke(app, ["check", str(path), "--title", "Midnight Rain",
                                 "--artist", "Luna Vale"])
    assert result.exit_code == 0, result.output
    assert "passes" in result.output and "warn dimensions" in result.output


def test_a_failing_cover_exits_1_with_each_failed_rule_in_json(
        cover: Image.Image, tmp_path: Path) -> None:
    path = tmp_path / "cover.png"
    path.write_bytes(encode(cover.convert("RGBA")))
    result = runner.invoke(app, ["check", str(path), "--title", "Another Song",
                                 "--artist", "Luna Vale", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["passed"] is False
    assert report["rules"]["color-mode"] == report["rules"]["metadata-text"] == "fail"
    assert {f["rule"] for f in report["findings"] if f["box"]} == {"metadata-text"}


def test_unusable_input_exits_2_with_one_line(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    for args in ([str(text)], [str(tmp_path / "missing.png")],
                 [str(text), "--title", "Only a title"]):
        result = runner.invoke(app, ["check", *args])
        assert result.exit_code == 2
        assert len(result.output.strip().splitlines()) == 1, result.output
