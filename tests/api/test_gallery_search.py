"""Lists of covers: sort (top, new), search by title or artist, genre and style filters, an
artist's page, cursors that hold to their sort and filters; the same for the user's own."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from sleeve.service.listing import OTHER_CURSOR
from tests.service.fixtures import finished_job, new_user

# Genres no other test publishes in; every query below is narrowed to this test's own artist
# or search text, so covers others publish into the shared database never show up.
GENRE_A, GENRE_B = "trot", "ambient"


def _ids(page: dict[str, Any]) -> list[str]:
    return [c["id"] for c in page["items"]]


def _get(client: TestClient, path: str, headers: dict[str, str] | None = None,
         **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params, headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _all_pages(client: TestClient, path: str, headers: dict[str, str] | None = None,
               **params: Any) -> list[str]:
    """Every id, one cover a page: each page's cursor leads to the next."""
    ids: list[str] = []
    cursor = None
    while True:
        more = {"cursor": cursor} if cursor else {}
        page = _get(client, path, headers, limit=1, **params, **more)
        ids += _ids(page)
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


def test_gallery_sorts_searches_filters_and_pages(client: TestClient,
                                                  auth: dict[str, str]) -> None:
    token = uuid.uuid4().hex[:8]
    artist = f"Vale {token}"
    glass = finished_job(client, auth, count=2, style="swiss", brief={
        "title": "유리 Glass 100%_x", "artist": artist, "genre": GENRE_A})["covers"]
    other = finished_job(client, auth, count=1, style="minimal", brief={
        "title": "Other Song", "artist": artist, "genre": GENRE_B})["covers"][0]
    hidden = finished_job(client, auth, count=1, brief={
        "title": f"Hidden {token}", "artist": artist, "genre": GENRE_A})["covers"][0]
    for cover in [*glass, other]:
        assert client.patch(f"/v1/covers/{cover['id']}", json={"is_public": True},
                            headers=auth).status_code == 200
    stranger = new_user(client)
    assert client.post(f"/v1/covers/{glass[1]['id']}/reviews", json={"rating": 5},
                       headers=stranger).status_code == 201

    # The artist's page: their public covers only (never the private one), newest first.
    newest = _ids(_get(client, "/v1/gallery", artist=artist, sort="new"))
    assert newest[0] == other["id"] and set(newest) == {other["id"], *(c["id"] for c in glass)}
    assert hidden["id"] not in newest
    items = _get(client, "/v1/gallery", artist=artist)["items"]
    created = {c["id"]: c["created_at"] for c in items}
    assert newest == sorted(created, key=lambda i: (created[i], i), reverse=True)
    # Top-rated: the rated cover first.
    assert _ids(_get(client, "/v1/gallery", artist=artist))[0] == glass[1]["id"]
    assert _get(client, "/v1/gallery", artist=artist.upper())["items"] == []  # exact match

    # Search: title or artist, any case, Korean too; % and _ are text, not wildcards.
    glass_ids = {c["id"] for c in glass}
    assert set(_ids(_get(client, "/v1/gallery", q="유리", artist=artist))) == glass_ids
    assert set(_ids(_get(client, "/v1/gallery", q="gLASS", artist=artist))) == glass_ids
    assert set(_ids(_get(client, "/v1/gallery", q="0%_X", artist=artist))) == glass_ids
    assert _get(client, "/v1/gallery", q="Gl_ss", artist=artist)["items"] == []
    assert _get(client, "/v1/gallery", q="Other%Song", artist=artist)["items"] == []
    assert set(_ids(_get(client, "/v1/gallery", q=f"VALE {token.upper()}"))) == set(newest)
    # Filters: genre family and style.
    assert _ids(_get(client, "/v1/gallery", q=token, genre=GENRE_B)) == [other["id"]]
    assert _ids(_get(client, "/v1/gallery", q=token, style="minimal")) == [other["id"]]
    assert set(_ids(_get(client, "/v1/gallery", q=token, genre=GENRE_A, style="swiss"))) \
        == glass_ids

    # Cursors: page by page, each sort gives every cover once, in the order of one page.
    for sort in ("top", "new"):
        whole = _ids(_get(client, "/v1/gallery", q=token, sort=sort))
        assert _all_pages(client, "/v1/gallery", q=token, sort=sort) == whole
    first = _get(client, "/v1/gallery", q=token, sort="new", limit=1)
    for changed in ({"sort": "top"}, {"q": "glass"}, {"genre": GENRE_A}, {"style": "swiss"}):
        refused = client.get("/v1/gallery", params={
            "q": token, "sort": "new", "cursor": first["next_cursor"], **changed})
        assert refused.status_code == 422, changed
        assert refused.json()["detail"] == OTHER_CURSOR


def test_my_covers_search_and_filters(client: TestClient, auth: dict[str, str]) -> None:
    token = uuid.uuid4().hex[:8]
    mine = finished_job(client, auth, count=2, style="swiss", brief={
        "title": f"봄 {token}", "artist": "Mira", "genre": GENRE_A})["covers"]
    later = finished_job(client, auth, count=1, style="minimal", brief={
        "title": "Winter", "artist": f"Mira {token}", "genre": GENRE_B})["covers"][0]
    path = "/v1/me/covers"
    # Private covers too, newest first by default; search matches title or artist.
    found = _ids(_get(client, path, auth, q=token.upper()))
    assert found[0] == later["id"] and set(found) == {later["id"], *(c["id"] for c in mine)}
    assert set(_ids(_get(client, path, auth, q="봄"))) >= {c["id"] for c in mine}
    assert _ids(_get(client, path, auth, q=token, style="minimal")) == [later["id"]]
    assert _ids(_get(client, path, auth, q=token, genre=GENRE_B)) == [later["id"]]
    assert _all_pages(client, path, auth, q=token, sort="top") \
        == _ids(_get(client, path, auth, q=token, sort="top"))
    # Owner-scoped: someone else's search finds none of them; the gallery none (private).
    assert _get(client, path, new_user(client), q=token)["items"] == []
    assert _get(client, "/v1/gallery", q=token)["items"] == []


def test_list_parameters_are_validated(client: TestClient, auth: dict[str, str]) -> None:
    bad: list[dict[str, Any]] = [
        {"sort": "best"}, {"q": "x" * 101}, {"q": "a\x00b"}, {"genre": "x\x1f"},
        {"style": "s" * 51}, {"limit": 0}, {"limit": 101}, {"cursor": "garbage!"},
        {"cursor": "abc.def"},
    ]
    for params in bad:
        for path, headers in (("/v1/gallery", {}), ("/v1/me/covers", auth)):
            response = client.get(path, params=params, headers=headers)
            assert response.status_code == 422, (path, params, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
    # Search text that means something to SQL is only text.
    for q in ("%", "_", "'; DROP TABLE covers; --", "\\", "[a-z]"):
        assert client.get("/v1/gallery", params={"q": q}).status_code == 200
