"""Long fuzzing run: schemathesis over the whole OpenAPI document (``tests/api/fuzzing.py``,
the same runner as the bounded test in ``make test``), with more cases per operation.

    python bench/fuzz.py [--examples 300] [--seed N] [--database-url URL] [--out FILE]

The app runs in process without job workers (generated jobs are stored, not rendered) on a
fresh SQLite file, or on a fresh schema of the PostgreSQL database given. Prints one JSON
object: operations, cases, failures by check, duration; exits 1 if anything failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from fastapi.testclient import TestClient  # noqa: E402 - the repository must be on the path

from sleeve.api.app import create_app  # noqa: E402
from sleeve.config import Settings  # noqa: E402
from sleeve.db.migrate import upgrade_database  # noqa: E402
from tests.api.fuzzing import fuzz  # noqa: E402
from tests.service.fixtures import new_user  # noqa: E402


def _run(database_url: str, blobs: Path, args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings(database_url=database_url, storage_url=f"file://{blobs}",
                        embedded_worker=False, rate_limit_jobs_per_minute=1_000_000)
    upgrade_database(settings)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        auth = new_user(client)
        report = fuzz(client, auth, args.examples, args.seed)
    return {
        "benchmark": "fuzz", "tool": "schemathesis (all checks, positive and negative)",
        "database": database_url.split(":", 1)[0].split("+", 1)[0],
        "examples_per_operation_and_mode": args.examples, "seed": args.seed,
        "operations": report.operations, "cases": report.cases,
        "duration_s": round(report.seconds, 1),
        "cases_per_s": round(report.cases / report.seconds, 1) if report.seconds else None,
        "failures": len(report.failures),
        "failures_by_check": dict(report.failures_by_check),
        "slowest_operations_s": {name: round(seconds, 1) for name, seconds in
                                 report.seconds_by_operation.most_common(5)},
        "failure_reports": [failure[:2000] for failure in report.failures],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300,
                        help="cases per operation and mode (valid, invalid)")
    parser.add_argument("--seed", type=int, help="random seed (default: derandomized)")
    parser.add_argument("--database-url", help="PostgreSQL (a fresh schema is made in it)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if not 1 <= args.examples <= 100_000:
        raise SystemExit("--examples must be 1–100000")
    tmp = Path(tempfile.mkdtemp(prefix="sleeve-fuzz-"))
    if args.database_url is None:
        result = _run(f"sqlite:///{tmp / 'fuzz.db'}", tmp / "blobs", args)
    else:
        schema = f"sleeve_fuzz_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.database_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in args.database_url else "?"
        try:
            result = _run(f"{args.database_url}{sep}options=-csearch_path%3D{schema}",
                          tmp / "blobs", args)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    report = json.dumps(result, indent=2, ensure_ascii=False)
    print(report)
    if args.out:
        args.out.write_text(report + "\n")
    sys.exit(1 if result["failures"] else 0)


if __name__ == "__main__":
    main()
