"""A stand-in for Slack's incoming webhook: records every payload, answers as scripted."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class FakeSlack:
    url: str = ""
    # Status codes for the next requests, in order; 200 once they run out.
    answers: list[int] = field(default_factory=list)
    payloads: list[dict[str, Any]] = field(default_factory=list)


def _handler(slack: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            slack.payloads.append(json.loads(body))
            status = slack.answers.pop(0) if slack.answers else 200
            text = b"ok" if status == 200 else b"rate_limited" if status == 429 else b"oops"
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "0")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

        def log_message(self, *_: Any) -> None:
            pass

    return Handler


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    slack = FakeSlack()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(slack))
    slack.url = f"http://127.0.0.1:{server.server_address[1]}/services/T000/B000/XXXX"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield slack
    server.shutdown()
    server.server_close()
