"""The Slack summary: Block Kit through an incoming webhook (``slack_sdk``), with retries.

Slack being slow or down never fails a report: ``post`` returns the outcome as text for the
run's record instead of raising.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient

from sleeve.report.metrics import ReportData
from sleeve.report.page import LABELS, change_text, format_number

log = logging.getLogger("sleeve.report")


class AnyServerErrorRetryHandler(ServerErrorRetryHandler):
    """slack_sdk's handler retries only 500 and 503; a gateway's 502 or 504 is as passing."""

    def _can_retry(self, *, state: RetryState, request: HttpRequest,
                   response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        return response is not None and 500 <= response.status_code < 600


def retry_handlers(retries: int = 3, backoff_s: float = 0.5) -> list[RetryHandler]:
    backoff = BackoffRetryIntervalCalculator(backoff_factor=backoff_s)
    return [
        ConnectionErrorRetryHandler(max_retry_count=retries, interval_calculator=backoff),
        RateLimitErrorRetryHandler(max_retry_count=retries),  # waits what Retry-After says
        AnyServerErrorRetryHandler(max_retry_count=retries, interval_calculator=backoff),
    ]


def plain(text: str) -> str:
    """A user's text inside mrkdwn, as text: Slack reads ``<!channel>``, ``<@U…>`` and
    ``<https://…|label>`` in it as a ping or a link unless ``&``, ``<`` and ``>`` are escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def blocks(data: ReportData, report_url: str | None) -> tuple[str, list[dict[str, Any]]]:
    """The fallback text and the Block Kit blocks of the summary."""
    c = data.current
    period = f"{c.since:%b %d} – {c.until:%b %d}"
    fields = []
    for name, pair in data.headline().items():
        text, _ = change_text(name, pair)
        fields.append({"type": "mrkdwn",
                       "text": f"*{LABELS[name]}*\n{format_number(name, pair.current)} ({text})"})
    headline = data.headline()
    fallback = (f"Sleeve report {period}: {headline['covers'].current:.0f} covers, "
                f"{headline['jobs'].current:.0f} jobs")
    out: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"Sleeve report · {period}"}},
        {"type": "section", "fields": fields[:10]},
    ]
    if c.best_covers:
        best = c.best_covers[0]
        out.append({"type": "section", "text": {"type": "mrkdwn", "text": (
            f"*Best cover:* {plain(best.title)} · {plain(best.artist)} — "
            f"{best.rating_avg:.2f} ★ ({best.rating_count} reviews, {plain(best.style)})")}})
    if report_url:
        out.append({"type": "actions", "elements": [{
            "type": "button", "text": {"type": "plain_text", "text": "Open the full report"},
            "url": report_url}]})
    out.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
        "Changes are against the previous period of the same length.")}]})
    return fallback, out


def post(webhook_url: str, text: str, payload_blocks: list[dict[str, Any]],
         handlers: list[RetryHandler] | None = None, timeout_s: int = 10) -> str:
    """``"sent"``, or ``"failed: …"``; never raises."""
    client = WebhookClient(webhook_url, timeout=timeout_s,
                           retry_handlers=handlers if handlers is not None else retry_handlers())
    try:
        response = client.send(text=text, blocks=payload_blocks)
    except Exception as exc:  # connection refused, DNS, TLS: Slack is unreachable
        log.warning("Slack webhook unreachable: %s", exc)
        return f"failed: {type(exc).__name__}: {exc}"[:500]
    if response.status_code == 200:
        return "sent"
    log.warning("Slack webhook answered %s: %s", response.status_code, response.body)
    return f"failed: HTTP {response.status_code} {response.body}"[:500]
