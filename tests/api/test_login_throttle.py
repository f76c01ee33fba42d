"""Login throttling: growing delays by address and by account per address, never a lock-out
of the owner from elsewhere; per process in the embedded default, shared through Redis with
Celery."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import redis
from fastapi.testclient import TestClient

from sleeve.service.login_throttle import ThrottleRules
from tests.service.fixtures import require_redis

PASSWORD = "correct horse battery"
ATTACKER = ("198.51.100.7", 40000)
OWNER = ("203.0.113.20", 40001)


def _from(client: TestClient, address: tuple[str, int]) -> TestClient:
    """Another client of the same app (the same process), calling from ``address``."""
    return TestClient(client.app, client=address, raise_server_exceptions=False)


def _account(client: TestClient) -> str:
    email = f"t{uuid.uuid4().hex[:10]}@example.com"
    assert client.post("/v1/auth/register",
                       json={"email": email, "password": PASSWORD}).status_code == 201
    return email


def _guess_until_throttled(client: TestClient, email: str) -> int:
    for attempt in range(1, 30):
        wrong = client.post("/v1/auth/login", json={"email": email, "password": "guess guess"})
        if wrong.status_code == 429:
            assert int(wrong.headers["retry-after"]) >= 1
            assert wrong.headers["content-type"] == "application/problem+json"
            return attempt
        assert wrong.status_code == 401
    raise AssertionError("never throttled")


def test_delays_grow_then_stop_at_a_cap() -> None:
    rules = ThrottleRules(base_delay_s=1.0, max_delay_s=60.0)
    delays = [rules.delay(n, free=5) for n in range(4, 14)]
    assert delays[:2] == [0.0, 1.0] and delays[2:5] == [2.0, 4.0, 8.0]
    assert delays == sorted(delays) and max(delays) == 60.0


def test_guessing_is_slowed_but_the_owner_gets_in_from_elsewhere(client: TestClient) -> None:
    email = _account(client)
    attacker, owner = _from(client, ATTACKER), _from(client, OWNER)
    tries = _guess_until_throttled(attacker, email)
    assert tries == ThrottleRules().free_per_account_address + 1
    # The right password from the attacker's address waits too (no oracle)...
    blocked = attacker.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert blocked.status_code == 429
    # ...but the owner, elsewhere, is not locked out.
    assert owner.post("/v1/auth/login",
                      json={"email": email, "password": PASSWORD}).status_code == 200


def test_one_address_guessing_at_many_accounts_is_slowed(client: TestClient) -> None:
    attacker = _from(client, ("198.51.100.99", 40002))
    rules = ThrottleRules()
    statuses = []
    for _ in range(rules.free_per_address + 1):
        email = f"n{uuid.uuid4().hex[:10]}@example.com"  # unknown accounts count the same
        statuses.append(attacker.post("/v1/auth/login", json={
            "email": email, "password": "guess guess"}).status_code)
    assert statuses[:rules.free_per_address] == [401] * rules.free_per_address
    assert statuses[-1] == 429
    other = _account(client)
    assert _from(client, OWNER).post("/v1/auth/login", json={
        "email": other, "password": PASSWORD}).status_code == 200


def test_throttle_is_shared_through_redis(make_client: Callable[..., TestClient]) -> None:
    redis_url = require_redis()
    prefix = f"sleeve-test-{uuid.uuid4().hex[:8]}-"
    # Two API processes of one Celery deployment: separate apps, one Redis.
    first, second = (make_client(queue="celery", broker_url=redis_url, celery_queue_prefix=prefix)
                     for _ in range(2))
    email = _account(first)
    _guess_until_throttled(_from(first, ATTACKER), email)
    # The other process knows: the attacker's address waits there too.
    moved = _from(second, ATTACKER).post("/v1/auth/login",
                                         json={"email": email, "password": "guess guess"})
    assert moved.status_code == 429
    assert _from(second, OWNER).post("/v1/auth/login",
                                     json={"email": email, "password": PASSWORD}).status_code == 200
    keys = redis.Redis.from_url(redis_url).keys(f"{prefix}sleeve:login:*")
    assert keys and all(email.encode() not in k for k in keys)
