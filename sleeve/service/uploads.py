"""Uploaded files (cover images, tracks) checked by their own intake code; its refusals as
service errors with the right status."""

from __future__ import annotations

from typing import Literal

from sleeve.audio import AudioRejected, AudioUnavailable, analyze_file
from sleeve.core.plan import AudioFeatures
from sleeve.service.errors import Invalid, ServiceError, TooLarge, Unavailable, Unsupported

RejectionKind = Literal["too-large", "unsupported", "invalid"]
_ERRORS: dict[str, type[ServiceError]] = {
    "too-large": TooLarge, "unsupported": Unsupported, "invalid": Invalid,
}


def rejection(field: str, kind: RejectionKind, message: str,
              reason: str | None = None) -> ServiceError:
    """413 for too many bytes, 415 for a type Sleeve does not read, 422 for a damaged file
    (or, for a photo, one that breaks a rule ``reason`` names)."""
    return _ERRORS[kind](f"{field}: {message}", reason)


def analyze_track(data: bytes) -> AudioFeatures:
    """The features of an uploaded track; the bytes are dropped once measured."""
    try:
        return analyze_file(data)
    except AudioRejected as exc:
        raise rejection("audio", exc.kind, str(exc)) from exc
    except AudioUnavailable as exc:
        raise Unavailable(f"audio: {exc}") from exc
