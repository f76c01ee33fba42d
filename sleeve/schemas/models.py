"""``/v1/models``: the model registry (style policies, LoRA fine-tunes)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from sleeve.core.fields import StrictBody, Text
from sleeve.schemas.base import View


class ModelView(View):
    id: str
    kind: str
    version: str
    state: str
    metrics: dict[str, Any]
    created_at: datetime
    promoted_at: datetime | None


class ModelEventView(View):
    id: str
    model_version_id: str | None
    kind: str
    action: str
    actor: str
    reason: str
    metrics: dict[str, Any]
    created_at: datetime


class ModelAction(StrictBody):
    reason: Annotated[Text, Field(max_length=500, description="Why; kept on the event.")] = ""
