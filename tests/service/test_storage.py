"""The blob store: round trips, bad keys refused, writes atomic."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from sleeve.storage import BlobNotFoundError, BlobStore, InvalidKeyError


def test_round_trip_and_missing(tmp_path: Path) -> None:
    store = BlobStore(f"file://{tmp_path}/blobs")
    store.put("covers/a/master.jpg", b"abc")
    assert store.get("covers/a/master.jpg") == b"abc"
    assert store.exists("covers/a/master.jpg") and not store.exists("covers/b")
    store.delete("covers/a/master.jpg")
    with pytest.raises(BlobNotFoundError):
        store.get("covers/a/master.jpg")
    store.ping()


def test_a_prefix_is_listed_and_deleted_whole_and_nothing_beside_it(tmp_path: Path) -> None:
    store = BlobStore(f"file://{tmp_path}/blobs")
    for key in ("subjects/a/photos/1/original.jpg", "subjects/a/lora/w.safetensors",
                "subjects/ab/photos/2/original.jpg", "covers/c/master.jpg"):
        store.put(key, b"x")
    assert store.keys("subjects/a/") == [
        "subjects/a/lora/w.safetensors", "subjects/a/photos/1/original.jpg"]
    with pytest.raises(InvalidKeyError):
        store.delete_prefix("subjects/a")  # without the slash it would also name subjects/ab
    store.delete_prefix("subjects/a/")
    store.delete_prefix("subjects/never/")
    assert store.keys() == ["covers/c/master.jpg", "subjects/ab/photos/2/original.jpg"]
    assert store.keys("subjects/a/") == []


@pytest.mark.parametrize("key", ["../escape", "a/../../b", "/abs", "", "a b", "x" * 400])
def test_bad_keys(tmp_path: Path, key: str) -> None:
    with pytest.raises(InvalidKeyError):
        BlobStore(f"file://{tmp_path}").put(key, b"x")


def test_readers_never_see_partial_blobs(tmp_path: Path) -> None:
    store = BlobStore(f"file://{tmp_path}")
    big = [bytes([i]) * 2_000_000 for i in range(1, 6)]
    store.put("k", big[0])
    seen: list[int] = []  # the first byte of every blob the reader got, in order
    torn: list[str] = []  # what was wrong with any blob that was not one whole write
    stop = threading.Event()

    def read_one() -> None:
        data = store.get("k")
        if len(data) != 2_000_000 or data.count(data[:1]) != len(data):
            torn.append(f"{len(data)} bytes, first {data[:1]!r}")
        seen.append(data[0])

    def reader() -> None:
        # Reads until told to stop; the last read comes after every write is done.
        while not stop.is_set():
            read_one()
        read_one()

    thread = threading.Thread(target=reader)
    thread.start()
    writes = big[1:] * 3
    for blob in writes:
        store.put("k", blob)
    stop.set()
    thread.join()
    # Checked here, in the test's thread: an assertion in the reader would only warn.
    assert torn == []
    assert set(seen) <= {blob[0] for blob in big}  # only whole blobs that were written
    assert seen[-1] == writes[-1][0]  # and the read after the last write sees that write
    assert [p.name for p in tmp_path.iterdir()] == ["k"]  # no temp file left behind


def test_unusable_store_urls_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="SLEEVE_STORAGE_URL"):
        BlobStore("nosuchproto://bucket/x")
