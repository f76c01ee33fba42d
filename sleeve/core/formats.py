"""The image formats covers are delivered in, their file extensions and media types."""

from __future__ import annotations

from typing import Final, Literal, get_args

ImageFormat = Literal["jpeg", "png"]
IMAGE_FORMATS: Final[tuple[ImageFormat, ...]] = get_args(ImageFormat)
EXTENSIONS: Final[dict[str, str]] = {"jpeg": "jpg", "png": "png"}
MEDIA_TYPES: Final[dict[str, str]] = {"jpeg": "image/jpeg", "png": "image/png"}
