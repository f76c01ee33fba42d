"""POST /v1/check: the store-rule report for an upload, under the photo upload limits."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.check.conftest import encode, sleeve_cover


@pytest.fixture
def cover() -> Image.Image:
    return sleeve_cover()


def test_a_cover_gets_its_report_with_failed_rules_and_boxes(
        client: TestClient, auth: dict[str, str], cover: Image.Image) -> None:
    response = client.post("/v1/check", headers=auth,
                           files={"file": ("cover.png", encode(cover), "image/png")},
                           data={"title": "Summer Breeze", "artist": "Luna Vale"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["passed"] is False
    assert report["rules"]["metadata-text"] == "fail" and report["rules"]["square"] == "pass"
    assert all(len(f["box"]) == 4 for f in report["findings"] if f["status"] == "fail")


def test_the_same_cover_with_its_own_metadata_passes(
        client: TestClient, auth: dict[str, str], cover: Image.Image) -> None:
    response = client.post("/v1/check", headers=auth,
                           files={"file": ("c.jpg", encode(cover, "JPEG"), "image/jpeg")},
                           data={"title": "Midnight Rain", "artist": "Luna Vale"})
    assert response.status_code == 200
    assert response.json()["passed"] is True


def _bomb() -> bytes:
    """A small PNG whose header claims 50 megapixels."""
    out = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(("data", "status"), [
    (b"GIF89a" + b"\0" * 100, 415),
    (b"just some text", 415),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, 422),
    (_bomb(), 422),
    (b"\xff\xd8\xff" + b"\0" * (15 * 1024 * 1024), 413),
])
def test_unusable_uploads_get_a_problem_with_the_right_status(
        client: TestClient, auth: dict[str, str], data: bytes, status: int) -> None:
    response = client.post("/v1/check", headers=auth, files={"file": ("x", data, "image/png")})
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_checking_needs_a_login(client: TestClient) -> None:
    response = client.post("/v1/check", files={"file": ("x.png", b"x", "image/png")})
    assert response.status_code == 401
