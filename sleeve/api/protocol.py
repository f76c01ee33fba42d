"""uvicorn's HTTP protocol (httptools) with a bound on the request head.

llhttp, under httptools, puts no limit on the request line and headers, and uvicorn adds none:
a client could stream headers until the server runs out of memory. Here the bytes received
while a request's head is still incomplete are counted, and past ``MAX_HEAD_BYTES`` the
client gets a 431 problem+json and the connection is closed, before any of it reaches the app.
(Body sizes are the request middleware's job: ``sleeve.api.middleware``.)
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from sleeve.api.problems import PROBLEM_JSON, problem_body

MAX_HEAD_BYTES = 64 * 1024


class BoundedHeadProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True  # the first bytes on a connection begin a request head
        self._head_bytes = 0

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_bytes = 0

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # Counted after parsing: a chunk that completes the head may carry body bytes too.
        if not self._in_head or self.transport.is_closing():
            return
        self._head_bytes += len(data)
        if self._head_bytes > MAX_HEAD_BYTES:
            self._refuse_head()

    def _refuse_head(self) -> None:
        body = problem_body(431, f"request line and headers over {MAX_HEAD_BYTES} bytes")
        transport: asyncio.Transport = self.transport
        transport.write(b"".join([
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n",
            b"content-type: " + PROBLEM_JSON.encode() + b"\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n",
            b"connection: close\r\n\r\n", body]))
        transport.close()
