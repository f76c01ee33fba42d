"""A diffusion cover is a finished cover: the CLI a musician runs, with SDXL weights on disk,
writes covers with typography, and `sleeve engines` says why the engine can or cannot run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def sleeve(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SLEEVE_")}
    return subprocess.run([sys.executable, "-m", "sleeve", *args], capture_output=True,
                          text=True, timeout=300, check=False, cwd=ROOT, env={**full_env, **env})


def test_cli_generates_a_finished_diffusion_cover(tiny_sdxl: Path, tmp_path: Path) -> None:
    result = sleeve(
        ["generate", "--title", "Midnight Rain", "--artist", "Luna Vale", "--genre", "ballad",
         "--engine", "diffusion", "--count", "1", "--seed", "7", "--size", "256",
         "--format", "jpeg", "--out", str(tmp_path), "--json"],
        SLEEVE_SDXL_MODEL=str(tiny_sdxl), SLEEVE_SDXL_DEVICE="cpu",
        SLEEVE_SDXL_RESOLUTION="64", SLEEVE_SDXL_STEPS="3", SLEEVE_SDXL_SCHEDULER="euler",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["engine"] == "diffusion" and line["seed"] == 7
    with Image.open(line["path"]) as image:
        assert image.size == (256, 256) and image.format == "JPEG"


def test_engines_command_says_why_diffusion_is_unavailable(tmp_path: Path) -> None:
    unset = sleeve(["engines"])
    assert "SLEEVE_SDXL_MODEL is unset" in " ".join(unset.stdout.split())
    missing = sleeve(["engines"], SLEEVE_SDXL_MODEL=str(tmp_path / "nope"))
    assert "does not exist" in " ".join(missing.stdout.split())


def test_engines_command_reports_cpu_only(tiny_sdxl: Path) -> None:
    result = sleeve(["engines"], SLEEVE_SDXL_MODEL=str(tiny_sdxl))
    assert "CPU only" in " ".join(result.stdout.split())
