"""Stored reports as the API and CLI see them (administrators only over HTTP)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from sleeve.db.engine import transaction
from sleeve.db.models import Report
from sleeve.jobs.context import JobContext
from sleeve.jobs.reports import BuiltReport, build_report
from sleeve.jobs.runs import recorded_run
from sleeve.schemas.reports import ReportView
from sleeve.service.context import Services
from sleeve.service.errors import NotFound
from sleeve.service.ownership import find

REPORT_RUN = "report"


def report_view(row: Report) -> ReportView:
    return ReportView(id=row.id, run_id=row.run_id, since=row.since, until=row.until,
                      slack=row.slack, created_at=row.created_at,
                      html_url=f"/v1/reports/{row.id}?format=html",
                      charts=[key.rsplit("/", 1)[-1].removesuffix(".png")
                              for key in row.chart_keys],
                      data=row.data)


def make_report(ctx: JobContext, since: datetime, until: datetime,
                post_to_slack: bool) -> BuiltReport:
    """A report asked for by hand (``sleeve report``), recorded as a run."""
    with recorded_run(ctx.sessions, REPORT_RUN) as run:
        return build_report(ctx, since, until, post_to_slack=post_to_slack, run=run)


def latest_report(services: Services) -> ReportView:
    with transaction(services.sessions) as session:
        row = session.scalars(select(Report).order_by(Report.created_at.desc(), Report.id)
                              .limit(1)).first()
        if row is None:
            raise NotFound("no report has been made yet")
        return report_view(row)


def _report(services: Services, report_id: str) -> Report:
    with transaction(services.sessions) as session:
        row = find(session, Report, report_id)
        if row is None:
            raise NotFound(f"no report {report_id}")
        return row


def get_report(services: Services, report_id: str) -> ReportView:
    return report_view(_report(services, report_id))


def report_html(services: Services, report_id: str) -> bytes:
    return services.store.get(_report(services, report_id).html_key)
