"""``GET /v1/covers/{id}/kit``: the release kit as a streamed ZIP, scoped like the image."""

from __future__ import annotations

import io
import zipfile

from fastapi.testclient import TestClient
from PIL import Image

from tests.service.fixtures import finished_job, new_user


def test_kit_is_a_zip_of_every_format_for_owner_then_public(client: TestClient,
                                                             auth: dict[str, str]) -> None:
    cover = finished_job(client, auth, count=1)["covers"][0]
    url = f"/v1/covers/{cover['id']}/kit"
    stranger = new_user(client)
    assert client.get(url, headers=stranger).status_code == 404
    assert client.get(url).status_code == 404

    response = client.get(url, headers=auth)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.testzip() is None
        sizes = {}
        for name in archive.namelist():
            with Image.open(io.BytesIO(archive.read(name))) as image:
                sizes[name] = image.size
    assert sizes == {"cover-3000x3000.jpg": (3000, 3000), "feed-1080x1350.jpg": (1080, 1350),
                     "story-1080x1920.jpg": (1080, 1920), "video-1920x1080.jpg": (1920, 1080),
                     "header-1500x500.jpg": (1500, 500)}

    client.patch(f"/v1/covers/{cover['id']}", json={"is_public": True}, headers=auth)
    public = client.get(url)
    assert public.status_code == 200
    # Made once, then read from the store: the same bytes.
    assert public.content == response.content


def test_kit_of_an_unknown_cover_is_a_problem_404(client: TestClient,
                                                   auth: dict[str, str]) -> None:
    response = client.get("/v1/covers/nope/kit", headers=auth)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
