"""No secret reaches the logs: a real server at DEBUG, configured with every kind of secret,
driven through the paths where secrets leak in practice (failed logins, an LLM that echoes the
key it was given, an OAuth provider that echoes the client secret, bad tokens), and then every
line it wrote is searched for each secret and each credential the test used."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.ops.process import free_port, start
from tests.ops.test_startup import assert_serves
from tests.service.fixtures import _postgres_schema


class Echo(BaseHTTPRequestHandler):
    """An LLM and an OAuth provider that refuse everything and quote back what they were sent,
    as real providers' error messages often do."""

    def log_message(self, *args: Any) -> None:
        pass

    def _refuse(self, status: int, said: str) -> None:
        body = json.dumps({"error": {"message": f"invalid credentials: {said}"},
                           "error_description": f"bad client: {said}"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._refuse(401, self.headers.get("Authorization", ""))

    def do_POST(self) -> None:
        sent = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        self._refuse(401 if "chat" in self.path else 400,
                     f"{self.headers.get('Authorization', '')} {sent}")


@pytest.fixture
def echo() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def postgres() -> Iterator[str]:
    yield from _postgres_schema()


def _with_password(url: str, password: str) -> str:
    # The test server trusts loopback, so any password works and the URL carries a real one.
    return url.replace("postgres@", f"postgres:{password}@", 1)


@pytest.mark.postgres
def test_secrets_never_reach_the_logs(tmp_path: Path, echo: str, postgres: str) -> None:
    secret = {name: f"{name}-{secrets.token_hex(12)}" for name in (
        "secret_key", "llm_key", "db_password", "webhook", "client_secret", "password")}
    oauth = {"echo": {
        "client_id": "sleeve", "client_secret": secret["client_secret"],
        "authorize_url": f"{echo}/authorize", "token_url": f"{echo}/token",
        "userinfo_url": f"{echo}/me", "subject_key": "id", "email_key": "email"}}
    port = free_port()
    server = start(
        "serve", "--port", str(port), "--migrate", cwd=tmp_path,
        SLEEVE_DATABASE_URL=_with_password(postgres, secret["db_password"]),
        SLEEVE_STORAGE_URL=f"file://{tmp_path}/blobs",
        SLEEVE_SECRET_KEY=secret["secret_key"],
        SLEEVE_LLM_URL=f"{echo}/v1", SLEEVE_LLM_API_KEY=secret["llm_key"],
        SLEEVE_SLACK_WEBHOOK_URL=f"{echo}/services/T0/B0/{secret['webhook']}",
        SLEEVE_OAUTH_PROVIDERS=json.dumps(oauth),
        SLEEVE_LOG_LEVEL="debug", SLEEVE_LOG_FORMAT="json", SLEEVE_CONCURRENCY="1")
    used: list[str] = list(secret.values())
    try:
        assert_serves(server, port)
        used += _drive(f"http://127.0.0.1:{port}", secret["password"])
    finally:
        server.terminate()
        stdout, stderr = server.communicate(timeout=60)
    logs = stdout + stderr
    assert '"level": "debug"' in logs or '"level":"debug"' in logs, "DEBUG logging was not on"
    assert "llm" in logs.lower()  # the LLM call failed and was logged: the test reached it
    leaked = [value for value in used if value in logs]
    assert leaked == [], f"secrets in the logs: {leaked}"


def _drive(base: str, password: str) -> list[str]:
    """Everything a user and an attacker do; returns the credentials that went over the wire."""
    creds: list[str] = []
    with httpx.Client(base_url=base, timeout=60) as web:
        email = f"leak{secrets.token_hex(6)}@example.com"
        assert web.post("/v1/auth/register",
                        json={"email": email, "password": password}).status_code == 201
        wrong = web.post("/v1/auth/login", json={"email": email, "password": password + "x"})
        assert wrong.status_code == 401
        creds.append(password + "x")
        login = web.post("/v1/auth/login", json={"email": email, "password": password})
        assert login.status_code == 200
        bearer = login.json()["access_token"]
        cookie = web.cookies.get("sleeve_session") or next(iter(web.cookies.values()))
        creds += [bearer, cookie]
        headers = {"Authorization": f"Bearer {bearer}"}
        token = web.post("/v1/me/tokens", json={"name": "ci"}, headers=headers).json()["token"]
        creds.append(token)
        assert web.get("/v1/me", headers={"Authorization": f"Bearer {token}x"}).status_code == 401
        creds.append(f"{token}x")
        # Cookie-authenticated write refused (no CSRF header), then allowed.
        assert web.post("/v1/me/tokens", json={"name": "c"}).status_code == 403
        job = web.post("/v1/jobs", headers=headers, json={
            "brief": {"title": "Leak Test", "artist": "Nobody", "genre": "ballad",
                      "lyrics": "nothing to see here"}, "count": 1, "size": 256})
        assert job.status_code == 202, job.text
        deadline = time.monotonic() + 90
        while web.get(f"/v1/jobs/{job.json()['id']}", headers=headers).json()["state"] not in {
                "succeeded", "failed"}:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        # OAuth: the provider refuses the code and quotes the client secret back.
        begin = web.get("/v1/auth/oauth/echo/login", follow_redirects=False)
        assert begin.status_code == 302
        state = parse_qs(urlsplit(begin.headers["location"]).query)["state"][0]
        code = secrets.token_hex(8)
        creds.append(code)
        back = web.get("/v1/auth/oauth/echo/callback", params={"code": code, "state": state},
                       follow_redirects=False)
        assert back.status_code in (401, 502), back.text
        assert web.post("/v1/auth/logout", headers=headers).status_code == 204
    return creds


def test_database_errors_name_the_statement_but_not_its_values(database_url: str) -> None:
    """An error logged from the database layer carries no bound values (hashes, tokens)."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from sleeve.db.engine import make_engine
    from sleeve.db.models import User
    from sleeve.db.types import new_id, utcnow

    engine = make_engine(database_url)
    digest = f"argon2-{secrets.token_hex(16)}"
    row = {"email": f"dup{secrets.token_hex(6)}@example.com", "password_hash": digest,
           "created_at": utcnow()}
    try:
        with engine.begin() as connection:
            connection.execute(insert(User).values(id=new_id(), **row))
        with pytest.raises(IntegrityError) as error, engine.begin() as connection:
            connection.execute(insert(User).values(id=new_id(), **row))
        # (PostgreSQL's own detail names the duplicated key's value; that is the e-mail.)
        assert "INSERT INTO users" in str(error.value) and digest not in str(error.value)
    finally:
        engine.dispose()
