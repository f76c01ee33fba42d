"""POST /v1/jobs with the track: multipart, the features in the plans, bad audio is a 4xx."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.audio.conftest import clicks, encode
from tests.service.fixtures import job_body, wait_for_job


def _post(client: TestClient, auth: dict[str, str], audio: bytes | None,
          **overrides: object) -> object:
    # (None, text): a plain form field, sent as a multipart part like `curl -F request=...`.
    files: dict[str, tuple[str | None, bytes | str, str | None]] = {
        "request": (None, json.dumps(job_body(**{"count": 1, **overrides})), None)}
    if audio is not None:
        files["audio"] = ("song.wav", audio, "audio/wav")
    return client.post("/v1/jobs", headers=auth, files=files)


def test_a_job_with_its_track_gets_plans_steered_by_the_audio_and_the_audio_is_not_kept(
        client: TestClient, auth: dict[str, str], tmp_path: Path) -> None:
    created = _post(client, auth, encode(clicks(150, seconds=6)))
    assert created.status_code == 202, created.text  # type: ignore[attr-defined]
    done = wait_for_job(client, created.json()["id"], auth)  # type: ignore[attr-defined]
    assert done["state"] == "succeeded", done["error"]
    cover = client.get(f"/v1/covers/{done['covers'][0]['id']}", headers=auth).json()
    assert abs(cover["plan"]["audio"]["tempo_bpm"] - 150) < 3
    assert abs(cover["plan"]["motion_tempo_bpm"] - 75) < 2
    stored = [p.relative_to(tmp_path / "blobs").as_posix()
              for p in (tmp_path / "blobs").rglob("*") if p.is_file()]
    assert stored and all(key.startswith("covers/") for key in stored)


def test_multipart_without_audio_and_plain_json_both_still_work(
        client: TestClient, auth: dict[str, str]) -> None:
    assert _post(client, auth, None).status_code == 202  # type: ignore[attr-defined]
    assert client.post("/v1/jobs", headers=auth, json=job_body(count=1)).status_code == 202


@pytest.mark.parametrize(("audio", "status", "words"), [
    (b"%PDF-1.7 not music at all", 415, "not an audio file"),
    (b"RIFF\0\0\0\0WAVEfmt " + b"\0" * 64, 422, "damaged"),
    (b"ID3" + b"\0" * (51 * 1024 * 1024), 413, "limit"),
])
def test_bad_audio_gets_a_clear_problem(client: TestClient, auth: dict[str, str],
                                        audio: bytes, status: int, words: str) -> None:
    response = _post(client, auth, audio)
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    problem = response.json()  # type: ignore[attr-defined]
    assert words in problem["detail"] and problem["status"] == status


def test_a_bad_request_field_in_multipart_is_a_422_naming_the_field(
        client: TestClient, auth: dict[str, str]) -> None:
    response = _post(client, auth, encode(clicks(100, seconds=3)), count=99)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "count" in response.json()["detail"]  # type: ignore[attr-defined]
