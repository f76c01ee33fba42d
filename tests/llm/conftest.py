"""A local OpenAI-compatible server the tests start, with switchable behaviour."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

GOOD_ANSWER: dict[str, Any] = {
    "scene": "a lone umbrella on a wet crosswalk under a streetlight",
    "imagery": ["rain on the window", "the last subway", "a cold streetlight"],
    "palettes": [
        {"background": "#101a2b", "primary": "#2e4a6b", "secondary": "#8fa7bf",
         "accent": "#f2b84b", "ink": "#f5f1e8"},
        {"background": "#2b1020", "primary": "#6b2e4a", "secondary": "#bf8fa7",
         "accent": "#4bf2b8", "ink": "#f8f4ec"},
    ],
    "motifs": ["rain", "unicorn", "city"],
    "concept": "waiting in the rain for someone who will not come",
}


@dataclass
class FakeLLM:
    """Modes: good, malformed (not JSON), invalid (JSON, wrong shape), slow, error (500),
    unauthorized (401)."""

    mode: str = "good"
    delay_s: float = 1.0
    answer: dict[str, Any] = field(default_factory=lambda: dict(GOOD_ANSWER))
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    def content(self) -> str:
        if self.mode == "malformed":
            return '{"scene": "a lone umbrella", "palettes": [ {oops'
        if self.mode == "invalid":
            return json.dumps({**self.answer, "palettes": [{"background": "blue"}]})
        return json.dumps(self.answer)


def _handler(fake: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length))
            fake.requests.append({"path": self.path, "body": body,
                                  "auth": self.headers.get("Authorization")})
            if fake.mode == "slow":
                time.sleep(fake.delay_s)
            if fake.mode in ("error", "unauthorized"):
                status = 500 if fake.mode == "error" else 401
                self.send_error(status, "upstream exploded" if status == 500 else "bad key")
                return
            payload = json.dumps({"choices": [{"index": 0, "message": {
                "role": "assistant", "content": fake.content()}}]}).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    fake = FakeLLM()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
