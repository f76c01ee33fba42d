"""The page as served: language negotiation, headers, and everything from our own origin."""

from __future__ import annotations

import json
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sleeve.web.app import STATIC_DIR, mount


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    mount(app)
    return TestClient(app)


def _boot(html: str) -> dict[str, object]:
    match = re.search(r'<script type="application/json" id="boot">(.*?)</script>', html, re.S)
    assert match
    data: dict[str, object] = json.loads(match.group(1))
    return data


def test_korean_browsers_get_the_korean_page(client: TestClient) -> None:
    page = client.get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.8"})
    assert page.status_code == 200
    assert page.headers["content-language"] == "ko"
    assert '<html lang="ko">' in page.text
    assert "만들기" in page.text
    assert _boot(page.text)["lang"] == "ko"


def test_the_saved_choice_beats_accept_language(client: TestClient) -> None:
    client.cookies.set("sleeve_lang", "en")
    try:
        page = client.get("/", headers={"Accept-Language": "ko-KR"})
    finally:
        client.cookies.clear()
    assert '<html lang="en">' in page.text
    assert _boot(page.text)["lang"] == "en"


def test_page_allows_only_its_own_origin(client: TestClient) -> None:
    page = client.get("/")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "Accept-Language" in page.headers["vary"]


def test_every_asset_comes_from_sleeve_itself(client: TestClient) -> None:
    html = client.get("/").text
    assets = re.findall(r'(?:src|href)="([^"#]+)"', html)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    for path in STATIC_DIR.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            external = [u for u in re.findall(r"https?://[^\s\"')]+", text)
                        if not u.startswith("http://www.w3.org/")]
            assert not external, (path.name, external)
    module = client.get("/static/app.js")
    assert "javascript" in module.headers["content-type"]
    assert module.headers["cache-control"] == "no-cache"
    again = client.get("/static/app.js", headers={"If-None-Match": module.headers["etag"]})
    assert again.status_code == 304
    imports = re.findall(r'from "([^"]+)"', module.text)
    assert imports and all(i.startswith("./") for i in imports)


def test_catalogue_travels_as_inert_json(client: TestClient) -> None:
    html = client.get("/").text
    boot = html.split('id="boot">', 1)[1].split("</script>", 1)[0]
    assert "<" not in boot  # tojson escapes markup, so no message can end the script early
