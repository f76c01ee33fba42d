"""Input at the edge: strict JSON types, no unknown fields, no control characters or lone
surrogates in any text, signed cursors; every parameter the OpenAPI document names survives
hostile values without a 5xx (on PostgreSQL, which refuses NUL outright)."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.openapi_inputs import request_for, text_inputs
from tests.service.fixtures import finished_job, job_body

PROBLEM = "application/problem+json"


def _fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    return [e["field"] for e in response.json()["errors"]]


def _raw(client: TestClient, method: str, url: str, text: str, **kwargs: Any) -> Any:
    """A JSON body sent as written (so it can hold escapes like a lone surrogate)."""
    headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
    return client.request(method, url, content=text.encode(), headers=headers, **kwargs)


def test_json_types_are_strict(client: TestClient, auth: dict[str, str]) -> None:
    for change, field in [({"count": "4"}, "body.count"), ({"count": True}, "body.count"),
                          ({"seed": "12"}, "body.seed"), ({"size": 512.5}, "body.size"),
                          ({"brief": {"title": 5, "artist": "A"}}, "body.brief.title")]:
        assert _fields(client.post("/v1/jobs", json=job_body(**change), headers=auth)) == [field]
    cover_id = finished_job(client, auth, count=1)["covers"][0]["id"]
    assert _fields(client.post(f"/v1/covers/{cover_id}/reviews", json={"rating": True},
                               headers=auth)) == ["body.rating"]
    assert _fields(client.patch(f"/v1/covers/{cover_id}", json={"is_public": "true"},
                                headers=auth)) == ["body.is_public"]


def test_unknown_fields_are_refused_everywhere(client: TestClient, auth: dict[str, str]) -> None:
    email = f"s{uuid.uuid4().hex[:8]}@example.com"
    for url, body in [
        ("/v1/auth/register", {"email": email, "password": "password123", "admin": True}),
        ("/v1/auth/login", {"email": email, "password": "password123", "remember": 1}),
        ("/v1/me/tokens", {"name": "ci", "scope": "all"}),
        ("/v1/subjects", {"name": "me", "consent": True, "photos": []}),
        ("/v1/jobs", job_body(priority=1)),
    ]:
        fields = _fields(client.post(url, json=body, headers=auth))
        assert len(fields) == 1 and fields[0].split(".")[-1] in {
            "admin", "remember", "scope", "photos", "priority"}, (url, fields)
    brief = job_body()
    brief["brief"]["mood"] = "sad"
    assert _fields(client.post("/v1/jobs", json=brief, headers=auth)) == ["body.brief.mood"]


@pytest.mark.parametrize("bad", ["nul\x00@example.com", "bell\x07@example.com"])
def test_control_characters_are_refused_naming_the_field(
    client: TestClient, auth: dict[str, str], bad: str,
) -> None:
    """The same 422 on SQLite and PostgreSQL (this test runs on both)."""
    for url in ("/v1/auth/register", "/v1/auth/login"):
        assert _fields(client.post(url, json={"email": bad, "password": "password123"})) \
            == ["body.email"]
    assert _fields(client.get("/v1/covers/a%00b")) == ["path.cover_id"]
    assert _fields(client.get("/v1/gallery", params={"genre": "\x00"})) == ["query.genre"]
    assert _fields(client.post("/v1/me/tokens", json={"name": "ci\x00"}, headers=auth)) \
        == ["body.name"]
    assert _fields(client.post("/v1/subjects", json={"name": "me\x1b[31m", "consent": True},
                               headers=auth)) == ["body.name"]
    title = job_body()
    title["brief"]["title"] = "Mid\x00night"
    assert _fields(client.post("/v1/jobs", json=title, headers=auth)) == ["body.brief.title"]
    # Free text keeps tab and line breaks, and nothing else.
    lyrics = job_body()
    lyrics["brief"]["lyrics"] = "one\ttwo\r\nthree\x00"
    assert _fields(client.post("/v1/jobs", json=lyrics, headers=auth)) == ["body.brief.lyrics"]
    lyrics["brief"]["lyrics"] = "one\ttwo\r\nthree"
    assert client.post("/v1/jobs", json=lyrics, headers=auth).status_code == 202
    assert _fields(client.post("/v1/jobs", json=job_body(), headers={
        **auth, "Idempotency-Key": "key\x7f"})) == ["header.idempotency-key"]


def test_lone_surrogates_are_refused(client: TestClient, auth: dict[str, str]) -> None:
    body = '{"email": "a\\ud800@example.com", "password": "password123"}'
    assert _fields(_raw(client, "POST", "/v1/auth/register", body)) == ["body.email"]
    assert _fields(_raw(client, "POST", "/v1/me/tokens", '{"name": "\\udfff"}',
                        headers=auth)) == ["body.name"]


def test_cursors_are_signed(client: TestClient, auth: dict[str, str]) -> None:
    crafted = base64.urlsafe_b64encode(
        json.dumps([1.0, 10**26, "x"]).encode()).decode().rstrip("=")
    for cursor in (crafted, crafted + ".AAAAAAAAAAAAAAAAAAAAAA", "garbage!", "a" * 501):
        assert _fields(client.get("/v1/gallery", params={"cursor": cursor})) == ["query.cursor"]
        assert _fields(client.get("/v1/me/covers", params={"cursor": cursor},
                                  headers=auth)) == ["query.cursor"]
    for _ in range(2):
        finished_job(client, auth, count=1)
    first = client.get("/v1/me/covers", params={"limit": 1}, headers=auth).json()
    _payload, signature = first["next_cursor"].split(".")
    tampered = base64.urlsafe_b64encode(b'["2999-01-01T00:00:00+00:00","0"]').decode()
    assert _fields(client.get("/v1/me/covers", params={
        "cursor": f"{tampered.rstrip('=')}.{signature}"}, headers=auth)) == ["query.cursor"]
    assert client.get("/v1/me/covers", params={"cursor": first["next_cursor"]},
                      headers=auth).status_code == 200


# --- every parameter in the OpenAPI document, on PostgreSQL --------------------------------

HOSTILE_TEXT = ["\x00", "a\x00b", "\x1f", "x" * 10_000, "\ud800"]
HOSTILE_INTEGERS = [-1, -(2**31) - 1, 2**31, 2**63, 10**30]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_no_input_in_the_openapi_document_causes_a_5xx(
    idle_client: tuple[TestClient, dict[str, str]],
) -> None:
    # No workers: jobs that happen to be valid are stored, not rendered.
    client, auth = idle_client
    spec = client.get("/openapi.json").json()
    targets = list(text_inputs(spec))
    assert len(targets) > 30 and {t[2] for t in targets} == {"path", "query", "header", "body"}
    tried = 0
    for method, path, where, names, kind in targets:
        values: list[Any] = HOSTILE_INTEGERS if kind == "integer" else HOSTILE_TEXT
        for value in values:
            if where != "body" and isinstance(value, str) and "\ud800" in value:
                value = "\ufffd"  # a URL or header cannot carry one; the server sees this
            if where == "header" and isinstance(value, str) and len(value) > 100:
                continue  # the HTTP client refuses such headers itself
            response = request_for(client, spec, method, path, where, names, value, auth)
            tried += 1
            label = f"{method.upper()} {path} {where}.{'.'.join(names)}={str(value)[:20]!r}"
            assert response.status_code < 500, f"{label}: {response.text[:300]}"
            if response.status_code >= 400:
                assert response.headers["content-type"] == PROBLEM, label
            bad_text = isinstance(value, str) and any(ord(c) < 32 for c in value)
            if response.status_code == 422 and bad_text and where != "path":
                fields = [e["field"] for e in response.json().get("errors", [])]
                assert any(f.split(".")[-1] == names[-1].lower() for f in fields), (label, fields)
    assert tried > 150


def test_a_query_parameter_is_given_once(client: TestClient, auth: dict[str, str]) -> None:
    assert _fields(client.get("/v1/gallery?genre=jazz&genre=folk")) == ["query.genre"]
    assert _fields(client.get("/v1/me/covers?limit=1&limit=2", headers=auth)) == ["query.limit"]
    # Parameters the API does not take are not its business.
    assert client.get("/v1/gallery?utm=a&utm=b").status_code == 200
