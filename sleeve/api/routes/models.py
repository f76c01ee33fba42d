"""``/v1/models``: the model registry (style policies, LoRA fine-tunes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, Field

from sleeve.api.deps import ServicesDep, UserDep
from sleeve.service import models
from sleeve.service.models import ModelEventView, ModelView

router = APIRouter(prefix="/v1/models", tags=["models"])


class ModelAction(BaseModel):
    reason: str = Field(default="", max_length=500, description="Why; kept on the event.")


@router.get("")
def list_models(
    _user: UserDep, services: ServicesDep,
    kind: Annotated[str | None, Query(max_length=32)] = None,
) -> list[ModelView]:
    return models.list_models(services, kind)


@router.get("/events")
def list_events(
    user: UserDep, services: ServicesDep,
    kind: Annotated[str | None, Query(max_length=32)] = None,
) -> list[ModelEventView]:
    models.require_admin(services, user.email)
    return models.list_events(services, kind=kind)


@router.post("/{model_id}/promote")
def promote(model_id: str, user: UserDep, services: ServicesDep,
            body: Annotated[ModelAction | None, Body()] = None) -> ModelView:
    return models.promote(services, user.email, model_id, body.reason if body else "")


@router.post("/{model_id}/rollback")
def rollback(model_id: str, user: UserDep, services: ServicesDep,
             body: Annotated[ModelAction | None, Body()] = None) -> ModelView:
    return models.rollback(services, user.email, model_id, body.reason if body else "")
