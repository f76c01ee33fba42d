"""Photos of a real face for training tests, offline: scikit-image's astronaut portrait."""

from __future__ import annotations

from PIL import Image


def face_photos(size: int = 64) -> list[Image.Image]:
    """Two views of one face (the crop and its mirror), as photo intake keeps crops."""
    from skimage import data

    portrait = Image.fromarray(data.astronaut()).crop((140, 20, 340, 220))
    crop = portrait.resize((size, size), Image.Resampling.LANCZOS)
    return [crop, crop.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
