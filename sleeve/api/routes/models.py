"""``/v1/models``: the model registry (style policies, LoRA fine-tunes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from sleeve.api.deps import AdminDep, RowId, ServicesDep, UserDep
from sleeve.api.openapi import problems
from sleeve.core.fields import Line
from sleeve.service import models
from sleeve.service.models import ModelView

router = APIRouter(prefix="/v1/models", tags=["models"])


@router.get("")
def list_models(
    _user: UserDep, services: ServicesDep,
    kind: Annotated[Line | None, Query(max_length=32)] = None,
) -> list[ModelView]:
    return models.list_models(services, kind)


@router.post("/{model_id}/promote", responses=problems(409))
def promote(model_id: RowId, _admin: AdminDep, services: ServicesDep) -> ModelView:
    return models.promote(services, model_id)
