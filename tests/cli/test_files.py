"""File names for covers: readable in the musician's own script, always safe."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sleeve.files import current_umask, slugify, write_atomic


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Midnight Rain", "midnight-rain"),
        ("밤하늘의 별", "밤하늘의-별"),
        ("สวัสดี Bangkok", "สวัสดี-bangkok"),  # Thai vowel marks survive
        ("Fireflies 🌙", "fireflies"),
        ("../../etc/passwd", "etc-passwd"),
        ("<script>", "script"),
        ("...", "cover"),
    ],
)
def test_slug(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slug_is_bounded() -> None:
    assert len(slugify("W" * 200)) <= 48


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_generated_files_follow_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    """Covers written by `sleeve generate` get the mode any new file would: readable by other
    users and a web server under the usual umask, private under a private one."""
    out = tmp_path / "covers"
    result = subprocess.run(
        [sys.executable, "-m", "sleeve", "generate", "--title", "Open Door", "--artist", "Ana",
         "--count", "1", "--size", "256", "--seed", "3", "--out", str(out)],
        capture_output=True, text=True, timeout=120, check=False,
        preexec_fn=lambda: os.umask(umask))
    assert result.returncode == 0, result.stderr
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) >= 2  # the cover and its thumbnail
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {mode}


def test_write_atomic_leaves_the_umask_alone(tmp_path: Path) -> None:
    before = os.umask(0o027)
    try:
        write_atomic(tmp_path / "a.bin", b"x")
        assert current_umask() == 0o027
        assert stat.S_IMODE((tmp_path / "a.bin").stat().st_mode) == 0o640
    finally:
        os.umask(before)
