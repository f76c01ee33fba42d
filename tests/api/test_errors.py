"""problem+json for every error, request ids, health, readiness and metrics."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sleeve.logs import JsonFormatter
from tests.service.fixtures import job_body


def _is_problem(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_unknown_route_and_id(client: TestClient, auth: dict[str, str]) -> None:
    _is_problem(client.get("/v1/nothing-here"), 404)
    _is_problem(client.get("/v1/jobs/0123456789abcdef0123456789abcdef", headers=auth), 404)
    _is_problem(client.get("/v1/jobs/" + "x" * 32, headers=auth), 404)
    # Longer than any id: the documented limit says so (422 naming the parameter).
    too_long = _is_problem(client.get("/v1/jobs/" + "x" * 300, headers=auth), 422)
    assert too_long["errors"][0]["field"] == "path.job_id"  # type: ignore[index]
    _is_problem(client.delete("/v1/jobs", headers=auth), 405)


def test_body_too_large(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_body_bytes=2048)
    body = {"email": "a@example.com", "password": "x" * 5000}
    _is_problem(client.post("/v1/auth/register", json=body), 413)

    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"email": "a@example.com", "password": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    # Without Content-Length (chunked), the limit still holds while reading.
    response = client.post("/v1/auth/register", content=chunks(),
                           headers={"Content-Type": "application/json"})
    _is_problem(response, 413)


def test_wrong_content_type(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post("/v1/jobs", content=b"title=x", headers={
        **auth, "Content-Type": "application/x-www-form-urlencoded"})
    _is_problem(response, 415)
    _is_problem(client.post("/v1/jobs", content=b"{not json", headers={
        **auth, "Content-Type": "application/json"}), 422)


def test_unexpected_error_has_id_in_log(client: TestClient,
                                        caplog: pytest.LogCaptureFixture) -> None:
    def boom() -> None:
        raise RuntimeError("secret internals")

    client.app.add_api_route("/v1/test-boom", boom)  # type: ignore[attr-defined]
    with caplog.at_level(logging.ERROR, logger="sleeve.api"):
        response = client.get("/v1/test-boom")
    body = _is_problem(response, 500)
    assert "secret internals" not in response.text and "Traceback" not in response.text
    error_id = body["error_id"]
    assert any(getattr(r, "error_id", None) == error_id for r in caplog.records)


def test_request_id(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="sleeve.api"):
        given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    logged = [r for r in caplog.records if r.getMessage() == "request"]
    assert [getattr(r, "request_id", None) for r in logged] == ["abc-123"]
    line = json.loads(JsonFormatter().format(logged[0]))
    assert line["request_id"] == "abc-123" and line["status"] == 200
    made = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert made.headers["x-request-id"] != "bad id\twith spaces"
    assert len(made.headers["x-request-id"]) == 32


def test_health_ready_metrics(client: TestClient, auth: dict[str, str], tmp_path: Path) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {
        "database": "ok", "storage": "ok", "queue": "ok", "engine": "ok"
    }
    engines = ready.json()["engines"]
    assert engines["procedural"]["available"] is True
    assert set(engines) == {"procedural", "diffusion"} and engines["diffusion"]["reason"]
    client.post("/v1/jobs", json=job_body(count=1), headers=auth)
    text = client.get("/metrics").text
    assert 'sleeve_http_request_duration_seconds_bucket{le="0.005",method="POST",' \
           'route="/v1/jobs",status="202"}' in text
    assert "sleeve_queue_depth" in text and 'sleeve_jobs{state="succeeded"}' in text
    shutil.rmtree(tmp_path / "blobs")  # the store is gone: not ready
    _is_problem(client.get("/readyz"), 503)


def test_readyz_is_not_ready_when_the_default_engine_cannot_run(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(engine="diffusion", sdxl_model="/nonexistent/sdxl")
    ready = client.get("/readyz")
    _is_problem(ready, 503)
    body = ready.json()
    assert body["checks"]["engine"].startswith("unavailable")
    assert body["engines"]["procedural"]["available"] is True
    assert body["engines"]["diffusion"]["available"] is False
