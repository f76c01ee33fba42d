"""The model registry as the API and CLI see it: list versions and their events; promote,
roll back and retrain (admins only over HTTP; the CLI acts with database access).

State changes live in ``sleeve.jobs.registry`` (scheduled tasks use them too); every one
is recorded as an event with the metrics that justified it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sleeve.db.engine import transaction
from sleeve.db.models import ModelEvent, ModelVersion
from sleeve.jobs import registry
from sleeve.jobs.context import JobContext
from sleeve.jobs.retrain import RetrainResult, retrain_policy
from sleeve.jobs.training_requests import request_lora_training
from sleeve.schemas.models import ModelEventView, ModelView
from sleeve.service.context import Services
from sleeve.service.errors import Conflict, Invalid, NotFound
from sleeve.service.ownership import find

PROMOTABLE = registry.PROMOTABLE
RETRAIN_KINDS = ("policy", "lora")


def list_models(services: Services, kind: str | None = None) -> list[ModelView]:
    query = select(ModelVersion).order_by(ModelVersion.kind, ModelVersion.created_at.desc())
    if kind:
        query = query.where(ModelVersion.kind == kind)
    with transaction(services.sessions) as session:
        return [ModelView.of(m) for m in session.scalars(query)]


def list_events(services: Services, model_id: str | None = None,
                kind: str | None = None) -> list[ModelEventView]:
    query = select(ModelEvent).order_by(ModelEvent.created_at.desc(), ModelEvent.id)
    if model_id:
        query = query.where(ModelEvent.model_version_id == model_id)
    if kind:
        query = query.where(ModelEvent.kind == kind)
    with transaction(services.sessions) as session:
        return [ModelEventView.of(e) for e in session.scalars(query.limit(500))]


def _model(session: Any, model_id: str) -> ModelVersion:
    model = find(session, ModelVersion, model_id)
    if model is None:
        raise NotFound(f"no model {model_id}")
    return model


def promote_as(services: Services, actor: str, model_id: str, reason: str = "") -> ModelView:
    """Promote by hand (CLI, or an admin over HTTP): the event names who and why."""
    with transaction(services.sessions) as session:
        model = _model(session, model_id)
        try:
            registry.promote(session, model, actor, reason or "promoted by hand",
                             {"by_hand": True})
        except registry.RegistryError as exc:
            raise Conflict(str(exc)) from exc
        return ModelView.of(model)


def rollback_as(services: Services, actor: str, model_id: str, reason: str = "") -> ModelView:
    """Take the live version out and bring back the one before it; returns the rolled-back
    version."""
    with transaction(services.sessions) as session:
        model = _model(session, model_id)
        try:
            registry.rollback(session, model, actor, reason or "rolled back by hand")
        except registry.RegistryError as exc:
            raise Conflict(str(exc)) from exc
        return ModelView.of(model)


def retrain(services: Services, kind: str, *, force: bool = False, reason: str = "",
            actor: str = registry.SYSTEM) -> RetrainResult:
    """``policy``: fit, evaluate, promote behind the gate. ``lora``: train a candidate."""
    ctx = JobContext(services.sessions, services.store, services.settings)
    if kind == "policy":
        return retrain_policy(ctx, force=force, reason=reason, actor=actor)
    if kind == "lora":
        return request_lora_training(ctx, actor=actor, reason=reason)
    raise Invalid(f"kind: choose one of {', '.join(RETRAIN_KINDS)}")
