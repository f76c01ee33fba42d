"""Build a report, store it (row + HTML and chart blobs) and post its Slack summary."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from PIL import Image
from sqlalchemy import update

from sleeve.db.engine import transaction
from sleeve.db.models import Report
from sleeve.db.types import new_id
from sleeve.jobs.context import JobContext
from sleeve.jobs.runs import RunRecord
from sleeve.report import slack
from sleeve.report.charts import render_charts
from sleeve.report.metrics import ReportData, collect
from sleeve.report.page import render_page
from sleeve.storage import BlobNotFoundError

log = logging.getLogger("sleeve.report")
WEEK = timedelta(days=7)
THUMBNAIL_PX = 360
SLACK_OFF, SLACK_UNSET = "off", "not configured"


@dataclass(frozen=True)
class BuiltReport:
    id: str
    data: ReportData
    html: str
    charts: dict[str, bytes]
    slack: str  # off | not configured | sent | failed: …


def _thumbnail(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        small = image.convert("RGB")
        small.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=85)
    return out.getvalue()


def _thumbnails(ctx: JobContext, data: ReportData) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for cover in data.current.best_covers:
        try:
            found[cover.id] = _thumbnail(ctx.store.get(cover.blob_key))
        except (BlobNotFoundError, OSError):  # deleted since; the report goes on without it
            log.warning("cover %s has no readable image", cover.id)
    return found


def report_url(public_url: str, report_id: str) -> str | None:
    return f"{public_url.rstrip('/')}/v1/reports/{report_id}?format=html" if public_url else None


def build_report(ctx: JobContext, since: datetime, until: datetime, *, post_to_slack: bool,
                 run: RunRecord | None = None) -> BuiltReport:
    with transaction(ctx.sessions) as session:
        data = collect(session, since, until)
    charts = render_charts(data)
    html = render_page(data, charts, _thumbnails(ctx, data))
    report_id = new_id()
    html_key = f"reports/{report_id}/report.html"
    chart_keys = [f"reports/{report_id}/{name}.png" for name in charts]
    for key, png in zip(chart_keys, charts.values(), strict=True):
        ctx.store.put(key, png)
    ctx.store.put(html_key, html.encode())
    with transaction(ctx.sessions) as session:
        session.add(Report(id=report_id, run_id=run.id if run else None, since=since,
                           until=until, data=data.to_json(), html_key=html_key,
                           chart_keys=chart_keys, slack=SLACK_OFF))
    outcome = SLACK_OFF
    if post_to_slack:
        webhook = ctx.settings.slack_webhook_url
        if webhook is None or not webhook.get_secret_value():
            outcome = SLACK_UNSET
        else:
            text, blocks = slack.blocks(data, report_url(ctx.settings.public_url, report_id))
            handlers = slack.retry_handlers(ctx.settings.slack_retries,
                                            ctx.settings.slack_backoff_s)
            outcome = slack.post(webhook.get_secret_value(), text, blocks, handlers)
        with transaction(ctx.sessions) as session:
            # The row keeps the short outcome; the run's details keep Slack's whole answer.
            short = "failed" if outcome.startswith("failed") else outcome
            session.execute(update(Report).where(Report.id == report_id).values(slack=short))
        log.info("report %s: Slack %s", report_id, outcome)
    if run is not None:
        run.details.update({"report_id": report_id, "since": since.isoformat(),
                            "until": until.isoformat(), "slack": outcome})
    return BuiltReport(report_id, data, html, charts, outcome)


def scheduled(ctx: JobContext, run: RunRecord, slot: datetime) -> None:
    """The weekly task: the seven days up to the scheduled time, posted to Slack when set."""
    webhook = ctx.settings.slack_webhook_url
    build_report(ctx, slot - WEEK, slot, run=run,
                 post_to_slack=webhook is not None and bool(webhook.get_secret_value()))
