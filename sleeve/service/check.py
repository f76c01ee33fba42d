"""Use case: check an uploaded cover against the store rules."""

from __future__ import annotations

from sleeve.check import OcrUnavailable, check_cover
from sleeve.photos import PHOTO_LIMITS, PhotoRejected
from sleeve.schemas.check import CheckView
from sleeve.service.errors import Unavailable
from sleeve.service.uploads import rejection


def check_upload(data: bytes, title: str | None, artist: str | None) -> CheckView:
    """The store-rule report for an uploaded image (photo upload limits apply)."""
    try:
        return CheckView.model_validate(
            check_cover(data, title, artist, limits=PHOTO_LIMITS).to_dict())
    except PhotoRejected as exc:
        raise rejection("file", exc.kind, str(exc)) from exc
    except OcrUnavailable as exc:
        raise Unavailable(str(exc)) from exc
