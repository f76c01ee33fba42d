"""Hostile input across the API: decompression bombs, absurd dimensions, truncated files,
polyglots, markup disguised as images, oversized and deeply nested bodies, invalid UTF-8, and
SQL or script injection in every text field. Each gets a clear 4xx problem+json, the server
keeps serving, and injected strings come back as the plain text they were, on the cover too.

Raw bytes that no HTTP client library will send (invalid UTF-8 and NUL in request lines,
headers and multipart names) go over a socket to a real ``sleeve serve`` process.
"""

from __future__ import annotations

import html
import io
import json
import random
import socket
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from sleeve.api.problems import UNREADABLE_FORM, UNREADABLE_JSON
from sleeve.core.plan import CoverPlan
from sleeve.pipeline import render_plan
from tests.api.openapi_inputs import request_for, text_inputs
from tests.service.fixtures import finished_job, job_body, new_user
from tests.web.server import SleeveServer

PROBLEM = "application/problem+json"
INJECTIONS = [
    "'; DROP TABLE users; --",
    "Robert'); DELETE FROM covers WHERE ('1'='1",
    "\" OR \"1\"=\"1",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\"><svg onload=alert(1)>",
    "{{7*7}} ${7*7} %s%n",
]


def _problem(response: Any, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"] == PROBLEM, response.headers
    body = response.json()
    assert body["status"] == status and body["detail"], body
    detail: str = body["detail"]
    return detail


# --- files -----------------------------------------------------------------------------------

def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_declaring(width: int, height: int, idat: bytes, bit_depth: int = 8,
                   color: int = 2) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat)
            + _chunk(b"IEND", b""))


def _bomb() -> bytes:
    """A real decompression bomb: 20,000×20,000 1-bit pixels, all zero, in ~6 KB of zlib
    (50 MB of scanlines, 400 megapixels once decoded to 8 bits)."""
    width = height = 20_000
    row = b"\x00" + bytes(width // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row * 1000) for _ in range(height // 1000)) + packer.flush()
    return _png_declaring(width, height, data, bit_depth=1, color=0)


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 40, 90)).save(out, fmt)
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", "<h1>not an image</h1>")
    return out.getvalue()


def _png_with_text(text: str) -> bytes:
    png = _image("PNG")
    end = png.rindex(b"IEND") - 4
    return png[:end] + _chunk(b"tEXt", b"Comment\x00" + text.encode()) + png[end:]


HOSTILE_FILES: dict[str, tuple[Callable[[], bytes], str, int, str]] = {
    # name: (bytes, the type the client claims, status, words the detail must hold)
    "decompression bomb": (_bomb, "image/png", 422, "pixels"),
    "PNG declaring 50,000×50,000": (
        lambda: _png_declaring(50_000, 50_000, zlib.compress(b"\x00" * 1000)), "image/png",
        422, "pixels"),
    "truncated PNG": (lambda: _image("PNG")[:60], "image/png", 422, "truncated"),
    "truncated JPEG": (lambda: _image("JPEG")[:300], "image/jpeg", 422, "truncated"),
    "JPEG + HTML polyglot": (lambda: _image("JPEG") + b"<html><script>alert(1)</script>",
                             "image/jpeg", 415, "HTML"),
    "JPEG + ZIP polyglot": (lambda: _image("JPEG") + _zip(), "image/jpeg", 415, "after"),
    "PNG with a script in a text chunk": (
        lambda: _png_with_text("<script>alert(1)</script>"), "image/png", 415, "HTML"),
    "SVG named .png": (
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/png",
        415, "not an image"),
    "HTML named .jpg": (lambda: b"<!doctype html><script>alert(1)</script>", "image/jpeg",
                        415, "not an image"),
    "empty file": (lambda: b"", "image/png", 415, "not an image"),
}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_hostile_images_are_refused_clearly(
    idle_client: tuple[TestClient, dict[str, str]],
) -> None:
    client, auth = idle_client
    subject = client.post("/v1/subjects", json={"name": "me", "consent": True}, headers=auth)
    assert subject.status_code == 201, subject.text
    # Both routes that take images: the store-rule check and a subject's photos.
    for route in ("/v1/check", f"/v1/subjects/{subject.json()['id']}/photos"):
        for name, (make, claimed, status, words) in HOSTILE_FILES.items():
            suffix = ".jpg" if "jpeg" in claimed else ".png"
            response = client.post(route, headers=auth,
                                   files={"file": ("cover" + suffix, make(), claimed)})
            assert words in _problem(response, status), (route, name)
    # Still serving: a real image after them all, and nothing of them was kept.
    good = client.post("/v1/check", headers=auth,
                       files={"file": ("ok.png", _image("PNG"), "image/png")})
    assert good.status_code == 200, good.text
    kept = client.get(f"/v1/subjects/{subject.json()['id']}", headers=auth).json()
    assert kept["photos"] == [], kept


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_hostile_audio_is_refused_clearly(
    idle_client: tuple[TestClient, dict[str, str]],
) -> None:
    client, auth = idle_client
    request = json.dumps(job_body(count=1))
    for data, status in [(b"<html><script>alert(1)</script></html>", 415),
                         (b"RIFF\x24\x00\x00\x00WAVEfmt ", 422), (_image("PNG"), 415)]:
        response = client.post("/v1/jobs", headers=auth, files={
            "request": (None, request), "audio": ("track.wav", data, "audio/wav")})
        assert "audio" in _problem(response, status)
    assert client.post("/v1/jobs", json=job_body(count=1), headers=auth).status_code == 202


# --- bodies ----------------------------------------------------------------------------------

@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_hostile_json_bodies(idle_client: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = idle_client
    json_headers = {**auth, "Content-Type": "application/json"}
    deep_objects = ('{"a":' * 10_000 + "1" + "}" * 10_000).encode()
    deep_lists = ("[" * 10_000 + "]" * 10_000).encode()
    for url in ("/v1/auth/register", "/v1/me/tokens", "/v1/subjects", "/v1/jobs"):
        for deep in (deep_objects, deep_lists):
            response = client.post(url, content=deep, headers=json_headers)
            assert response.status_code in {400, 422}, (url, response.text[:200])
            detail = _problem(response, response.status_code)
            assert "nested" in detail or "recursion" in detail, (url, detail)
    # Bytes that are not UTF-8, and a raw NUL inside a JSON string.
    invalid = client.post("/v1/me/tokens", content=b'{"name": "\xff\xfe\xc3"}',
                          headers=json_headers)
    assert _problem(invalid, 400) == UNREADABLE_JSON
    nul = client.post("/v1/me/tokens", content=b'{"name": "a\x00b"}', headers=json_headers)
    _problem(nul, 422)
    # A megabyte-long string: over the body limit (413), or under it and over the field's.
    assert "over" in _problem(client.post("/v1/me/tokens", json={"name": "x" * 1_100_000},
                                          headers=auth), 413)
    long_name = _problem(client.post("/v1/me/tokens", json={"name": "x" * 900_000},
                                     headers=auth), 422)
    assert "at most 100" in long_name and "xxxxxxxxxx" not in long_name
    brief = job_body()
    brief["brief"]["lyrics"] = "la " * 300_000
    _problem(client.post("/v1/jobs", json=brief, headers=auth), 422)
    # A multipart form that is not one.
    garbled = client.post("/v1/check", content=b"--x\r\nno headers, no end",
                          headers={**auth, "Content-Type": "multipart/form-data"})
    assert _problem(garbled, 400) in {UNREADABLE_FORM, "Missing boundary in multipart."}
    assert client.get("/v1/me", headers=auth).status_code == 200


# --- injection strings in every text field ---------------------------------------------------

def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# Inputs the API takes but does not show again: secrets, and fields kept elsewhere.
NOT_ECHOED = {"password"}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_injection_strings_in_every_text_field_are_plain_text(
    idle_client: tuple[TestClient, dict[str, str]],
) -> None:
    client, auth = idle_client
    spec = client.get("/openapi.json").json()
    targets = [t for t in text_inputs(spec) if t[4] == "string" and t[2] in {"body", "query"}]
    assert len(targets) > 15
    echoed = 0
    for method, path, where, names, _kind in targets:
        for value in INJECTIONS:
            response = request_for(client, spec, method, path, where, names, value, auth)
            label = f"{method.upper()} {path} {where}.{'.'.join(names)}={value!r}"
            assert response.status_code < 500, (label, response.text[:300])
            if response.status_code >= 400:
                assert response.headers["content-type"] == PROBLEM, label
            elif response.headers["content-type"] == "application/json" and \
                    where == "body" and names[-1] not in NOT_ECHOED:
                # Stored and returned exactly as sent: not escaped, not cut, not run.
                assert value in set(_strings(response.json())), (label, response.text[:300])
                echoed += 1
    assert echoed > 30
    client.cookies.clear()
    assert client.get("/v1/me", headers=auth).status_code == 200  # the tables are all there


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_injected_title_is_the_literal_text_on_the_cover(
    client: TestClient, auth: dict[str, str],
) -> None:
    title, artist = "<script>alert(1)</script>", "'; DROP TABLE covers; --"
    job = finished_job(client, auth, count=1, brief={"title": title, "artist": artist,
                                                     "genre": "ballad"})
    cover = job["covers"][0]
    assert (job["brief"]["title"], cover["title"], cover["artist"]) == (title, title, artist)
    detail = client.get(f"/v1/covers/{cover['id']}", headers=auth).json()
    plan = CoverPlan.model_validate(detail["plan"])
    assert (plan.title, plan.artist) == (title, artist)
    served = client.get(f"/v1/covers/{cover['id']}/image", headers=auth)
    assert served.headers["content-type"] == "image/jpeg"
    # The served cover is exactly the literal strings typeset, byte for byte ...
    literal = render_plan(plan, cover["seed"], size=cover["size"])
    assert served.content == literal.encode("jpeg")
    # ... which is not what HTML-escaped (or dropped) text would have drawn.
    escaped = render_plan(plan.model_copy(update={"title": html.escape(title)}), cover["seed"],
                          size=cover["size"])
    untitled = render_plan(plan.model_copy(update={"title": "x"}), cover["seed"],
                           size=cover["size"])
    assert literal.image.tobytes() != escaped.image.tobytes()
    assert literal.image.tobytes() != untitled.image.tobytes()
    # A filter is a value, never SQL: the injected genre finds nothing, the real one the cover.
    assert client.patch(f"/v1/covers/{cover['id']}", json={"is_public": True},
                        headers=auth).status_code == 200
    assert client.get("/v1/gallery", params={"genre": "' OR '1'='1"}).json()["items"] == []
    found = client.get("/v1/gallery", params={"genre": cover["genre"]}).json()["items"]
    assert cover["id"] in [c["id"] for c in found]


# --- raw bytes against a real server process -------------------------------------------------

@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SleeveServer]:
    server = SleeveServer(tmp_path_factory.mktemp("hostile"),
                          {"SLEEVE_EMBEDDED_WORKER": "false", "SLEEVE_LOG_LEVEL": "ERROR"})
    server.start()
    yield server
    server.stop()


def _exchange(server: SleeveServer, raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """Sends ``raw`` as is; returns the status, headers and body of the answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            if _:
                lines = head.decode("latin-1").split("\r\n")
                headers = {k.lower(): v.strip() for k, v in
                           (line.split(":", 1) for line in lines[1:])}
                if len(body) >= int(headers.get("content-length", "-1")):
                    return int(lines[0].split()[1]), headers, body
    raise AssertionError(f"no answer to {raw[:80]!r}: {data[:200]!r}")


def _raw(method: str, target: bytes, headers: list[bytes], body: bytes = b"",
         length: int | None = None) -> bytes:
    lines = [method.encode() + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1",
             b"Connection: close", *headers]
    if body or length is not None:
        lines.append(b"Content-Length: " + str(len(body) if length is None else length).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _noise_png() -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", (480, 480), random.Random(5).randbytes(480 * 480 * 3)).save(out, "PNG")
    return out.getvalue()


def _multipart(name: bytes, filename: bytes, data: bytes) -> bytes:
    return (b"--XyZ\r\nContent-Disposition: form-data; name=\"" + name + b"\"; filename=\""
            + filename + b"\"\r\nContent-Type: image/png\r\n\r\n" + data + b"\r\n--XyZ--\r\n")


def test_raw_bytes_get_a_4xx_and_the_server_keeps_serving(live: SleeveServer) -> None:
    import httpx

    with httpx.Client(base_url=live.url, timeout=30) as api:
        auth = new_user(api)
    bearer = b"Authorization: " + auth["Authorization"].encode()
    json_type, form_type = (b"Content-Type: application/json",
                            b"Content-Type: multipart/form-data; boundary=XyZ")
    png = _image("PNG")
    # Refused by the HTTP server itself (the request cannot be parsed): a plain 400.
    unparsable = {
        "invalid UTF-8 in the path": _raw("GET", b"/v1/jobs/\xff\xfe", [bearer]),
        "invalid UTF-8 and NUL in the query": _raw("GET", b"/v1/gallery?genre=\xff\x00", []),
        "NUL in a header": _raw("GET", b"/v1/me", [bearer, b"X-Note: a\x00b"]),
        "invalid UTF-8 in a header name": _raw("GET", b"/v1/me", [bearer, b"X-\xffNote: a"]),
    }
    for label, raw in unparsable.items():
        status, _headers, _body = _exchange(live, raw)
        assert status == 400, label
    # Reaching the app: problem+json with the right status.
    answered = {
        "percent-encoded invalid UTF-8 in the path": (
            _raw("GET", b"/v1/jobs/%FF%FE", [bearer]), 404),
        "percent-encoded NUL in the query": (_raw("GET", b"/v1/gallery?genre=%00", []), 422),
        "invalid UTF-8 in a header value": (
            _raw("GET", b"/v1/me", [b"Authorization: Bearer \xff\xfe\x80"]), 401),
        # Header bytes are Latin-1 text to HTTP: a valid (if odd) key.
        "bytes over 0x7f in the idempotency key": (
            _raw("POST", b"/v1/jobs", [bearer, json_type, b"Idempotency-Key: \xff\xfe"],
                 json.dumps(job_body(count=1)).encode()), 202),
        "invalid UTF-8 in a JSON body": (
            _raw("POST", b"/v1/auth/register", [json_type], b'{"email": "\xff\xfe@x.io"}'),
            400),
        "NUL in a JSON string": (
            _raw("POST", b"/v1/auth/register", [json_type],
                 b'{"email": "a\x00@x.io", "password": "correct horse 1"}'), 422),
        "invalid UTF-8 in a multipart field name": (
            _raw("POST", b"/v1/check", [bearer, form_type],
                 _multipart(b"fi\xffle", b"a.png", png)), 422),
        "invalid UTF-8 and NUL in a multipart filename": (
            _raw("POST", b"/v1/check", [bearer, form_type],
                 _multipart(b"file", b"\xff\x00.png", png)), 200),
        "a body declared as a terabyte": (
            _raw("POST", b"/v1/auth/register", [json_type], b"{", length=10**12), 413),
        "an upload declared as a terabyte": (
            _raw("POST", b"/v1/check", [bearer, form_type], b"--XyZ", length=10**12), 413),
        # The head is bounded (64 KB); a big body arriving with it is not mistaken for one.
        "a megabyte-long header": (_raw("GET", b"/healthz", [b"X-Big: " + b"x" * 2**20]), 431),
        "twenty thousand headers": (
            _raw("GET", b"/healthz", [b"X-H%d: v" % i for i in range(20_000)]), 431),
        "a 700 KB upload in the first packet": (
            _raw("POST", b"/v1/check", [bearer, form_type],
                 _multipart(b"file", b"noise.png", _noise_png())), 200),
    }
    for label, (raw, expected) in answered.items():
        status, headers, body = _exchange(live, raw)
        assert status == expected, (label, status, body[:300])
        if status >= 400:
            assert headers["content-type"] == PROBLEM, label
            assert json.loads(body)["status"] == status, label
    with httpx.Client(base_url=live.url, timeout=30) as api:
        assert api.get("/healthz").status_code == 200
        created = api.post("/v1/jobs", json=job_body(count=1), headers=auth)
        assert created.status_code == 202, created.text


def test_the_body_limit_holds_before_the_body_is_read(live: SleeveServer) -> None:
    """A declared size over the limit is answered at once, without waiting for the bytes."""
    with socket.create_connection(("127.0.0.1", live.port), timeout=30) as sock:
        sock.sendall(_raw("POST", b"/v1/auth/register", [b"Content-Type: application/json"],
                          b"", length=50_000_000))
        answer = sock.recv(65536)  # answered though not one byte of the body was sent
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]

