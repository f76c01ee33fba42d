"""Slows password guessing: after ``max_failures`` wrong passwords for one e-mail within
``window_s``, logins for it are refused (429) until the oldest failure ages out.

Process-local by design (each API replica counts its own); argon2 already makes every guess
cost ~tens of milliseconds of server CPU.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from sleeve.service.errors import RateLimited


class LoginThrottle:
    def __init__(self, max_failures: int = 10, window_s: float = 300.0,
                 max_tracked: int = 100_000) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.max_tracked = max_tracked
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, email: str) -> None:
        now = time.monotonic()
        with self._lock:
            failures = self._failures.get(email)
            if failures is None:
                return
            while failures and failures[0] <= now - self.window_s:
                failures.popleft()
            if len(failures) >= self.max_failures:
                wait = failures[0] + self.window_s - now
                raise RateLimited("too many wrong passwords for this account; try again later",
                                  max(1, math.ceil(wait)))

    def failed(self, email: str) -> None:
        with self._lock:
            if len(self._failures) >= self.max_tracked:
                self._failures.clear()
            self._failures.setdefault(email, deque()).append(time.monotonic())

    def succeeded(self, email: str) -> None:
        with self._lock:
            self._failures.pop(email, None)
