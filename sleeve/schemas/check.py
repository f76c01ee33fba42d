"""``/v1/check``: the store-rule report for an uploaded cover."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sleeve.core.store_rules import STORE_RULES

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
    rules: dict[str, RuleStatus] = Field(description=f"Every rule: {', '.join(STORE_RULES)}.")
    findings: list[FindingView]
    words: list[str] = Field(description="The words OCR read on the image.")
