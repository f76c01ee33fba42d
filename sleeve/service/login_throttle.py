"""Slows password guessing without letting anyone lock an owner out.

Two counters of recent wrong passwords, each with a growing delay once a few free attempts
are used (1 s, 2 s, 4 s … up to a cap; the count ages out after ``window_s`` of quiet):

- by **client address**: one address guessing at many accounts is slowed down;
- by **account, per address**: one address guessing at one account is slowed down sooner.

The account is never refused as a whole: wrong passwords sent from elsewhere do not stop its
owner, from their own address, logging in with the right one. Guessing from many addresses is
bounded by the per-address limits and by argon2's cost per guess.

The counts live in this process (the embedded default) or in Redis (``SLEEVE_QUEUE=celery``,
where several API processes must share them). Keys are digests: no e-mail is stored.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Protocol

from sleeve.service.errors import RateLimited

log = logging.getLogger("sleeve.service")


@dataclass(frozen=True)
class ThrottleRules:
    free_per_address: int = 10
    free_per_account_address: int = 5
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0
    window_s: float = 900.0

    def delay(self, failures: int, free: int) -> float:
        over = failures - free
        if over < 0:
            return 0.0
        return min(self.max_delay_s, self.base_delay_s * 2.0 ** min(over, 30))


class FailureCounts(Protocol):
    """Per key: how many failures recently, and when the last one was (unix seconds)."""

    def get(self, keys: list[str]) -> list[tuple[int, float]]: ...

    def add(self, keys: list[str], now: float) -> None: ...

    def clear(self, key: str) -> None: ...


class MemoryCounts:
    """Process-local counts (the embedded default: one process serves the API)."""

    def __init__(self, window_s: float, max_tracked: int = 100_000) -> None:
        self.window_s = window_s
        self.max_tracked = max_tracked
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def get(self, keys: list[str]) -> list[tuple[int, float]]:
        now = time.time()
        with self._lock:
            found = [self._counts.get(k, (0, 0.0)) for k in keys]
        return [(n, last) if now - last < self.window_s else (0, 0.0) for n, last in found]

    def add(self, keys: list[str], now: float) -> None:
        with self._lock:
            if len(self._counts) >= self.max_tracked:
                self._counts = {k: v for k, v in self._counts.items()
                                if now - v[1] < self.window_s}
                if len(self._counts) >= self.max_tracked:
                    self._counts.clear()
            for key in keys:
                n, last = self._counts.get(key, (0, 0.0))
                self._counts[key] = (n + 1 if now - last < self.window_s else 1, now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


class RedisCounts:
    """Counts shared by every API process through Redis; each key expires after the window."""

    def __init__(self, url: str, prefix: str, window_s: float) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        self.prefix = prefix
        self.window_s = window_s

    def get(self, keys: list[str]) -> list[tuple[int, float]]:
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.hmget(self.prefix + key, "n", "last")
        found = []
        for n, last in pipe.execute():
            found.append((int(n or 0), float(last or 0.0)))
        return found

    def add(self, keys: list[str], now: float) -> None:
        pipe = self.client.pipeline(transaction=True)
        for key in keys:
            name = self.prefix + key
            pipe.hincrby(name, "n", 1)
            pipe.hset(name, "last", repr(now))
            pipe.expire(name, math.ceil(self.window_s))
        pipe.execute()

    def clear(self, key: str) -> None:
        self.client.delete(self.prefix + key)


def _digest(kind: str, value: str) -> str:
    return kind + ":" + hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]


class LoginThrottle:
    def __init__(self, counts: FailureCounts | None = None,
                 rules: ThrottleRules | None = None) -> None:
        self.rules = rules or ThrottleRules()
        self.counts = counts or MemoryCounts(self.rules.window_s)

    def _keys(self, email: str, address: str) -> list[str]:
        return [_digest("addr", address), _digest("acct", f"{email}\0{address}")]

    def check(self, email: str, address: str) -> None:
        """Raises RateLimited while this address must wait before its next try."""
        rules = self.rules
        try:
            (by_addr, by_pair) = self.counts.get(self._keys(email, address))
        except Exception:
            # A throttle that cannot be read must not stop every login; say so loudly.
            log.exception("login throttle unavailable; not throttling")
            return
        now = time.time()
        wait = max(
            by_addr[1] + rules.delay(by_addr[0], rules.free_per_address) - now,
            by_pair[1] + rules.delay(by_pair[0], rules.free_per_account_address) - now,
        )
        if wait > 0:
            raise RateLimited("too many wrong passwords from this address; try again later",
                              max(1, math.ceil(wait)))

    def failed(self, email: str, address: str) -> None:
        try:
            self.counts.add(self._keys(email, address), time.time())
        except Exception:
            log.exception("login throttle unavailable; failure not counted")

    def succeeded(self, email: str, address: str) -> None:
        try:
            self.counts.clear(self._keys(email, address)[1])
        except Exception:
            log.exception("login throttle unavailable")


def throttle_for(queue: str, broker_url: str, prefix: str) -> LoginThrottle:
    """Redis-backed when the deployment is several processes on a Redis broker (Celery);
    per-process otherwise."""
    rules = ThrottleRules()
    if queue == "celery":
        if broker_url.startswith(("redis://", "rediss://")):
            return LoginThrottle(RedisCounts(broker_url, f"{prefix}sleeve:login:",
                                             rules.window_s), rules)
        log.warning("login throttle is per process: the broker is not Redis")
    return LoginThrottle(rules=rules)
