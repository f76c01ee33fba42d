"""Proof that Sleeve learns: simulated listeners with fixed tastes rate covers through the
API; after one `sleeve retrain --kind policy`, new covers lean to the styles they like.

The simulation is bench/learning.py's (ballad listeners love landscape and minimal and hate
glitch; rock listeners love glitch and collage and hate landscape and minimal), seed 7:
40 jobs of 2 covers at 256 px, each cover rated by 3 listeners (240 ratings), a retrain,
then 20 more jobs. Measured (SQLite, this seed): preferred share 0.35 → 0.95 (ballad),
0.425 → 0.85 (rock); mean rating 3.20 → 4.59.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bench.learning import simulate
from sleeve.cli import app
from sleeve.config import Settings, get_settings

SHARE_RISE = 0.3
RATING_RISE = 0.5


# The simulation runs once, on SQLite; the other learning tests cover PostgreSQL.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_ratings_and_one_retrain_shift_covers_to_the_styles_listeners_like(
    make_client: Callable[..., TestClient], settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = make_client(job_poll_s=0.02)
    monkeypatch.setenv("SLEEVE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SLEEVE_STORAGE_URL", settings.storage_url)

    def retrain() -> dict[str, Any]:
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(app, ["retrain", "--kind", "policy", "--json"])
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        outcome: dict[str, Any] = json.loads(result.stdout)[0]
        return outcome

    report = simulate(client, retrain, jobs_before=20, jobs_after=10, seed=7)
    assert report["ratings_before_retrain"] == 240
    assert report["retrain"]["outcome"] == "promoted", report["retrain"]
    before, after = report["before"], report["after"]
    for genre in ("ballad", "rock"):
        rise = after[genre]["preferred_share"] - before[genre]["preferred_share"]
        assert rise >= SHARE_RISE, (genre, before[genre], after[genre])
    assert after["mean_rating"] - before["mean_rating"] >= RATING_RISE, report
    assert len(report["curve_per_100_ratings"]) == 4
