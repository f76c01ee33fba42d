"""``/v1/models``: the model registry (style policies, LoRA fine-tunes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from sleeve.api.deps import AdminDep, RowId, ServicesDep, UserDep
from sleeve.api.openapi import problems
from sleeve.core.fields import Line
from sleeve.schemas.models import ModelAction, ModelEventView, ModelView
from sleeve.service import models

router = APIRouter(prefix="/v1/models", tags=["models"])


@router.get("")
def list_models(
    _user: UserDep, services: ServicesDep,
    kind: Annotated[Line | None, Query(max_length=32)] = None,
) -> list[ModelView]:
    return models.list_models(services, kind)


@router.get("/events")
def list_events(
    _admin: AdminDep, services: ServicesDep,
    kind: Annotated[Line | None, Query(max_length=32)] = None,
) -> list[ModelEventView]:
    return models.list_events(services, kind=kind)


@router.post("/{model_id}/promote", responses=problems(409))
def promote(model_id: RowId, admin: AdminDep, services: ServicesDep,
            body: Annotated[ModelAction | None, Body()] = None) -> ModelView:
    """Promote by hand; the event names the admin and the reason."""
    return models.promote_as(services, admin.email or admin.id, model_id,
                              body.reason if body else "")


@router.post("/{model_id}/rollback", responses=problems(409))
def rollback(model_id: RowId, admin: AdminDep, services: ServicesDep,
             body: Annotated[ModelAction | None, Body()] = None) -> ModelView:
    """Take the live version out and bring back the one before it."""
    return models.rollback_as(services, admin.email or admin.id, model_id,
                              body.reason if body else "")
