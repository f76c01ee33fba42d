"""The model registry's state changes, each recorded as an event with its metrics.

One version per kind is ``promoted`` (live). Promoting retires the live one; rolling back
marks the live one ``rolled-back`` and promotes again the version that was live before it
(none: the kind falls back to its built-in default — the table policy, no LoRA).
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sleeve.db.models import ModelEvent, ModelVersion
from sleeve.db.types import new_id, utcnow

TRAINING: Final = "training"
CANDIDATE: Final = "candidate"
CANARY: Final = "canary"
PROMOTED: Final = "promoted"
RETIRED: Final = "retired"
REJECTED: Final = "rejected"
ROLLED_BACK: Final = "rolled-back"
FAILED: Final = "failed"
PROMOTABLE: Final = frozenset({CANDIDATE, CANARY, RETIRED, REJECTED, ROLLED_BACK, "evaluated"})
SYSTEM: Final = "system"


class RegistryError(Exception):
    """A state change the version's state does not allow."""


def record(session: Session, model: ModelVersion | None, kind: str, action: str, actor: str,
           reason: str = "", metrics: dict[str, Any] | None = None) -> ModelEvent:
    event = ModelEvent(model_version_id=model.id if model else None, kind=kind, action=action,
                       actor=actor, reason=reason, metrics=metrics or {}, created_at=utcnow())
    session.add(event)
    return event


def register(session: Session, kind: str, version: str, *, state: str = CANDIDATE,
             artifact_key: str | None = None, metrics: dict[str, Any] | None = None,
             actor: str = SYSTEM, reason: str = "", model_id: str | None = None) -> ModelVersion:
    model = ModelVersion(id=model_id or new_id(), kind=kind, version=version, state=state,
                         artifact_key=artifact_key, metrics=metrics or {}, created_at=utcnow())
    session.add(model)
    session.flush()
    record(session, model, kind, "register", actor, reason, metrics)
    return model


def live(session: Session, kind: str) -> ModelVersion | None:
    return session.scalars(
        select(ModelVersion).where(ModelVersion.kind == kind, ModelVersion.state == PROMOTED)
        .order_by(ModelVersion.promoted_at.desc()).limit(1)
    ).first()


def promote(session: Session, model: ModelVersion, actor: str, reason: str = "",
            metrics: dict[str, Any] | None = None, action: str = "promote") -> ModelVersion:
    if model.state == PROMOTED:
        return model
    if model.state not in PROMOTABLE:
        raise RegistryError(f"a {model.state} model cannot be promoted")
    session.execute(
        update(ModelVersion)
        .where(ModelVersion.kind == model.kind, ModelVersion.state == PROMOTED)
        .values(state=RETIRED)
        .execution_options(synchronize_session=False)
    )
    model.state, model.promoted_at = PROMOTED, utcnow()
    if metrics:
        model.metrics = {**model.metrics, **metrics}
    record(session, model, model.kind, action, actor, reason, metrics)
    session.flush()
    return model


def rollback(session: Session, model: ModelVersion, actor: str,
             reason: str = "") -> ModelVersion | None:
    """Take ``model`` (the live version) out; returns the version live again, if any."""
    if model.state != PROMOTED:
        raise RegistryError(f"only the promoted version can be rolled back (this one is "
                            f"{model.state})")
    assert model.promoted_at is not None
    previous = session.scalars(
        select(ModelVersion)
        .where(ModelVersion.kind == model.kind, ModelVersion.state == RETIRED,
               ModelVersion.promoted_at.is_not(None),
               ModelVersion.promoted_at < model.promoted_at)
        .order_by(ModelVersion.promoted_at.desc()).limit(1)
    ).first()
    model.state = ROLLED_BACK
    restored = {"restored": previous.id if previous else None,
                "restored_version": previous.version if previous else None}
    record(session, model, model.kind, "rollback", actor, reason,
           {**restored, "rolled_back_version": model.version})
    if previous is not None:
        previous.state, previous.promoted_at = PROMOTED, utcnow()
    session.flush()
    return previous


def retire(session: Session, model: ModelVersion, actor: str, reason: str = "",
           metrics: dict[str, Any] | None = None) -> ModelVersion:
    model.state = RETIRED
    if metrics:
        model.metrics = {**model.metrics, **metrics}
    record(session, model, model.kind, "retire", actor, reason, metrics)
    session.flush()
    return model


def reject(session: Session, model: ModelVersion, actor: str, reason: str,
           metrics: dict[str, Any] | None = None) -> ModelVersion:
    model.state = REJECTED
    record(session, model, model.kind, "reject", actor, reason, metrics)
    session.flush()
    return model
