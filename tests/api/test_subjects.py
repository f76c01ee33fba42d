"""Subjects over HTTP: consent, photo intake with reasons, owner scoping, real deletion."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from sleeve.db.engine import transaction
from sleeve.db.models import ApiToken, BriefRow, Cover, Job, Review, Subject, SubjectPhotoRow
from sleeve.schemas.subjects import MAX_PHOTOS
from sleeve.service.errors import NotFound
from sleeve.service.subjects import subject_photos
from sleeve.storage import BlobStore
from tests.photos import faces
from tests.service.fixtures import finished_job, new_user


def _store(client: TestClient) -> BlobStore:
    store: BlobStore = client.app.state.services.store  # type: ignore[attr-defined]
    return store


def _subject(client: TestClient, auth: dict[str, str], name: str = "Luna") -> dict[str, Any]:
    made = client.post("/v1/subjects", json={"name": name, "consent": True}, headers=auth)
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def _upload(client: TestClient, auth: dict[str, str], subject_id: str, data: bytes,
            name: str = "me.jpg", media: str = "image/jpeg") -> Any:
    return client.post(f"/v1/subjects/{subject_id}/photos", files={"file": (name, data, media)},
                       headers=auth)


@pytest.fixture
def subjects_client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(embedded_worker=False)


def test_a_subject_needs_explicit_consent(subjects_client: TestClient) -> None:
    client, auth = subjects_client, new_user(subjects_client)
    missing = client.post("/v1/subjects", json={"name": "Luna"}, headers=auth)
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["body.consent"]
    refused = client.post("/v1/subjects", json={"name": "Luna", "consent": False}, headers=auth)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["body.consent"]
    made = _subject(client, auth)
    assert made["consented_at"] is not None and made["photos"] == []
    assert made["max_photos"] == MAX_PHOTOS
    assert client.get("/v1/subjects", headers=auth).json() == [made]


def test_an_accepted_photo_is_stored_clean_with_crop_and_thumbnail(
        subjects_client: TestClient) -> None:
    client, auth = subjects_client, new_user(subjects_client)
    subject = _subject(client, auth)
    sent = faces.with_gps(faces.astronaut())
    assert b"secret" in sent and b"CameraMaker" in sent
    made = _upload(client, auth, subject["id"], sent)
    assert made.status_code == 201, made.text
    photo = made.json()
    assert photo["verdict"] == "accepted" and photo["width"] == 512
    left, top, width, _ = photo["face"]
    assert 150 < left + width / 2 < 300 and 60 < top < 140  # the astronaut's face
    shown = client.get(f"/v1/subjects/{subject['id']}", headers=auth).json()
    assert shown["photos"] == [photo]
    thumbnail = client.get(photo["thumbnail_url"], headers=auth)
    assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumbnail.content)).size) == 320
    # What compositing and training read: the cleaned photo and the crop, with face boxes.
    services = client.app.state.services  # type: ignore[attr-defined]
    me = client.get("/v1/me", headers=auth).json()["id"]
    (stored,) = subject_photos(services, me, subject["id"])
    assert stored.id == photo["id"] and stored.face.to_list() == photo["face"]
    assert Image.open(io.BytesIO(stored.original)).size == (512, 512)
    crop = Image.open(io.BytesIO(stored.crop))
    assert crop.width == crop.height and stored.crop_face.width < crop.width
    with pytest.raises(NotFound):
        subject_photos(services, client.get("/v1/me", headers=new_user(client)).json()["id"],
                       subject["id"])
    prefix = f"subjects/{subject['id']}/photos/{photo['id']}/"
    keys = _store(client).keys(prefix)
    assert keys == [prefix + name for name in ("face.jpg", "original.jpg", "thumbnail.jpg")]
    for key in keys:
        data = _store(client).get(key)
        image = Image.open(io.BytesIO(data))
        # No EXIF (so no GPS), no XMP, no comment, no ICC: the bytes hold none of it.
        assert not image.getexif() and b"secret" not in data and b"CameraMaker" not in data
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)


REFUSALS: list[tuple[Callable[[], bytes], int, str]] = [
    (faces.gif, 415, "unsupported"),
    (faces.html_named_jpg, 415, "unsupported"),
    (lambda: faces.png_declaring(50_000, 50_000), 422, "too-many-pixels"),
    (faces.truncated, 422, "damaged"),
    (faces.two_faces, 422, "several-faces"),
    (faces.no_face, 422, "no-face"),
    (faces.small_face, 422, "face-too-small"),
]


def test_a_refused_photo_is_a_problem_naming_its_reason(subjects_client: TestClient) -> None:
    client, auth = subjects_client, new_user(subjects_client)
    subject = _subject(client, auth)
    for make, status, reason in REFUSALS:
        refused = _upload(client, auth, subject["id"], make())
        assert refused.status_code == status, (reason, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["reason"] == reason and refused.json()["detail"].startswith("file:")
    assert _store(client).keys(f"subjects/{subject['id']}/") == []
    assert client.get(f"/v1/subjects/{subject['id']}", headers=auth).json()["photos"] == []


def test_a_photo_over_15_mb_is_refused_before_it_is_read(subjects_client: TestClient) -> None:
    client, auth = subjects_client, new_user(subjects_client)
    subject = _subject(client, auth)
    big = faces.face_jpeg() + b"\0" * (15 * 1024 * 1024)
    refused = _upload(client, auth, subject["id"], big)
    assert refused.status_code == 413 and "15" in refused.json()["detail"]


def test_one_photo_per_request(subjects_client: TestClient) -> None:
    client, auth = subjects_client, new_user(subjects_client)
    subject = _subject(client, auth)
    photo = faces.face_jpeg(160)
    both = client.post(f"/v1/subjects/{subject['id']}/photos", headers=auth, files=[
        ("file", ("a.jpg", photo, "image/jpeg")), ("file", ("b.jpg", photo, "image/jpeg"))])
    assert both.status_code == 422 and "one photo" in both.json()["detail"]


def test_a_subject_takes_at_most_20_photos(subjects_client: TestClient) -> None:
    client, auth = subjects_client, new_user(subjects_client)
    subject = _subject(client, auth)
    photo = faces.face_jpeg(160)
    for _ in range(MAX_PHOTOS):
        assert _upload(client, auth, subject["id"], photo).status_code == 201
    full = _upload(client, auth, subject["id"], photo)
    assert full.status_code == 409 and str(MAX_PHOTOS) in full.json()["detail"]
    assert len(_store(client).keys(f"subjects/{subject['id']}/")) == 3 * MAX_PHOTOS


def test_another_user_finds_nothing(subjects_client: TestClient) -> None:
    client, owner, other = subjects_client, new_user(subjects_client), new_user(subjects_client)
    subject = _subject(client, owner)
    photo = _upload(client, owner, subject["id"], faces.face_jpeg(160)).json()
    base = f"/v1/subjects/{subject['id']}"
    assert client.get(base, headers=other).status_code == 404
    assert client.get(photo["thumbnail_url"], headers=other).status_code == 404
    assert _upload(client, other, subject["id"], faces.face_jpeg(160)).status_code == 404
    assert client.delete(f"{base}/photos/{photo['id']}", headers=other).status_code == 404
    assert client.delete(base, headers=other).status_code == 404
    assert client.get("/v1/subjects", headers=other).json() == []
    assert client.get(base, headers=owner).json()["photos"] == [photo]


def test_deleting_a_photo_deletes_its_files(subjects_client: TestClient) -> None:
    client, auth = subjects_client, new_user(subjects_client)
    subject = _subject(client, auth)
    kept = _upload(client, auth, subject["id"], faces.face_jpeg(160)).json()
    gone = _upload(client, auth, subject["id"], faces.face_jpeg(200)).json()
    deleted = client.delete(f"/v1/subjects/{subject['id']}/photos/{gone['id']}", headers=auth)
    assert deleted.status_code == 204
    keys = _store(client).keys(f"subjects/{subject['id']}/")
    assert keys and not [k for k in keys if gone["id"] in k]
    assert all(f"/photos/{kept['id']}/" in k for k in keys)
    assert client.get(gone["thumbnail_url"], headers=auth).status_code == 404
    assert [p["id"] for p in client.get(f"/v1/subjects/{subject['id']}",
                                        headers=auth).json()["photos"]] == [kept["id"]]


def test_deleting_a_subject_deletes_every_file_and_keeps_covers(client: TestClient) -> None:
    auth = new_user(client)
    subject = _subject(client, auth)
    _upload(client, auth, subject["id"], faces.face_jpeg(160))
    store = _store(client)
    # What training leaves beside the photos (class images, LoRA weights) lives there too.
    store.put(f"subjects/{subject['id']}/lora/weights.safetensors", b"weights")
    job = finished_job(client, auth, count=1, subject_id=subject["id"])
    assert job["subject_id"] == subject["id"]
    assert client.delete(f"/v1/subjects/{subject['id']}", headers=auth).status_code == 204
    assert store.keys(f"subjects/{subject['id']}/") == []
    assert client.get(f"/v1/subjects/{subject['id']}", headers=auth).status_code == 404
    again = client.get(f"/v1/jobs/{job['id']}", headers=auth).json()
    assert again["subject_id"] is None and [c["id"] for c in again["covers"]] == [
        c["id"] for c in job["covers"]]
    assert client.get(job["covers"][0]["image_url"], headers=auth).status_code == 200
    with transaction(client.app.state.services.sessions) as session:  # type: ignore[attr-defined]
        assert session.get(Subject, subject["id"]) is None
        assert not session.scalars(select(SubjectPhotoRow).where(
            SubjectPhotoRow.subject_id == subject["id"])).all()


def test_deleting_my_account_leaves_nothing_of_me(client: TestClient) -> None:
    me, other = new_user(client), new_user(client)
    my_id = client.get("/v1/me", headers=me).json()["id"]
    store = _store(client)
    theirs = finished_job(client, other, count=1)["covers"][0]
    client.patch(f"/v1/covers/{theirs['id']}", json={"is_public": True}, headers=other)
    client.post(f"/v1/covers/{theirs['id']}/reviews", json={"rating": 5}, headers=other)
    assert client.post(f"/v1/covers/{theirs['id']}/reviews", json={"rating": 1},
                       headers=me).status_code == 201
    subject = _subject(client, me)
    _upload(client, me, subject["id"], faces.face_jpeg(160))
    mine = finished_job(client, me, count=2, subject_id=subject["id"])["covers"]
    client.post(f"/v1/covers/{mine[0]['id']}/reviews", json={"rating": 4}, headers=other)
    client.post("/v1/me/tokens", json={"name": "script"}, headers=me)
    their_keys = store.keys(f"covers/{theirs['id']}/")
    assert their_keys and store.keys(f"covers/{mine[0]['id']}/")

    assert client.delete("/v1/me", headers=me).status_code == 204
    assert client.get("/v1/me", headers=me).status_code == 401
    everything = store.keys()
    mine_ids = [subject["id"], *(c["id"] for c in mine)]
    assert not [key for key in everything if any(i in key for i in mine_ids)]
    assert store.keys(f"covers/{theirs['id']}/") == their_keys
    after = client.get(f"/v1/covers/{theirs['id']}", headers=other).json()
    assert (after["rating_avg"], after["rating_count"]) == (5.0, 1)
    with transaction(client.app.state.services.sessions) as session:  # type: ignore[attr-defined]
        for table in (Job, Cover, BriefRow, Review, Subject, SubjectPhotoRow, ApiToken):
            assert not session.scalars(
                select(table).where(table.user_id == my_id)).all(), table  # type: ignore[attr-defined]
