"""Accounts: register, login (bearer + cookie), logout, personal tokens, CSRF guard."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.service.fixtures import new_user

PASSWORD = "correct horse battery"


def _email() -> str:
    return f"a{uuid.uuid4().hex[:10]}@Example.com"


def test_register_and_login(client: TestClient) -> None:
    email = _email()
    created = client.post("/v1/auth/register", json={"email": email, "password": PASSWORD})
    assert created.status_code == 201 and created.json()["email"] == email.lower()
    assert "password" not in created.text and "hash" not in created.text
    again = client.post("/v1/auth/register", json={"email": email.upper(), "password": PASSWORD})
    assert again.status_code == 409
    wrong = client.post("/v1/auth/login", json={"email": email, "password": "nope nope nope"})
    assert wrong.status_code == 401 and wrong.headers["content-type"] == "application/problem+json"
    login = client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200 and login.json()["token_type"] == "bearer"
    cookie = login.cookies.get("sleeve_session")
    assert cookie and "httponly" in login.headers["set-cookie"].lower()
    # The cookie alone authenticates the web page...
    assert client.get("/v1/me").json()["email"] == email.lower()
    client.cookies.clear()
    # ...and the bearer token alone authenticates scripts.
    bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert client.get("/v1/me", headers=bearer).json()["email"] == email.lower()
    assert client.post("/v1/auth/logout", headers=bearer).status_code == 204
    assert client.get("/v1/me", headers=bearer).status_code == 401


def test_bad_registration_input(client: TestClient) -> None:
    bad_email = client.post("/v1/auth/register", json={"email": "nope", "password": PASSWORD})
    assert bad_email.status_code == 422 and "email" in bad_email.json()["detail"]
    short = client.post("/v1/auth/register", json={"email": _email(), "password": "short"})
    assert short.status_code == 422 and "password" in short.json()["detail"]
    missing = client.post("/v1/auth/register", json={"email": _email()})
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["body.password"]


def test_personal_tokens(client: TestClient) -> None:
    auth = new_user(client)
    made = client.post("/v1/me/tokens", json={"name": "laptop script"}, headers=auth)
    assert made.status_code == 201
    token = made.json()
    assert token["token"].startswith(token["prefix"])
    listed = client.get("/v1/me/tokens", headers=auth).json()
    assert [t["id"] for t in listed] == [token["id"]] and "token" not in listed[0]
    personal = {"Authorization": f"Bearer {token['token']}"}
    assert client.get("/v1/me", headers=personal).status_code == 200
    # Someone else cannot revoke it.
    assert client.delete(f"/v1/me/tokens/{token['id']}",
                         headers=new_user(client)).status_code == 404
    assert client.delete(f"/v1/me/tokens/{token['id']}", headers=auth).status_code == 204
    assert client.get("/v1/me", headers=personal).status_code == 401
    assert client.get("/v1/me/tokens", headers=auth).json() == []


def test_garbage_tokens_are_401(client: TestClient) -> None:
    for value in ("Bearer nope", "Bearer slv_" + "x" * 43, "Basic abc"):
        response = client.get("/v1/me", headers={"Authorization": value})
        assert response.status_code == 401, value
        assert response.headers["content-type"] == "application/problem+json"


def test_cookie_writes_refused_cross_site(client: TestClient) -> None:
    email = _email()
    client.post("/v1/auth/register", json={"email": email, "password": PASSWORD})
    client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    evil = client.post("/v1/me/tokens", json={"name": "x"},
                       headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    same = client.post("/v1/me/tokens", json={"name": "x"},
                       headers={"Origin": "http://testserver", "X-Requested-With": "sleeve"})
    assert same.status_code == 201
