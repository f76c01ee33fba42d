"""File names for covers: readable in the musician's own script, always safe."""

from __future__ import annotations

import pytest

from sleeve.files import slugify


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
