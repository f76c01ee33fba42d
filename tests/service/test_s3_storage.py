"""Object storage: the same blob-store contract on local files and on S3 (a local moto server,
through s3fs), and the service on S3 end to end — jobs, image variants, ETags, deletion."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sleeve.config import Settings
from sleeve.storage import BlobNotFoundError, BlobStore
from tests.service.fixtures import finished_job, new_user
from tests.service.s3 import S3Server


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobStore]:
    if request.param == "file":
        yield BlobStore(f"file://{tmp_path / 'blobs'}")
        return
    server: S3Server = request.getfixturevalue("s3_server")
    yield BlobStore(server.url(), server.options())


def test_the_blob_store_contract(store: BlobStore) -> None:
    store.ping()
    key = "covers/abc/master.jpg"
    assert not store.exists(key)
    with pytest.raises(BlobNotFoundError):
        store.get(key)
    with pytest.raises(BlobNotFoundError):
        store.chunks(key)
    data = bytes(range(256)) * 5000  # 1.28 MB: more than one chunk
    store.put(key, data)
    assert store.exists(key) and store.get(key) == data
    assert b"".join(store.chunks(key, size=1 << 18)) == data
    store.put(key, b"second")  # overwrite
    assert store.get(key) == b"second"
    store.put("covers/abc/w256.png", b"v")
    store.delete(key)
    store.delete(key)  # deleting what is gone is fine
    assert not store.exists(key) and store.exists("covers/abc/w256.png")
    # A prefix (a subject's folder) is listed and deleted whole, and nothing beside it.
    for name in ("subjects/s1/photos/p/original.jpg", "subjects/s1/lora/w.safetensors",
                 "subjects/s10/photos/q/original.jpg"):
        store.put(name, b"x")
    assert store.keys("subjects/s1/") == [
        "subjects/s1/lora/w.safetensors", "subjects/s1/photos/p/original.jpg"]
    store.delete_prefix("subjects/s1/")
    store.delete_prefix("subjects/none/")
    assert store.keys("subjects/s1/") == []
    assert store.keys() == ["covers/abc/w256.png", "subjects/s10/photos/q/original.jpg"]


def test_a_store_with_wrong_credentials_says_so(s3_server: S3Server) -> None:
    store = BlobStore(s3_server.url(), {**s3_server.options(), "endpoint_url":
                                        "http://127.0.0.1:9"})  # nothing listens there
    with pytest.raises(OSError):
        store.ping()


def test_storage_options_must_be_a_json_object() -> None:
    with pytest.raises(ValueError, match="JSON object"):
        Settings(storage_options="[1, 2]")
    with pytest.raises(ValueError, match="JSON object"):
        Settings(storage_options="{nope")
    assert Settings(storage_options='{"anon": true}').storage_options_dict() == {"anon": True}


@pytest.mark.postgres
def test_the_service_on_s3(make_client: Callable[..., TestClient], s3_server: S3Server) -> None:
    prefix = f"svc-{uuid.uuid4().hex[:8]}"
    client = make_client(storage_url=s3_server.url(prefix),
                         storage_options=s3_server.options_json())
    headers = new_user(client)
    job = finished_job(client, headers, count=2)
    ids = [c["id"] for c in job["covers"]]
    stored = s3_server.keys(prefix + "/")
    assert {f"{prefix}/covers/{i}/master.jpg" for i in ids} <= set(stored), stored

    master = client.get(f"/v1/covers/{ids[0]}/image", headers=headers)
    assert master.status_code == 200 and master.content[:2] == b"\xff\xd8"
    etag = master.headers["etag"]
    again = client.get(f"/v1/covers/{ids[0]}/image", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304

    # An image variant is made by a worker and kept in the bucket beside the master.
    variant = None
    for _ in range(300):
        variant = client.get(f"/v1/covers/{ids[0]}/image?size=128&format=png", headers=headers)
        if variant.status_code == 200:
            break
        assert variant.status_code == 202
    assert variant is not None and variant.status_code == 200
    assert variant.content[:4] == b"\x89PNG"
    after = set(s3_server.keys(f"{prefix}/covers/{ids[0]}/"))
    assert {f"{prefix}/covers/{ids[0]}/master.jpg",
            f"{prefix}/covers/{ids[0]}/128.png"} <= after, after
    cached = client.get(f"/v1/covers/{ids[0]}/image?size=128&format=png",
                        headers={**headers, "If-None-Match": variant.headers["etag"]})
    assert cached.status_code == 304

    # Deletion reaches the bucket.
    store = BlobStore(s3_server.url(prefix), s3_server.options())
    for key in after:
        store.delete(key.removeprefix(prefix + "/"))
    assert s3_server.keys(f"{prefix}/covers/{ids[0]}/") == []
    assert client.get(f"/v1/covers/{ids[1]}/image", headers=headers).status_code == 200
