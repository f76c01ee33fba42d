"""The API's shape is deliberate: /openapi.json must match the committed snapshot.

After an intended change: ``SLEEVE_UPDATE_SNAPSHOTS=1 pytest tests/api/test_openapi.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from fastapi.testclient import TestClient

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")


def test_openapi_matches_snapshot(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    current = json.dumps(response.json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("SLEEVE_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(current, encoding="utf-8")
    expected = SNAPSHOT.read_text(encoding="utf-8")
    assert current == expected, (
        "the API changed; if that was intended, rerun with SLEEVE_UPDATE_SNAPSHOTS=1"
    )


def test_routes_named_in_design_exist(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path, method in [
        ("/v1/jobs", "post"), ("/v1/jobs/{job_id}", "get"), ("/v1/jobs/{job_id}/events", "get"),
        ("/v1/jobs/{job_id}/cancel", "post"), ("/v1/covers/{cover_id}", "get"),
        ("/v1/covers/{cover_id}/image", "get"), ("/v1/covers/{cover_id}/reviews", "post"),
        ("/v1/gallery", "get"), ("/v1/me/covers", "get"), ("/v1/auth/register", "post"),
        ("/v1/auth/login", "post"), ("/v1/auth/logout", "post"), ("/v1/me", "get"),
        ("/v1/me/tokens", "get"), ("/v1/me/tokens", "post"),
        ("/v1/auth/oauth/{provider}/login", "get"), ("/v1/auth/oauth/{provider}/callback", "get"),
        ("/v1/subjects", "post"), ("/v1/subjects", "get"), ("/healthz", "get"),
        ("/readyz", "get"), ("/metrics", "get"), ("/v1/models", "get"),
        ("/v1/models/{model_id}/promote", "post"), ("/v1/subjects/{subject_id}", "delete"),
    ]:
        assert method in paths.get(path, {}), f"{method.upper()} {path}"
