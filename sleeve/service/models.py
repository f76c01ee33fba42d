"""The model registry as the API sees it: list versions, promote one (admins only).

Promotion is one transaction: the promoted version of that kind (if any) is retired and the
new one promoted, so exactly one version per kind is live. Rolling back is promoting an
older version again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from sleeve.db.engine import transaction
from sleeve.db.models import ModelVersion
from sleeve.db.types import utcnow
from sleeve.service.context import Services
from sleeve.service.errors import Conflict, NotFound
from sleeve.service.ownership import find
from sleeve.service.views import View

PROMOTABLE = frozenset({"candidate", "evaluated", "retired"})


class ModelView(View):
    id: str
    kind: str
    version: str
    state: str
    metrics: dict[str, Any]
    created_at: datetime
    promoted_at: datetime | None


def list_models(services: Services, kind: str | None = None) -> list[ModelView]:
    query = select(ModelVersion).order_by(ModelVersion.kind, ModelVersion.created_at.desc())
    if kind:
        query = query.where(ModelVersion.kind == kind)
    with transaction(services.sessions) as session:
        return [ModelView.of(m) for m in session.scalars(query)]


def promote(services: Services, model_id: str) -> ModelView:
    """Callers check the role first (the API's admin dependency, or the operator's CLI)."""
    with transaction(services.sessions) as session:
        model = find(session, ModelVersion, model_id)
        if model is None:
            raise NotFound(f"no model {model_id}")
        if model.state == "promoted":
            return ModelView.of(model)
        if model.state not in PROMOTABLE:
            raise Conflict(f"a {model.state} model cannot be promoted")
        session.execute(
            update(ModelVersion)
            .where(ModelVersion.kind == model.kind, ModelVersion.state == "promoted")
            .values(state="retired")
            .execution_options(synchronize_session=False)
        )
        model.state, model.promoted_at = "promoted", utcnow()
        session.flush()
        return ModelView.of(model)
