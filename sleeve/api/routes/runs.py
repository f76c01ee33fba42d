"""``/v1/runs``: scheduled and manual task runs (reports, retrains), newest first; admins only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from sleeve.api.deps import AdminDep, ServicesDep
from sleeve.core.fields import Line
from sleeve.schemas.runs import RunView
from sleeve.service import runs

router = APIRouter(prefix="/v1/runs", tags=["runs"])


@router.get("")
def list_runs(
    _admin: AdminDep, services: ServicesDep,
    kind: Annotated[Line | None, Query(max_length=50)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[RunView]:
    return runs.list_runs(services, kind, limit)
