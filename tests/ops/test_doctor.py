"""`sleeve doctor`: one row per dependency, OK / warn / fail with the fix; exit 1 on a failure."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

from sleeve.cli import app
from sleeve.config import Settings, get_settings
from sleeve.ops.doctor import queue, workers_seen
from tests.ops.process import environment, sleeve, start
from tests.ops.test_startup import empty_postgres  # noqa: F401 - fixture

EVERY_CHECK = {
    "settings", "python", "packages: core", "packages: server", "packages: diffusion", "fonts",
    "fonts: Latin", "fonts: Cyrillic", "fonts: Hangul", "fonts: kana/kanji", "fonts: emoji",
    "database", "storage", "queue", "engine: procedural", "engine: diffusion", "gpu", "memory",
    "tesseract", "llm", "slack", "chromium",
}
REDIS = ("127.0.0.1", 6379)


class Recorder(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint's /models, and a webhook that answers GET with 405."""

    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        Recorder.seen.append((self.path, self.headers.get("Authorization")))
        status = 200 if self.path.endswith("/models") else 405
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"data": []}')

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def local_http() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Recorder.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def doctor_json(cwd: Path, code: int, **settings: str) -> dict[str, dict[str, Any]]:
    result = sleeve("doctor", "--json", cwd=cwd, **settings)
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is (code == 0)
    rows: dict[str, dict[str, Any]] = {}
    for row in report["checks"]:
        rows.setdefault(row["check"], row)  # the first row of a name (settings may repeat)
    return rows


def test_a_healthy_host_passes_with_every_dependency_listed(tmp_path: Path,
                                                             local_http: str) -> None:
    rows = doctor_json(
        tmp_path, 0,
        SLEEVE_DATABASE_URL=f"sqlite:///{tmp_path}/db/sleeve.db",
        SLEEVE_STORAGE_URL=f"file://{tmp_path}/blobs",
        SLEEVE_LLM_URL=f"{local_http}/v1", SLEEVE_LLM_API_KEY="sk-doctor",
        SLEEVE_SLACK_WEBHOOK_URL=f"{local_http}/services/T000/B000/secret-token",
    )
    assert set(rows) >= EVERY_CHECK
    assert all(row["status"] in ("ok", "warn") for row in rows.values())
    assert rows["fonts: Hangul"]["status"] == "ok"
    assert "NotoSansCJK" in rows["fonts: kana/kanji"]["detail"]
    assert "does not exist yet" in rows["database"]["detail"]
    assert rows["llm"]["status"] == "ok" and "HTTP 200" in rows["llm"]["detail"]
    assert rows["slack"]["status"] == "ok"
    assert ("/v1/models", "Bearer sk-doctor") in Recorder.seen
    assert "secret-token" not in json.dumps(rows)
    # Nothing was created: the doctor only looks.
    assert not (tmp_path / "db").exists() and not (tmp_path / "blobs").exists()


@pytest.mark.postgres
def test_failures_name_the_fix_and_exit_1(tmp_path: Path, empty_postgres: str) -> None:  # noqa: F811
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    result = sleeve("doctor", cwd=tmp_path, SLEEVE_DATABASE_URL=empty_postgres,
                    SLEEVE_QUEUE="celery", SLEEVE_BROKER_URL="amqp://guest:pw@127.0.0.1:1//",
                    SLEEVE_FONT_DIR=str(fonts), SLEEVE_SYSTEM_FONTS="false",
                    SLEEVE_LLM_URL="http://127.0.0.1:1/v1")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = {line.split("  ")[0].strip(): line for line in result.stdout.splitlines()}
    assert "fail" in lines["migrations"] and "sleeve db upgrade" in lines["migrations"]
    assert "fail" in lines["broker"] and "127.0.0.1:1" in lines["broker"]
    assert "pw" not in lines["broker"].replace("pw@", "")
    assert "fail" in lines["fonts"] and "apt-get install" in lines["fonts"]
    assert "fail" in lines["fonts: Hangul"]
    # The LLM is optional: unreachable is a warning, the built-in art director takes over.
    assert "warn" in lines["llm"] and "built-in" in lines["llm"]


def test_celery_mode_counts_the_workers_on_this_deployments_queues(tmp_path: Path) -> None:
    try:
        socket.create_connection(REDIS, timeout=2).close()
    except OSError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("Redis unreachable at 127.0.0.1:6379")
    celery = {"SLEEVE_DATABASE_URL": f"sqlite:///{tmp_path}/sleeve.db", "SLEEVE_QUEUE": "celery",
              "SLEEVE_BROKER_URL": "redis://127.0.0.1:6379/0",
              "SLEEVE_CELERY_QUEUE_PREFIX": f"doctor-{uuid.uuid4().hex[:8]}-"}
    settings = Settings(database_url=celery["SLEEVE_DATABASE_URL"], queue="celery",
                        broker_url=celery["SLEEVE_BROKER_URL"],
                        celery_queue_prefix=celery["SLEEVE_CELERY_QUEUE_PREFIX"])
    broker, workers = queue(settings)
    assert broker.status == "ok"
    assert workers.status == "warn" and "no worker consumes" in workers.detail
    assert workers.fix.startswith("sleeve worker")

    worker = start("worker", "--queues", "cpu", cwd=tmp_path, SLEEVE_CONCURRENCY="1", **celery)
    try:
        deadline = time.monotonic() + 60
        seen = workers_seen(settings)
        while "cpu: 1" not in seen.detail and time.monotonic() < deadline:
            assert worker.poll() is None, worker.communicate()[1]
            time.sleep(0.5)
            seen = workers_seen(settings)
    finally:
        worker.terminate()
        worker.communicate(timeout=30)
    # One queue served, the other not: the doctor says which.
    assert seen.status == "warn" and "cpu: 1" in seen.detail and "none on" in seen.detail


def test_the_gpu_and_engine_checks_do_not_import_torch(tmp_path: Path) -> None:
    code = ("import sys; from sleeve.config import Settings; "
            "from sleeve.ops.doctor import engines, gpu, packages; s = Settings(); "
            "[list(check(s)) for check in (packages, engines, gpu)]; "
            "print(sorted(m for m in ('torch', 'diffusers') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=environment(),
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_invalid_settings_are_the_one_failing_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLEEVE_QUEUE", "rabbit")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["doctor", "--json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    [row] = report["checks"]
    assert row["check"] == "settings" and row["status"] == "fail"
    assert "SLEEVE_QUEUE='rabbit': must be one of local, celery" in row["detail"]
