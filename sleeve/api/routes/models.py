"""``/v1/models``: the model registry (style policies, LoRA fine-tunes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from sleeve.api.deps import ServicesDep, UserDep
from sleeve.service import models
from sleeve.service.models import ModelView

router = APIRouter(prefix="/v1/models", tags=["models"])


@router.get("")
def list_models(
    _user: UserDep, services: ServicesDep,
    kind: Annotated[str | None, Query(max_length=32)] = None,
) -> list[ModelView]:
    return models.list_models(services, kind)


@router.post("/{model_id}/promote")
def promote(model_id: str, user: UserDep, services: ServicesDep) -> ModelView:
    return models.promote(services, user.email, model_id)
