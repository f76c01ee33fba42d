"""Does Sleeve learn? Simulated listeners with fixed tastes rate covers through the API; one
policy retrain later, the styles they like should be drawn more and rated higher.

    python bench/learning.py [--jobs 50] [--after 30] [--seed 7]

Ballad listeners love ``landscape`` and ``minimal`` and dislike ``glitch``; rock listeners
the opposite (they love ``glitch`` and ``collage``, dislike ``landscape`` and ``minimal``).
Every cover is published by its musician and rated by three listeners of its genre (1–5
stars: the taste plus noise). Phase one runs under the table policy; then ``retrain --kind
policy``; phase two runs under whatever the gate promoted. Prints one JSON object: the
learning curve (mean rating per 100 ratings), and per genre the share of preferred styles
and the expected rating before and after.

The simulation (``simulate``) is also the acceptance test ``tests/learning/test_simulation.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

HERE = Path(__file__).resolve()
RENDER_SIZE = 256  # the smallest a job may ask for: the render is the simulation's cost
COVERS_PER_JOB = 2
LISTENERS = 3
LOVED, HATED, MEH = 5.0, 1.0, 2.5

# genre -> (loved styles, hated styles)
TASTES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "ballad": (frozenset({"landscape", "minimal"}), frozenset({"glitch"})),
    "rock": (frozenset({"glitch", "collage"}), frozenset({"landscape", "minimal"})),
}
LYRICS = {
    "ballad": "tears fall alone in the cold night, I miss you, goodbye",
    "rock": "scream and burn, we break the chains, fire in the street",
}


class Client(Protocol):
    def get(self, url: str, **kwargs: Any) -> Any: ...

    def post(self, url: str, **kwargs: Any) -> Any: ...

    def patch(self, url: str, **kwargs: Any) -> Any: ...


def taste(genre: str, style: str) -> float:
    loved, hated = TASTES[genre]
    return LOVED if style in loved else HATED if style in hated else MEH


def rating(genre: str, style: str, rng: np.random.Generator) -> int:
    return int(np.clip(np.rint(taste(genre, style) + rng.normal(0, 0.6)), 1, 5))


def register(client: Client) -> dict[str, str]:
    email, password = f"sim{uuid.uuid4().hex[:12]}@example.com", "correct horse battery"
    assert client.post("/v1/auth/register", json={"email": email,
                                                  "password": password}).status_code == 201
    token = client.post("/v1/auth/login", json={"email": email,
                                                "password": password}).json()["access_token"]
    client.cookies.clear()  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Phase:
    styles: dict[str, list[str]] = field(default_factory=lambda: {g: [] for g in TASTES})
    ratings: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for genre, styles in self.styles.items():
            loved = TASTES[genre][0]
            out[genre] = {
                "covers": len(styles),
                "preferred_share": round(sum(s in loved for s in styles) / len(styles), 3),
                "expected_rating": round(float(np.mean([taste(genre, s) for s in styles])), 3),
            }
        out["mean_rating"] = round(float(np.mean(self.ratings)), 3)
        return out


def _wait(client: Client, job_id: str, headers: dict[str, str], timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/v1/jobs/{job_id}", headers=headers).json()
        if job["state"] in {"succeeded", "failed", "cancelled"}:
            assert job["state"] == "succeeded", job
            return job
        if time.monotonic() > deadline:
            raise TimeoutError(f"job {job_id} still {job['state']}")
        time.sleep(0.02)


def run_phase(client: Client, jobs_per_genre: int, rng: np.random.Generator,
              musicians: dict[str, dict[str, str]],
              listeners: dict[str, list[dict[str, str]]], offset: int) -> Phase:
    """Every genre's musician makes ``jobs_per_genre`` jobs; listeners rate every cover."""
    phase = Phase()
    made: list[tuple[str, str]] = []
    for i in range(jobs_per_genre):
        for genre, headers in musicians.items():
            body = {"brief": {"title": f"Track {offset + i}", "artist": "The Simulated",
                              "genre": genre, "lyrics": LYRICS[genre]},
                    "count": COVERS_PER_JOB, "size": RENDER_SIZE, "seed": offset + i}
            created = client.post("/v1/jobs", json=body, headers=headers)
            assert created.status_code == 202, created.text
            made.append((genre, created.json()["id"]))
    for genre, job_id in made:
        job = _wait(client, job_id, musicians[genre], timeout=120)
        for cover in job["covers"]:
            phase.styles[genre].append(cover["style"])
            client.patch(f"/v1/covers/{cover['id']}", json={"is_public": True},
                         headers=musicians[genre])
            for listener in listeners[genre]:
                stars = rating(genre, cover["style"], rng)
                done = client.post(f"/v1/covers/{cover['id']}/reviews",
                                   json={"rating": stars}, headers=listener)
                assert done.status_code == 201, done.text
                phase.ratings.append(stars)
    return phase


def simulate(client: Client, retrain: Callable[[], dict[str, Any]], *, jobs_before: int = 50,
             jobs_after: int = 30, seed: int = 7) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    musicians = {genre: register(client) for genre in TASTES}
    listeners = {genre: [register(client) for _ in range(LISTENERS)] for genre in TASTES}
    before = run_phase(client, jobs_before, rng, musicians, listeners, offset=0)
    retrained = retrain()
    after = run_phase(client, jobs_after, rng, musicians, listeners, offset=10_000)
    ratings = before.ratings + after.ratings
    curve = [round(float(np.mean(ratings[i:i + 100])), 3) for i in range(0, len(ratings), 100)]
    return {"seed": seed, "ratings_before_retrain": len(before.ratings),
            "retrain": {k: retrained.get(k) for k in ("outcome", "version", "reason")},
            "before": before.summary(), "after": after.summary(),
            "curve_per_100_ratings": curve}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=50, help="jobs per genre before retrain")
    parser.add_argument("--after", type=int, default=30, help="jobs per genre after retrain")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parents[1]))
    from fastapi.testclient import TestClient

    from sleeve.api.app import create_app
    from sleeve.config import Settings
    from sleeve.db.migrate import upgrade_database
    from sleeve.service import models

    with tempfile.TemporaryDirectory(prefix="sleeve-learning-") as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/sleeve.db",
                            storage_url=f"file://{tmp}/blobs", job_poll_s=0.02,
                            rate_limit_jobs_per_minute=100_000, model_cache_dir=f"{tmp}/models")
        upgrade_database(settings)
        app = create_app(settings)
        with TestClient(app) as client:
            services = app.state.services
            report = simulate(
                client, lambda: models.retrain(services, "policy", actor="bench").as_dict(),
                jobs_before=args.jobs, jobs_after=args.after, seed=args.seed)
    sys.stdout.write(json.dumps(report) + "\n")


if __name__ == "__main__":
    main()
