"""Cover images (variants, ETag, 304), publishing, reviews, gallery and my covers."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from PIL import Image

from sleeve.config import Settings
from sleeve.core.plan import CoverPlan
from sleeve.pipeline import render_plan
from sleeve.storage import BlobStore
from tests.service.fixtures import RENDER_SIZE, finished_job, new_user


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_image_master_variants_and_etag(client: TestClient, auth: dict[str, str]) -> None:
    cover = finished_job(client, auth, count=1)["covers"][0]
    url = cover["image_url"]
    master = client.get(url, headers=auth)
    assert master.status_code == 200 and master.headers["content-type"] == "image/jpeg"
    assert _open(master.content).size == (RENDER_SIZE, RENDER_SIZE)
    assert master.headers["cache-control"].startswith("private")
    etag = master.headers["etag"]
    again = client.get(url, headers={**auth, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    small = client.get(url, params={"size": 128, "format": "png"}, headers=auth)
    assert small.headers["content-type"] == "image/png" and small.headers["etag"] != etag
    assert _open(small.content).format == "PNG" and _open(small.content).size == (128, 128)
    # Cached after first use: the same bytes come back.
    assert client.get(url, params={"size": 128, "format": "png"}, headers=auth).content \
        == small.content
    bad = client.get(url, params={"size": 1000}, headers=auth)
    assert bad.status_code == 422 and "size" in bad.json()["detail"]
    assert client.get(url, params={"format": "gif"}, headers=auth).status_code == 422


def test_publish_review_and_gallery(client: TestClient, auth: dict[str, str]) -> None:
    genre = "jazz"  # the filter is by genre family; no other test publishes covers
    covers = finished_job(client, auth, count=3, brief={
        "title": "Glass", "artist": "Vale", "genre": genre})["covers"]
    ids = [c["id"] for c in covers]

    def gallery(**params: Any) -> dict[str, Any]:
        response = client.get("/v1/gallery", params={"genre": genre, **params})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    assert gallery()["items"] == []  # private by default
    assert {c["genre"] for c in covers} == {genre}
    stranger = new_user(client)
    assert client.get(f"/v1/covers/{ids[0]}", headers=stranger).status_code == 404
    for cover_id in ids:
        published = client.patch(f"/v1/covers/{cover_id}", json={"is_public": True}, headers=auth)
        assert published.status_code == 200 and published.json()["is_public"]
    assert client.patch(f"/v1/covers/{ids[0]}", json={"is_public": False},
                        headers=stranger).status_code == 404
    # Public now: anyone may see and review it, even anonymously see the image.
    assert client.get(f"/v1/covers/{ids[0]}/image").status_code == 200
    assert client.post(f"/v1/covers/{ids[1]}/reviews", json={"rating": 5, "comment": "wow"},
                       headers=stranger).status_code == 201
    assert client.post(f"/v1/covers/{ids[2]}/reviews", json={"rating": 2},
                       headers=stranger).status_code == 201
    # A second review by the same user replaces the first.
    client.post(f"/v1/covers/{ids[2]}/reviews", json={"rating": 4}, headers=stranger)
    client.post(f"/v1/covers/{ids[2]}/reviews", json={"rating": 3}, headers=auth)
    detail = client.get(f"/v1/covers/{ids[2]}", headers=stranger).json()
    assert detail["rating_count"] == 2 and detail["rating_avg"] == 3.5
    assert detail["my_review"]["rating"] == 4

    order = [c["id"] for c in gallery()["items"]]
    assert order == [ids[1], ids[2], ids[0]]
    first = gallery(limit=2)
    assert [c["id"] for c in first["items"]] == order[:2] and first["next_cursor"]
    rest = gallery(limit=2, cursor=first["next_cursor"])
    assert [c["id"] for c in rest["items"]] == order[2:] and rest["next_cursor"] is None
    assert client.get("/v1/gallery", params={"cursor": "garbage!"}).status_code == 422
    assert gallery(genre="metal")["items"] == []  # the filter holds


def test_review_validation(client: TestClient, auth: dict[str, str]) -> None:
    cover_id = finished_job(client, auth, count=1)["covers"][0]["id"]
    url = f"/v1/covers/{cover_id}/reviews"
    assert client.post(url, json={"rating": 0}, headers=auth).status_code == 422
    assert client.post(url, json={"rating": 6}, headers=auth).status_code == 422
    too_long = client.post(url, json={"rating": 3, "comment": "x" * 2001}, headers=auth)
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "body.comment"
    assert client.post(url, json={"rating": 3, "comment": "x" * 2000},
                       headers=auth).status_code == 201


def test_my_covers_pages_newest_first(client: TestClient, auth: dict[str, str]) -> None:
    older = finished_job(client, auth, count=1)["covers"]
    newer = finished_job(client, auth, count=1)["covers"]
    page = client.get("/v1/me/covers", params={"limit": 1}, headers=auth).json()
    assert [c["id"] for c in page["items"]] == [newer[0]["id"]]
    rest = client.get("/v1/me/covers", params={"limit": 5, "cursor": page["next_cursor"]},
                      headers=auth).json()
    assert [c["id"] for c in rest["items"]] == [older[0]["id"]] and rest["next_cursor"] is None
    assert client.get("/v1/me/covers", headers=new_user(client)).json()["items"] == []


def test_png_download_is_the_original_render_and_cached(
    client: TestClient, auth: dict[str, str], settings: Settings
) -> None:
    cover = finished_job(client, auth, count=1)["covers"][0]
    detail = client.get(f"/v1/covers/{cover['id']}", headers=auth).json()
    png = client.get(cover["image_url"], params={"format": "png"}, headers=auth)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    decoded = np.asarray(_open(png.content).convert("RGB"), dtype=np.int16)
    # Bit for bit the render of the stored plan and seed: a PNG without JPEG artefacts.
    original = render_plan(CoverPlan.model_validate(detail["plan"]), detail["seed"],
                           size=RENDER_SIZE)
    assert np.array_equal(decoded, np.asarray(original.image, dtype=np.int16))
    jpeg = np.asarray(_open(client.get(cover["image_url"], headers=auth).content), np.int16)
    assert 0 < np.abs(decoded - jpeg).mean() < 4  # the JPEG master is a close, lossy copy
    # Cached after first use: the variant is now a blob of its own.
    store = BlobStore(settings.storage_url)
    assert store.get(f"covers/{cover['id']}/{RENDER_SIZE}.png") == png.content


def test_public_means_only_what_was_published(client: TestClient, auth: dict[str, str]) -> None:
    """Anyone sees title, artist, genre, style, palette and the image of a public cover; the
    lyrics, what was made from them (keywords, motifs, concept, prompt) and the owner's e-mail
    stay with the owner."""
    secret_words = ("lighthouse", "zeppelin")
    job = finished_job(client, auth, count=1, brief={
        "title": "Harbour", "artist": "Vale", "genre": "folk",
        "lyrics": "The lighthouse keeper sings\nto a zeppelin over the lighthouse"})
    cover = job["covers"][0]
    owner_view = client.get(f"/v1/covers/{cover['id']}", headers=auth).json()
    assert owner_view["plan"] and owner_view["brief_id"]
    assert any(w in " ".join(owner_view["plan"]["keywords"]) for w in secret_words)
    assert client.patch(f"/v1/covers/{cover['id']}", json={"is_public": True},
                        headers=auth).status_code == 200
    owner_email = client.get("/v1/me", headers=auth).json()["email"]
    stranger = new_user(client)
    seen = [
        client.get(f"/v1/covers/{cover['id']}"),
        client.get(f"/v1/covers/{cover['id']}", headers=stranger),
        client.get("/v1/gallery", params={"genre": cover["genre"]}),
    ]
    for response in seen:
        assert response.status_code == 200, response.text
        text = response.text.lower()
        assert not any(word in text for word in secret_words), text
        assert owner_email not in text and "prompt" not in text and "keywords" not in text
    public = seen[0].json()
    assert public["plan"] is None and public["brief_id"] is None
    assert {public["title"], public["artist"], public["genre"], public["style"]} >= {"Harbour"}
    assert set(public["palette"]) == {"background", "primary", "secondary", "accent", "ink"}
    assert [c["id"] for c in seen[2].json()["items"]] == [cover["id"]]
    # The owner still sees everything.
    assert client.get(f"/v1/covers/{cover['id']}", headers=auth).json()["plan"] == \
        owner_view["plan"]
