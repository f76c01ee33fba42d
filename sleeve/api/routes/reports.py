"""``/v1/reports``: the stored weekly reports (administrators only)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from sleeve.api.deps import AdminDep, RowId, ServicesDep
from sleeve.api.openapi import problems
from sleeve.schemas.reports import ReportView
from sleeve.service import reports

router = APIRouter(prefix="/v1/reports", tags=["reports"])
HTML: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {}, "text/html": {}},
              "description": "The report's numbers (JSON), or its page with format=html."}}


@router.get("/latest", responses={**HTML, **problems(404)}, response_model=ReportView)
def latest_report(_admin: AdminDep, services: ServicesDep,
                  format: Annotated[Literal["json", "html"], Query()] = "json") -> Response:
    report = reports.latest_report(services)
    return _answer(services, report, format)


@router.get("/{report_id}", responses={**HTML, **problems(404)}, response_model=ReportView)
def get_report(report_id: RowId, _admin: AdminDep, services: ServicesDep,
               format: Annotated[Literal["json", "html"], Query()] = "json") -> Response:
    return _answer(services, reports.get_report(services, report_id), format)


def _answer(services: ServicesDep, report: ReportView, format: str) -> Response:
    if format == "html":
        return Response(reports.report_html(services, report.id), media_type="text/html",
                        headers={"Cache-Control": "private, max-age=3600"})
    return Response(report.model_dump_json(), media_type="application/json")
