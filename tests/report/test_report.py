"""The weekly report from a seeded database: numbers, charts, page, CLI, API and Slack."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from pydantic import SecretStr
from typer.testing import CliRunner

from sleeve.cli import app
from sleeve.config import Settings, get_settings
from sleeve.db.engine import transaction
from sleeve.jobs.context import JobContext
from sleeve.report.metrics import collect
from sleeve.report.slack import blocks
from sleeve.service.context import Services
from sleeve.service.reports import make_report
from sleeve.service.runs import list_runs
from tests.report.conftest import FakeSlack
from tests.report.seed import seed_week
from tests.service.fixtures import new_admin, new_user

# Behaviour that does not depend on the database runs on SQLite only (keeps the suite short).
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ARTIFACTS = Path(os.environ.get("SLEEVE_TEST_ARTIFACTS", "test-artifacts")) / "report"


def _until(day: int) -> datetime:
    # Each test reports on its own week, far from "now", so tests sharing a database agree.
    return datetime(2021, 3, 1, tzinfo=UTC) + timedelta(weeks=day)


def test_numbers_add_up_for_both_periods(settings: Settings) -> None:
    until = _until(0)
    seeded = seed_week(settings, until)
    ctx = JobContext.from_settings(settings)
    with transaction(ctx.sessions) as session:
        data = collect(session, until - timedelta(days=7), until)
    for name, period in (("current", data.current), ("previous", data.previous)):
        truth = seeded[name]
        assert sum(period.jobs_per_day) == truth.jobs
        assert sum(period.covers_per_day) == truth.covers
        assert period.failed_jobs == truth.failed
        assert period.rating_histogram == [truth.reviews.count(n) for n in range(1, 6)]
        assert period.mean_rating == pytest.approx(sum(truth.reviews) / len(truth.reviews))
        assert sum(period.covers_by_genre.values()) == truth.covers
    c = data.current
    assert set(c.latency) == {"procedural", "diffusion"}
    assert c.latency["diffusion"].p95_s > c.latency["procedural"].p95_s  # type: ignore[operator]
    assert set(c.failure_reasons) <= {"engine crashed: CUDA out of memory",
                                      "font missing for text"}
    ratings = [b.rating_avg for b in c.best_covers]
    assert ratings == sorted(ratings, reverse=True)
    assert [(e.version, e.action) for e in c.model_events] == [("v2", "promoted"),
                                                                ("v1", "rolled back")]
    assert data.previous.model_events == []
    assert data.rating_trend_per_week is not None and data.rating_trend_per_week > 0
    assert json.loads(json.dumps(data.to_json()))["headline"]["jobs"]["current"] == 12


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SLEEVE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SLEEVE_STORAGE_URL", settings.storage_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@SQLITE_ONLY
def test_cli_writes_a_self_contained_page_and_readable_charts(
        settings: Settings, cli_env: None, tmp_path: Path) -> None:
    until = _until(2)
    seed_week(settings, until)
    last_day = (until - timedelta(days=1)).date().isoformat()
    since = (until - timedelta(days=7)).date().isoformat()
    result = CliRunner().invoke(app, ["report", "--since", since, "--until", last_day,
                                      "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    numbers = json.loads(result.stdout)
    assert numbers["headline"]["jobs"] == {"current": 12, "previous": 8, "change": 0.5}
    page = (tmp_path / "report.html").read_text()
    # Offline: no external references, every image inline.
    assert "http://" not in page and "https://" not in page
    assert page.count("data:image/png;base64,") == 8
    assert "data:image/jpeg;base64," in page  # the best covers' thumbnails
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report.html").write_text(page)
    for png in sorted(tmp_path.glob("*.png")):
        with Image.open(png) as image:
            assert image.width == 600 and 200 <= image.height <= 700, png.name
        (ARTIFACTS / png.name).write_bytes(png.read_bytes())


@SQLITE_ONLY
def test_cli_rejects_bad_dates(cli_env: None) -> None:
    result = CliRunner().invoke(app, ["report", "--since", "last week"])
    assert result.exit_code == 2
    assert "--since must be a date" in result.output
    result = CliRunner().invoke(app, ["report", "--since", "2021-03-09", "--until", "2021-03-01"])
    assert result.exit_code == 2


def test_stored_reports_are_for_admins_only(settings: Settings,
                                            make_client: Callable[..., TestClient]) -> None:
    until = _until(4)
    seed_week(settings, until)
    built = make_report(JobContext.from_settings(settings), until - timedelta(days=7), until,
                        post_to_slack=False)
    client, admin = new_admin(make_client)
    someone = new_user(client)
    for path in ("/v1/reports/latest", f"/v1/reports/{built.id}", "/v1/runs"):
        assert client.get(path, headers=someone).status_code == 403, path
        assert client.get(path).status_code == 401, path
    latest = client.get("/v1/reports/latest", headers=admin).json()
    assert latest["id"] == built.id and len(latest["charts"]) == 8
    covers = built.data.headline()["covers"].current
    assert latest["data"]["headline"]["covers"]["current"] == covers
    page = client.get(f"/v1/reports/{built.id}", params={"format": "html"}, headers=admin)
    assert page.headers["content-type"].startswith("text/html") and page.text == built.html
    assert client.get("/v1/reports/nope", headers=admin).status_code == 404
    runs = client.get("/v1/runs", params={"kind": "report"}, headers=admin).json()
    assert runs[0]["outcome"] == "succeeded" and runs[0]["details"]["report_id"] == built.id


def _slack_ctx(settings: Settings, url: str, **extra: object) -> JobContext:
    return JobContext.from_settings(settings.model_copy(update={
        "slack_webhook_url": SecretStr(url), "slack_retries": 3, "slack_backoff_s": 0.01,
        **extra}))


@SQLITE_ONLY
def test_slack_summary_retries_429_and_5xx(settings: Settings, fake_slack: FakeSlack) -> None:
    until = _until(6)
    seed_week(settings, until)
    fake_slack.answers = [500, 429, 502]
    ctx = _slack_ctx(settings, fake_slack.url, public_url="https://sleeve.example")
    built = make_report(ctx, until - timedelta(days=7), until, post_to_slack=True)
    assert built.slack == "sent"
    assert len(fake_slack.payloads) == 4  # three failures retried, then delivered
    payload = fake_slack.payloads[-1]
    kinds = [b["type"] for b in payload["blocks"]]
    assert kinds[:2] == ["header", "section"] and "actions" in kinds
    button = next(b for b in payload["blocks"] if b["type"] == "actions")["elements"][0]
    assert button["url"] == f"https://sleeve.example/v1/reports/{built.id}?format=html"
    text = json.dumps(payload, ensure_ascii=False)
    assert "Best cover" in text and "Covers" in text and "+50 %" in text


@SQLITE_ONLY
def test_a_title_cannot_ping_or_link_in_slack(settings: Settings) -> None:
    """A public cover's title is the user's text: in the summary it stays text."""
    until = _until(10)
    seed_week(settings, until)
    with transaction(JobContext.from_settings(settings).sessions) as session:
        data = collect(session, until - timedelta(days=7), until)
    title = "<!channel> <https://evil.example|claim your prize> & more"
    best = data.current.best_covers[0].model_copy(update={"title": title})
    hostile = data.model_copy(update={"current": data.current.model_copy(
        update={"best_covers": [best]})})
    _fallback, payload = blocks(hostile, None)
    text = next(b["text"]["text"] for b in payload if "Best cover" in str(b))
    assert "<" not in text and ">" not in text.replace("&gt;", "")
    assert "&lt;!channel&gt; &lt;https://evil.example|claim your prize&gt; &amp; more" in text


@SQLITE_ONLY
def test_slack_down_never_fails_the_report(settings: Settings, fake_slack: FakeSlack,
                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="sleeve.report")
    until = _until(8)
    fake_slack.answers = [500] * 10
    ctx = _slack_ctx(settings, fake_slack.url)
    built = make_report(ctx, until - timedelta(days=7), until, post_to_slack=True)
    assert built.slack == "failed: HTTP 500 oops"
    assert len(fake_slack.payloads) == 4  # the first try and three retries
    assert "Slack webhook answered 500" in caplog.text
    unreachable = _slack_ctx(settings, "http://127.0.0.1:1/hook")
    assert make_report(unreachable, until - timedelta(days=7), until,
                       post_to_slack=True).slack.startswith("failed")
    services = Services.from_settings(settings, run_workers=False)
    recorded = {r.details["report_id"]: r for r in list_runs(services, kind="report")}
    assert recorded[built.id].outcome == "succeeded"
    assert recorded[built.id].details["slack"] == "failed: HTTP 500 oops"
