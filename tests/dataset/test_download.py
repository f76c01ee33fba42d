"""`--urls` against a local server: images, slow answers, 404s, oversized and non-image bodies."""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sleeve.dataset.build import build_locally
from sleeve.dataset.download import DownloadOptions, download, read_url_list
from sleeve.dataset.items import BuildOptions
from sleeve.dataset.output import read_manifest
from tests.dataset.images import jpeg, picture

SIZE = 80


@dataclass
class ImageHost:
    base: str = ""
    hits: Counter[str] = field(default_factory=Counter)
    starts: list[float] = field(default_factory=list)
    active: int = 0
    most_active: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(host: ImageHost) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _send(self, status: int, body: bytes, kind: str = "image/jpeg",
                  length: int | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            # Only the plain images count towards concurrency: a timed-out or cut-off answer
            # keeps its server thread busy after the client has gone.
            counted = self.path.startswith("/img/")
            with host.lock:
                host.hits[self.path] += 1
                host.starts.append(time.monotonic())
                host.active += counted
                host.most_active = max(host.most_active, host.active)
            try:
                self._answer()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout, size limit): as intended
            finally:
                with host.lock:
                    host.active -= counted

        def _answer(self) -> None:
            path = self.path
            if path.startswith("/img/"):
                time.sleep(0.05)
                self._send(200, jpeg(picture(int(path.split("/")[2].split(".")[0]), SIZE)))
            elif path == "/slow.jpg":
                time.sleep(2.5)
                self._send(200, jpeg(picture(999, SIZE)))
            elif path == "/flaky.jpg" and host.hits[path] == 1:
                self._send(503, b"busy", "text/plain")
            elif path == "/flaky.jpg":
                self._send(200, jpeg(picture(998, SIZE)))
            elif path == "/huge.jpg":  # announced as too big
                self._send(200, b"\xff\xd8\xff" + b"0" * 10, length=10_000_000)
            elif path == "/endless.jpg":  # no length, too big once streamed
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"\xff\xd8\xff" + b"0" * 65_533
                try:
                    for _ in range(40):
                        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass
            elif path == "/page.html":
                self._send(200, b"<html><body>not an image</body></html>", "text/html")
            else:
                self._send(404, b"not found", "text/plain")

        def log_message(self, *_: Any) -> None:
            pass

    return Handler


@pytest.fixture
def image_host() -> Iterator[ImageHost]:
    host = ImageHost()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(host))
    server.daemon_threads = True
    host.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield host
    server.shutdown()
    server.server_close()


OPTIONS = DownloadOptions(concurrency=8, per_host=2, host_interval_s=0.08, timeout_s=1.0,
                          max_bytes=1_000_000, retries=2, backoff_s=0.05)


def test_downloads_are_bounded_polite_and_resumable(image_host: ImageHost,
                                                    tmp_path: Path) -> None:
    base = image_host.base
    good = [f"{base}/img/{n}.jpg" for n in range(12)]
    bad = {f"{base}/slow.jpg": "timeout", f"{base}/missing.jpg": "HTTP 404",
           f"{base}/huge.jpg": "too large", f"{base}/endless.jpg": "too large",
           f"{base}/page.html": "not an image"}
    listing = tmp_path / "urls.txt"
    listing.write_text("# covers\n" + "\n".join([*good, f"{base}/flaky.jpg", *bad]) + "\n")
    entries = read_url_list(listing)
    items, failed = download(entries, tmp_path / "dl", OPTIONS)
    assert {i.source for i in items} == {*good, f"{base}/flaky.jpg"}
    assert failed == bad
    hits = image_host.hits
    assert hits["/flaky.jpg"] == 2  # a 503, retried
    assert hits["/slow.jpg"] == 3 and hits["/missing.jpg"] == 1  # timeouts retried, 404 not
    assert image_host.most_active <= OPTIONS.per_host  # one host: its limit holds
    gaps = [b - a for a, b in zip(image_host.starts, image_host.starts[1:], strict=False)]
    # Measured where requests arrive: connection set-up (and a busy machine) adds jitter to the
    # client's spacing, so the typical gap is checked strictly and the smallest loosely.
    assert statistics.median(gaps) >= OPTIONS.host_interval_s
    assert min(gaps) >= OPTIONS.host_interval_s * 0.25

    # Resume: nothing fetched or failed for good is asked again; the timeout is retried.
    before = Counter(hits)
    items_again, failed_again = download(entries, tmp_path / "dl", OPTIONS)
    assert {i.source for i in items_again} == {i.source for i in items}
    assert failed_again == bad
    asked = hits - before
    assert asked == Counter({"/slow.jpg": 3})

    stats = build_locally(items_again, tmp_path / "out", BuildOptions(min_size=64), workers=1,
                          rejected_before=Counter(f"download: {r}" for r in failed_again.values()))
    assert stats["kept"] == 13
    assert stats["rejected"]["download: too large"] == 2
    rows = read_manifest(tmp_path / "out" / "manifest.parquet")
    assert {r["source"] for r in rows} == {i.source for i in items}


def test_url_list_rejects_what_is_not_a_url(tmp_path: Path) -> None:
    listing = tmp_path / "urls.jsonl"
    listing.write_text('{"url": "https://example.com/a.jpg", "title": "A"}\nftp://x/y\n')
    with pytest.raises(ValueError, match="line 2 is not an http"):
        read_url_list(listing)
    listing.write_text('{"url": "https://example.com/a.jpg", "title": "A"}\n')
    assert read_url_list(listing) == [("https://example.com/a.jpg", {"title": "A"})]
