"""Security headers on every kind of response, Secure cookies and HSTS over TLS, and CSRF
protection for cookie-authenticated writes."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.service.fixtures import finished_job, new_user

PASSWORD = "correct horse battery"
PAGE = "/"


def _policy(header: str) -> dict[str, str]:
    directives = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {d[0]: (d[1] if len(d) > 1 else "") for d in directives}


def _assert_secure(response: object, path: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["x-content-type-options"] == "nosniff", path
    assert headers["referrer-policy"] == "same-origin", path
    assert headers["x-frame-options"] == "DENY", path
    policy = _policy(headers["content-security-policy"])
    assert policy["frame-ancestors"] == "'none'", path
    scripts = policy.get("script-src", policy.get("default-src", ""))
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, path


def test_every_kind_of_response_carries_the_headers(client: TestClient) -> None:
    headers = new_user(client)
    job = finished_job(client, headers, count=1)
    cover = job["covers"][0]["id"]
    responses = {
        "page": client.get(PAGE),
        "static": client.get("/static/app.js"),
        "json": client.get("/v1/me", headers=headers),
        "image": client.get(f"/v1/covers/{cover}/image", headers=headers),
        "not found": client.get("/v1/jobs/nope", headers=headers),
        "unauthorized": client.get("/v1/me"),
        "validation": client.post("/v1/jobs", json={"count": "x"}, headers=headers),
        "too large (middleware)": client.post("/v1/jobs", content=b"x" * 10_000_000,
                                              headers={**headers,
                                                       "Content-Type": "application/json"}),
        "health": client.get("/healthz"),
        "openapi": client.get("/openapi.json"),
    }
    for name, response in responses.items():
        assert response.status_code < 500, (name, response.status_code)
        _assert_secure(response, name)
    # The page's own policy loads only its own scripts and styles.
    page = _policy(responses["page"].headers["content-security-policy"])
    assert page["script-src"] == "'self'" and page["style-src"] == "'self'"
    assert _policy(responses["json"].headers["content-security-policy"])["default-src"] == "'none'"


def _login(client: TestClient) -> str:
    email = f"h{uuid.uuid4().hex[:10]}@example.com"
    assert client.post("/v1/auth/register",
                       json={"email": email, "password": PASSWORD}).status_code == 201
    login = client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200
    return str(login.headers["set-cookie"])


def test_plain_http_gets_no_hsts_and_a_cookie_without_secure(client: TestClient) -> None:
    cookie = _login(client).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert "strict-transport-security" not in client.get("/healthz").headers


def test_tls_gets_hsts_and_secure_cookies(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    client.base_url = client.base_url.copy_with(scheme="https")
    cookie = _login(client).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "; secure" in cookie
    for path in ("/", "/healthz", "/v1/me"):
        hsts = client.get(path).headers["strict-transport-security"]
        assert "max-age=31536000" in hsts, path


@pytest.fixture
def signed_in(client: TestClient) -> TestClient:
    _login(client)  # the client keeps the session cookie
    return client


PAGE_HEADER = {"X-Requested-With": "sleeve"}


@pytest.mark.parametrize("extra", [
    {},  # a cross-site form: cannot add headers
    {"Origin": "https://evil.example", **PAGE_HEADER},
    {"Sec-Fetch-Site": "cross-site", **PAGE_HEADER},
    {"Sec-Fetch-Site": "same-site", **PAGE_HEADER},  # a sibling subdomain is another party
    {"X-Requested-With": "XMLHttpRequest"},
], ids=["no header", "foreign origin", "cross-site fetch", "same-site fetch", "other header"])
def test_cookie_writes_that_may_be_forged_are_refused(signed_in: TestClient,
                                                      extra: dict[str, str]) -> None:
    before = signed_in.get("/v1/me/tokens").json()
    for method, path, body in [("POST", "/v1/me/tokens", {"name": "x"}),
                               ("POST", "/v1/auth/logout", None)]:
        response = signed_in.request(method, path, json=body, headers=extra)
        assert response.status_code == 403, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert signed_in.get("/v1/me/tokens").json() == before  # nothing was written
    assert signed_in.get("/v1/me").status_code == 200  # and the session still stands


def test_the_pages_own_writes_go_through(signed_in: TestClient) -> None:
    for extra in (PAGE_HEADER, {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin",
                                **PAGE_HEADER}):
        made = signed_in.post("/v1/me/tokens", json={"name": "page"}, headers=extra)
        assert made.status_code == 201, made.text
    # Reads need nothing: a cross-site page cannot read the answer anyway.
    assert signed_in.get("/v1/me", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200


def test_bearer_writes_need_no_csrf_header(client: TestClient) -> None:
    headers = new_user(client)
    made = client.post("/v1/me/tokens", json={"name": "script"},
                       headers={**headers, "Origin": "https://anywhere.example"})
    assert made.status_code == 201
