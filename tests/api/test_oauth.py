"""OAuth2 login end to end against a small local provider (Kakao-shaped userinfo).

The provider is a real HTTP server on loopback: authorize → code → token → userinfo.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.api.oauth_provider import Provider, login_through_provider, oauth_settings


@pytest.fixture
def oauth_client(make_client: Callable[..., TestClient],
                 oauth_provider: tuple[Provider, str]) -> TestClient:
    return make_client(**oauth_settings(oauth_provider))


def test_oauth_login_end_to_end(oauth_client: TestClient,
                                oauth_provider: tuple[Provider, str]) -> None:
    state, _ = oauth_provider
    done = login_through_provider(oauth_client)
    assert done.status_code == 302, done.text
    assert done.headers["location"] == "/covers"
    me = oauth_client.get("/v1/me")
    assert me.status_code == 200
    assert me.json()["email"] == "musician@kakao.test"
    assert me.json()["display_name"] == "Luna"
    assert state.token_requests, "the code was exchanged at the provider"
    # Logging in again maps to the same local user.
    first_id = me.json()["id"]
    oauth_client.cookies.clear()
    login_through_provider(oauth_client)
    assert oauth_client.get("/v1/me").json()["id"] == first_id


def test_oauth_rejects_forged_state_and_unknown_provider(oauth_client: TestClient) -> None:
    forged = oauth_client.get("/v1/auth/oauth/kakao/callback",
                              params={"code": "x", "state": "forged"}, follow_redirects=False)
    assert forged.status_code == 401
    assert forged.headers["content-type"] == "application/problem+json"
    assert oauth_client.get("/v1/me").status_code == 401
    assert oauth_client.get("/v1/auth/oauth/nope/login").status_code == 404


def test_open_redirect_refused(oauth_client: TestClient) -> None:
    assert login_through_provider(oauth_client, "//evil.example/x").headers["location"] == "/"
