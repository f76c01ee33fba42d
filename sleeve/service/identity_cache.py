"""A short-lived, in-process cache of token → user, so most requests skip a database lookup.

Revoking in this process clears it at once; another API replica may accept a revoked token
for at most ``ttl_s`` seconds. Only successful lookups are cached, and the size is bounded.
"""

from __future__ import annotations

import hashlib
import threading
import time

Identity = tuple[str, str | None]  # (user id, email)


class IdentityCache:
    def __init__(self, ttl_s: float = 2.0, max_entries: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, Identity]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(token: str) -> str:
        # Keys are digests: the cache never holds a usable secret.
        return hashlib.sha256(token.encode()).hexdigest()

    def get(self, token: str) -> Identity | None:
        entry = self._entries.get(self._key(token))
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, token: str, identity: Identity) -> None:
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[self._key(token)] = (time.monotonic() + self.ttl_s, identity)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
