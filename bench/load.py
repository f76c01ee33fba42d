"""Mixed-traffic load: jobs created, polled and streamed, the gallery, cover images with and
without an ETag, all at once, against a real Sleeve server on loopback.

    python bench/load.py [--rate 200] [--seconds 60] [--database-url URL] [--out FILE]

The server is ``python -m sleeve.api.server`` in the default embedded deployment (SQLite,
local blobs, a local queue whose worker processes render the jobs created during the run),
or PostgreSQL with ``--database-url``. The open-loop generator (``bench/api.py``) runs in a
separate process and sends each request at its scheduled time whatever the server's speed;
latency counts from that time. Prints one JSON object: errors (transport failures and any
status other than the one each kind expects) and p50/p95/p99 per kind. Targets: 0 errors,
reads p99 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench.api import (  # noqa: E402 - the repository must be on the path first
    create_job,
    free_port,
    http,
    load_in_process,
    login,
    start,
    summarize,
)

# Kind: (share of the traffic, the status it must answer). Creates are few and small: each
# is rendered by the server's own workers during the run, as in the default deployment.
MIX: dict[str, tuple[float, int]] = {
    "create_job": (0.03, 202),
    "poll_job": (0.35, 200),
    "job_events_sse": (0.05, 200),
    "gallery": (0.17, 200),
    "image": (0.20, 200),
    "image_etag": (0.20, 304),
}
READS = ("poll_job", "job_events_sse", "gallery", "image", "image_etag")
SEED_JOBS = 6


def _setup(url: str) -> tuple[str, list[str], list[tuple[str, str]]]:
    """A user, finished jobs and their public covers. Returns (token, job ids,
    [(cover id, image ETag)])."""
    token = login(url, f"load-{uuid.uuid4().hex[:8]}@example.com")
    auth = {"Authorization": f"Bearer {token}"}
    body = json.dumps({"brief": {"title": "Midnight Rain", "artist": "Luna Vale",
                                 "genre": "ballad"}, "count": 2, "size": 256,
                       "style": "swiss"}).encode()
    jobs = [create_job(url, token, body) for _ in range(SEED_JOBS)]
    covers: list[tuple[str, str]] = []
    deadline = time.monotonic() + 300
    for job_id in jobs:
        while (job := httpx.get(f"{url}/v1/jobs/{job_id}", headers=auth).json())["state"] in (
                "queued", "running"):
            if time.monotonic() > deadline:
                raise SystemExit(f"seed job {job_id} did not finish")
            time.sleep(0.2)
        if job["state"] != "succeeded":
            raise SystemExit(f"seed job {job_id}: {job}")
        for cover in job["covers"]:
            httpx.patch(f"{url}/v1/covers/{cover['id']}", json={"is_public": True},
                        headers=auth).raise_for_status()
            image = httpx.get(f"{url}/v1/covers/{cover['id']}/image", headers=auth)
            image.raise_for_status()
            covers.append((cover["id"], image.headers["etag"]))
    return token, jobs, covers


def _requests(count: int, token: str, jobs: list[str], covers: list[tuple[str, str]],
              seed: int) -> tuple[list[str], list[str]]:
    """``count`` raw requests in the mix's shares, shuffled; and the kind of each."""
    chooser = random.Random(seed)
    body = json.dumps({"brief": {"title": "Load", "artist": "Bench", "genre": "ballad"},
                       "count": 1, "size": 256, "style": "swiss"}).encode()
    kinds = chooser.choices(list(MIX), weights=[share for share, _ in MIX.values()], k=count)
    raws = [_request(kind, token, body, chooser.choice(jobs), *chooser.choice(covers))
            for kind in kinds]
    return raws, kinds


def _request(kind: str, token: str, body: bytes, job_id: str, cover_id: str,
             etag: str) -> str:
    if kind == "create_job":
        return http("POST", "/v1/jobs", token, body)
    if kind == "poll_job":
        return http("GET", f"/v1/jobs/{job_id}", token)
    if kind == "job_events_sse":
        return http("GET", f"/v1/jobs/{job_id}/events", token)
    if kind == "gallery":
        return http("GET", "/v1/gallery?limit=24")
    extra = (f"If-None-Match: {etag}",) if kind == "image_etag" else ()
    return http("GET", f"/v1/covers/{cover_id}/image", extra=extra)


def _report(result: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    kinds: dict[str, Any] = {}
    errors = 0
    for kind, (_share, expected) in MIX.items():
        run = result["by_label"].get(kind)
        if run is None:
            continue
        figures = summarize([run]) if run["latencies_ms"] else {"requests": 0}
        wrong = sum(n for code, n in run["status"].items() if code != str(expected))
        errors += wrong
        kinds[kind] = {"expected_status": expected, "errors": wrong, **figures}
    reads = summarize([{**result, "latencies_ms": [
        x for kind in READS if kind in result["by_label"]
        for x in result["by_label"][kind]["latencies_ms"]]}])
    return {
        "benchmark": "load", "rate_rps": args.rate, "seconds": args.seconds,
        "database": "postgresql" if args.database_url else "sqlite (embedded default)",
        "queue": "local, embedded worker processes rendering the created jobs",
        "cpus": os.cpu_count(), "requests": sum(result["status"].values()),
        "achieved_rps": round(sum(result["status"].values()) / result["elapsed_s"], 1),
        "errors": errors, "status": result["status"],
        "reads": {k: reads[k] for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")},
        "kinds": kinds,
        "targets": {"zero_errors": errors == 0, "reads_p99_le_50ms": reads["p99_ms"] <= 50.0},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--database-url", help="PostgreSQL instead of the embedded SQLite")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if not 1 <= args.rate <= 2000 or not 1 <= args.seconds <= 600:
        raise SystemExit("--rate must be 1–2000 and --seconds 1–600")

    tmp = Path(tempfile.mkdtemp(prefix="sleeve-load-"))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (os.environ.get("PYTHONPATH", ""), str(REPO)) if p),
        "SLEEVE_DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'load.db'}",
        "SLEEVE_STORAGE_URL": f"file://{tmp / 'blobs'}", "SLEEVE_QUEUE": "local",
        "SLEEVE_RATE_LIMIT_JOBS_PER_MINUTE": "1000000"}
    subprocess.run([sys.executable, "-m", "sleeve", "db", "upgrade"], env=env, check=True,
                   capture_output=True)
    server = start([sys.executable, "-m", "sleeve.api.server", "--port", str(port)], env,
                   tmp / "server.log", port, timeout_s=120)
    try:
        url = f"http://127.0.0.1:{port}"
        token, jobs, covers = _setup(url)
        warm, warm_kinds = _requests(int(args.rate * 2), token, jobs, covers, args.seed + 1)
        load_in_process(port, warm, args.rate, warm_kinds)
        raws, kinds = _requests(int(args.rate * args.seconds), token, jobs, covers, args.seed)
        result = load_in_process(port, raws, args.rate, kinds, timeout_s=args.seconds + 60)
    finally:
        server.terminate()
        server.wait(30)
    text = json.dumps(_report(result, args), indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
