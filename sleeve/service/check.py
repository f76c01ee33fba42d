"""Use case: check an uploaded cover against the store rules."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sleeve.check import RULES, CheckReport, OcrUnavailable, check_cover
from sleeve.photos import PHOTO_LIMITS, PhotoRejected
from sleeve.service.errors import Unavailable
from sleeve.service.uploads import rejection

RuleStatus = Literal["pass", "warn", "fail"]


class FindingView(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule: str
    status: Literal["warn", "fail"]
    reason: str
    box: tuple[int, int, int, int] | None = Field(
        default=None, description="left, top, right, bottom in image pixels")


class CheckView(BaseModel):
    model_config = ConfigDict(frozen=True)

    passed: bool
    width: int
    height: int
    format: str
    mode: str
    byte_size: int
    rules: dict[str, RuleStatus] = Field(description=f"Every rule: {', '.join(RULES)}.")
    findings: list[FindingView]
    words: list[str] = Field(description="The words OCR read on the image.")

    @classmethod
    def of(cls, report: CheckReport) -> CheckView:
        return cls.model_validate(report.to_dict())


def check_upload(data: bytes, title: str | None, artist: str | None) -> CheckView:
    """The store-rule report for an uploaded image (photo upload limits apply)."""
    try:
        return CheckView.of(check_cover(data, title, artist, limits=PHOTO_LIMITS))
    except PhotoRejected as exc:
        raise rejection("file", exc.kind, str(exc)) from exc
    except OcrUnavailable as exc:
        raise Unavailable(str(exc)) from exc
