"""Photo intake: what any uploaded picture goes through before Sleeve looks at it."""

from sleeve.photos.intake import (
    PHOTO_LIMITS,
    IntakeLimits,
    Photo,
    PhotoRejected,
    open_photo,
    sniff,
    strip_metadata,
    upright,
)

__all__ = [
    "PHOTO_LIMITS",
    "IntakeLimits",
    "Photo",
    "PhotoRejected",
    "open_photo",
    "sniff",
    "strip_metadata",
    "upright",
]
