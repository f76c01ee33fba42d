"""``/healthz`` (process up), ``/readyz`` (dependencies reachable), ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sleeve.api.deps import ServicesDep
from sleeve.api.metrics import render_metrics
from sleeve.api.openapi import problems
from sleeve.api.problems import problem
from sleeve.service.health import readiness

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", responses=problems(503))
def readyz(services: ServicesDep, request: Request) -> Response:
    state = readiness(services)
    if state.ready:
        return JSONResponse({"status": "ok", "checks": state.checks, "engines": state.engines})
    failing = ", ".join(f"{k} {v}" for k, v in state.checks.items() if v != "ok")
    return problem(503, f"not ready: {failing}", request.url.path, checks=state.checks,
                   engines=state.engines)


@router.get("/metrics", response_class=Response, responses={
    200: {"description": "Prometheus text format.", "content": {"text/plain": {}}}})
async def metrics(request: Request) -> Response:
    body = await run_in_threadpool(render_metrics, request.app.state.metrics_registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
