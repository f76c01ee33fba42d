"""`sleeve dataset build` on a directory of images, and on rated covers."""

from __future__ import annotations

import csv
import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from sleeve.cli import app
from sleeve.config import Settings, get_settings
from sleeve.dataset.output import near_duplicates, read_manifest
from tests.dataset.images import odd_modes, write_set

SIZE, MIN = 96, 64
runner = CliRunner()


def _build(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["dataset", "build", "--min-size", str(MIN), "--json", *args])
    assert result.exit_code == 0, result.output
    stats: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return stats


def test_images_become_captioned_shards_and_a_manifest(tmp_path: Path) -> None:
    source = tmp_path / "in"
    write_set(source, 20, SIZE, copies=3, small=2, broken=2)
    odd = odd_modes(source, SIZE)
    meta = tmp_path / "meta.csv"
    with meta.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, ["file", "title", "artist", "genre", "lyrics"])
        writer.writeheader()
        writer.writerow({"file": "img-00000.jpg", "title": "Midnight Rain", "artist": "Luna Vale",
                         "genre": "ballad", "lyrics": "rain on the window, the city asleep"})
    out = tmp_path / "out"
    stats = _build("--images", str(source), "--meta", str(meta), "--out", str(out),
                   "--shard-size", "10", "--workers", "1")
    assert stats["inputs"] == 20 + 3 + 2 + 2 + len(odd)
    assert stats["kept"] == 20 + len(odd)
    assert stats["duplicates"] == 3
    assert stats["rejected"] == {"too small": 2, "undecodable": 2}
    assert stats["shards"] == 3 and stats["phash_threshold_bits"] == 6
    rows = read_manifest(out / "manifest.parquet")
    assert [r["key"] for r in rows] == sorted(r["key"] for r in rows)
    assert not any(r["source"].startswith(("copy-", "small-", "broken-")) for r in rows)
    rain = next(r for r in rows if r["source"] == "img-00000.jpg")
    assert '"Midnight Rain" by Luna Vale' in rain["caption"]
    assert rain["genre"] == "ballad" and "rain" in rain["motifs"]
    assert rain["mood"] in rain["caption"] and rain["palette"]
    with tarfile.open(out / "shard-000000.tar") as tar:
        names = tar.getnames()
        assert len(names) == 30 and {n.rsplit(".", 1)[1] for n in names} == {"jpg", "txt", "json"}
        first = names[0].rsplit(".", 1)[0]
        image = Image.open(io.BytesIO(tar.extractfile(f"{first}.jpg").read()))  # type: ignore[union-attr]
        assert image.mode == "RGB" and min(image.size) >= MIN
        caption = tar.extractfile(f"{first}.txt").read().decode()  # type: ignore[union-attr]
        assert caption == next(r["caption"] for r in rows if r["key"] == first)
    assert not (out / ".staging").exists()


def test_near_duplicates_keep_the_largest_then_the_first_key() -> None:
    def record(key: str, phash: str, side: int = 1024, size: int = 100) -> dict[str, object]:
        return {"key": key, "phash": phash, "width": side, "height": side, "bytes": size}

    records = [record("b", "ffff000000000000"), record("a", "ffff000000000003"),
               record("c", "0000ffff00000000")]
    assert near_duplicates(records, 6) == {"b": "a"}
    assert near_duplicates(records, 1) == {}
    assert near_duplicates([*records, record("z", "ffff000000000001", side=2048)], 6) == {
        "a": "z", "b": "z"}


@pytest.mark.parametrize("args, message", [
    ([], "exactly one of"),
    (["--images", "x", "--urls", "y"], "exactly one of"),
    (["--from-ratings", "--meta", "m.csv"], "--meta goes with --images"),
    (["--images", "no-such-dir"], "is not a directory"),
])
def test_bad_usage_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["dataset", "build", "--out", str(tmp_path / "o"), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_bad_metadata_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    meta = tmp_path / "meta.jsonl"
    meta.write_text('{"file": "a.jpg"}\nnot json\n')
    result = runner.invoke(app, ["dataset", "build", "--images", str(tmp_path / "in"),
                                 "--meta", str(meta), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "line 2 is not JSON" in result.output


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("SLEEVE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SLEEVE_STORAGE_URL", settings.storage_url)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_well_rated_covers_become_a_training_set(cli_env: Settings, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from tests.report.seed import seed_week

    seed_week(cli_env, datetime(2022, 1, 3, tzinfo=UTC))
    stats = _build("--from-ratings", "--min-rating", "4", "--min-size", "32",
                   "--out", str(tmp_path), "--workers", "1")
    assert stats["kept"] >= 1  # type: ignore[operator]
    assert stats["inputs"] == (stats["kept"] + stats["duplicates"]  # type: ignore[operator]
                               + sum(stats["rejected"].values()))  # type: ignore[attr-defined]
    rows = read_manifest(tmp_path / "manifest.parquet")
    assert all(r["source"].startswith("cover:") and r["artist"] == "Luna Vale" for r in rows
               if r["artist"])
