"""One seed range for every layer: a seed the CLI made, replayed through the API, gives the
same bytes; a seed outside ``0 ≤ seed < 2³¹`` is refused by both the same way."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sleeve.cli import app
from sleeve.core.bounds import MAX_SEED, SEED_LIMIT
from tests.service.fixtures import wait_for_job

BRIEF = {"title": "Last Light", "artist": "Mira Sol", "genre": "synthpop"}
STYLE = "aurora"


def test_a_cli_seed_at_the_bound_replays_through_the_api(client: TestClient,
                                                         auth: dict[str, str],
                                                         tmp_path: Path) -> None:
    made = CliRunner().invoke(app, [
        "generate", "--title", BRIEF["title"], "--artist", BRIEF["artist"], "--genre",
        BRIEF["genre"], "--style", STYLE, "--seed", str(MAX_SEED), "--count", "2",
        "--size", "256", "--format", "jpeg", "--json", "--out", str(tmp_path / "out")])
    assert made.exit_code == 0, made.output
    records = [json.loads(line) for line in made.stdout.splitlines() if line.startswith("{")]
    # The second cover's seed wraps to 0 instead of leaving the range.
    assert [r["seed"] for r in records] == [MAX_SEED, 0]

    created = client.post("/v1/jobs", headers=auth, json={
        "brief": BRIEF, "style": STYLE, "seed": records[0]["seed"], "count": 2, "size": 256})
    assert created.status_code == 202, created.text
    job = wait_for_job(client, created.json()["id"], auth)
    assert job["state"] == "succeeded", job
    assert [c["seed"] for c in job["covers"]] == [MAX_SEED, 0]
    for record, cover in zip(records, job["covers"], strict=True):
        master = client.get(f"/v1/covers/{cover['id']}/image", headers=auth)
        assert master.status_code == 200
        assert master.content == Path(record["path"]).read_bytes()


def test_a_seed_out_of_range_is_refused_by_cli_and_api(client: TestClient,
                                                       auth: dict[str, str],
                                                       tmp_path: Path) -> None:
    refused = CliRunner().invoke(app, [
        "generate", "--title", "T", "--artist", "A", "--seed", str(SEED_LIMIT),
        "--out", str(tmp_path / "out")])
    assert refused.exit_code == 2
    assert f"--seed must be between 0 and {MAX_SEED}" in refused.output
    assert not (tmp_path / "out").exists()

    response = client.post("/v1/jobs", headers=auth, json={
        "brief": BRIEF, "seed": SEED_LIMIT, "count": 1, "size": 256})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["body.seed"]
