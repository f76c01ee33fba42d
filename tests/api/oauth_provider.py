"""A small local OAuth2 provider (Kakao-shaped userinfo) on loopback, for login tests:
authorize → code → token → userinfo, over real HTTP."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

CLIENT_ID = "sleeve-test-client"
CLIENT_SECRET = "s3cret-value"


class Provider:
    def __init__(self) -> None:
        self.codes: dict[str, str] = {}  # code -> redirect_uri
        self.tokens: set[str] = set()
        self.user: dict[str, Any] = {"id": 4242, "kakao_account": {"email": "musician@kakao.test"},
                                     "properties": {"nickname": "Luna"}}
        self.token_requests: list[dict[str, list[str]]] = []


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/oauth/authorize":
                if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                    self._json(400, {"error": "invalid_request"})
                    return
                code = secrets.token_hex(8)
                provider.codes[code] = query["redirect_uri"]
                target = query["redirect_uri"] + "?" + urlencode(
                    {"code": code, "state": query["state"]})
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()
            elif url.path == "/v2/user/me":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if token not in provider.tokens:
                    self._json(401, {"error": "invalid_token"})
                    return
                self._json(200, provider.user)
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = parse_qs(self.rfile.read(length).decode())
            provider.token_requests.append(form)
            field = {k: v[0] for k, v in form.items()}
            code = field.get("code", "")
            if (self.path != "/oauth/token" or field.get("grant_type") != "authorization_code"
                    or field.get("client_id") != CLIENT_ID
                    or field.get("client_secret") != CLIENT_SECRET
                    or provider.codes.pop(code, None) != field.get("redirect_uri")):
                self._json(400, {"error": "invalid_grant"})
                return
            token = secrets.token_hex(16)
            provider.tokens.add(token)
            self._json(200, {"access_token": token, "token_type": "bearer", "expires_in": 3600})

    return Handler


@pytest.fixture
def oauth_provider() -> Iterator[tuple[Provider, str]]:
    state = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def oauth_settings(provider: tuple[Provider, str]) -> dict[str, str]:
    """Settings overrides for an app that logs in through ``provider``."""
    _, base = provider
    config = {"kakao": {
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "authorize_url": f"{base}/oauth/authorize", "token_url": f"{base}/oauth/token",
        "userinfo_url": f"{base}/v2/user/me", "scope": "account_email",
        "subject_key": "id", "email_key": "kakao_account.email",
        "name_key": "properties.nickname",
    }}
    return {"oauth_providers": json.dumps(config), "secret_key": "test-secret"}


def login_through_provider(client: TestClient, next_path: str = "/covers") -> httpx.Response:
    start = client.get("/v1/auth/oauth/kakao/login", params={"next": next_path},
                       follow_redirects=False)
    assert start.status_code == 302, start.text
    authorize = httpx.get(start.headers["location"], follow_redirects=False)
    assert authorize.status_code == 302, authorize.text
    back = urlsplit(authorize.headers["location"])
    assert back.path == "/v1/auth/oauth/kakao/callback"
    return client.get(f"{back.path}?{back.query}", follow_redirects=False)
