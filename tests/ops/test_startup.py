"""`sleeve serve` and `sleeve worker` refuse to start on a broken setup: one line on stderr, one
structured log event, exit 2 (configuration) or 3 (a dependency not answering), no traceback."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sleeve.db.migrate import head_revision
from tests.ops.process import environment, free_port, log_events, plain_lines, sleeve, start
from tests.service.fixtures import _postgres_schema


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """A fresh PostgreSQL schema that no migration has touched."""
    yield from _postgres_schema()


def refuses(result: subprocess.CompletedProcess[str], code: int, check: str,
            *words: str) -> None:
    stderr = result.stderr
    assert result.returncode == code, stderr
    assert "Traceback" not in stderr
    [line] = plain_lines(stderr)
    assert line.startswith("error: ")
    for word in words:
        assert word in line, line
    [event] = [e for e in log_events(stderr) if e.get("event") == "startup_failed"]
    assert event["level"] == "error" and event["check"] == check
    assert event["exit_code"] == code and event["message"] == line.removeprefix("error: ")


def test_invalid_settings_are_named_with_what_is_allowed(tmp_path: Path) -> None:
    result = sleeve("serve", "--port", str(free_port()), cwd=tmp_path, SLEEVE_QUEUE="rabbit",
                    SLEEVE_CONCURRENCY="0", SLEEVE_LLM_API_KEY="sk-secret")
    refuses(result, 2, "settings", "SLEEVE_QUEUE='rabbit': must be one of local, celery",
            "SLEEVE_CONCURRENCY='0': must be greater than or equal to 1")


def test_worker_checks_settings_too(tmp_path: Path) -> None:
    result = sleeve("worker", cwd=tmp_path, SLEEVE_LLM_BREAKER_FAILURES="0",
                    SLEEVE_LOG_FORMAT="xml")
    refuses(result, 2, "settings", "SLEEVE_LOG_FORMAT='xml': must be one of auto, json, text",
            "SLEEVE_LLM_BREAKER_FAILURES='0'")


def test_unreachable_database_names_host_port_and_cause_without_password(
        tmp_path: Path) -> None:
    url = "postgresql+psycopg://sleeve:hunter2@127.0.0.1:1/sleeve"
    result = sleeve("serve", "--port", str(free_port()), cwd=tmp_path, SLEEVE_DATABASE_URL=url)
    refuses(result, 3, "database", "127.0.0.1:1", "Connection refused", "sleeve:***@")
    assert "hunter2" not in result.stderr


@pytest.mark.postgres
def test_unmigrated_postgres_is_refused_with_the_command_that_fixes_it(
        tmp_path: Path, empty_postgres: str) -> None:
    result = sleeve("worker", cwd=tmp_path, SLEEVE_DATABASE_URL=empty_postgres)
    refuses(result, 2, "migrations", "empty", "run `sleeve db upgrade`")


@pytest.mark.postgres
def test_migrate_flag_brings_postgres_up_and_serves(tmp_path: Path, empty_postgres: str) -> None:
    port = free_port()
    server = start("serve", "--port", str(port), "--migrate", cwd=tmp_path,
                   SLEEVE_DATABASE_URL=empty_postgres, SLEEVE_STORAGE_URL=f"file://{tmp_path}/b")
    try:
        assert_serves(server, port)
    finally:
        server.terminate()
        _out, stderr = server.communicate(timeout=30)
    events = {e.get("event") for e in log_events(stderr)}
    assert {"database_migrated", "startup_ok"} <= events, stderr


def test_default_sqlite_is_migrated_on_first_start_quietly(tmp_path: Path) -> None:
    port = free_port()
    # Every deprecation warning shown, wherever it comes from: there must be none.
    server = start("serve", "--port", str(port), cwd=tmp_path,
                   PYTHONWARNINGS="always::DeprecationWarning,always::PendingDeprecationWarning")
    try:
        assert_serves(server, port)
    finally:
        server.terminate()
        _out, stderr = server.communicate(timeout=30)
    assert (tmp_path / "sleeve-data" / "sleeve.db").is_file()
    assert "Warning" not in stderr
    events = log_events(stderr)  # every line is JSON: stderr is not a terminal
    assert len(events) == len(stderr.splitlines())
    migrated = [e["to_revision"] for e in events if e.get("event") == "database_migrated"]
    assert migrated == [head_revision()]


def test_unwritable_storage_is_a_configuration_error(tmp_path: Path) -> None:
    # A directory inside a regular file: unwritable for every user, root included.
    (tmp_path / "a-file").write_text("")
    result = sleeve("serve", "--port", str(free_port()), cwd=tmp_path,
                    SLEEVE_STORAGE_URL=f"file://{tmp_path}/a-file/blobs")
    refuses(result, 2, "storage", "storage is not writable", "a-file")


def test_unreachable_broker_stops_a_celery_worker(tmp_path: Path) -> None:
    result = sleeve("worker", cwd=tmp_path, SLEEVE_QUEUE="celery",
                    SLEEVE_BROKER_URL="redis://:hunter2@127.0.0.1:1/0")
    refuses(result, 3, "broker", "broker unreachable at 127.0.0.1:1", "refused")
    assert "hunter2" not in result.stderr


def test_missing_fonts_stop_a_worker(tmp_path: Path) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    result = sleeve("worker", cwd=tmp_path, SLEEVE_FONT_DIR=str(fonts),
                    SLEEVE_SYSTEM_FONTS="false")
    refuses(result, 2, "fonts", "font files not found", "EBGaramond12-Regular.otf", "15 more",
            "SLEEVE_FONT_DIR", "apt-get install fonts-")


def on_a_terminal(tmp_path: Path, **settings: str) -> tuple[int, str]:
    """Runs a refused `sleeve serve` with stderr on a pseudo-terminal; its code and stderr."""
    main, child = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "sleeve", "serve"], cwd=tmp_path,
                               env=environment(**settings), stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=child)
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return process.wait(timeout=30), b"".join(chunks).decode()


UNREACHABLE_DB = "postgresql+psycopg://u@127.0.0.1:1/x"


def test_a_terminal_gets_one_readable_line(tmp_path: Path) -> None:
    code, stderr = on_a_terminal(tmp_path, SLEEVE_DATABASE_URL=UNREACHABLE_DB)
    assert code == 3
    [line] = stderr.strip().splitlines()
    assert not line.startswith("{")
    assert "ERROR" in line and "sleeve.startup" in line and "127.0.0.1:1" in line


def test_log_format_overrides_the_terminal(tmp_path: Path) -> None:
    code, stderr = on_a_terminal(tmp_path, SLEEVE_DATABASE_URL=UNREACHABLE_DB,
                                 SLEEVE_LOG_FORMAT="json")
    assert code == 3
    [event] = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert event["event"] == "startup_failed" and event["check"] == "database"


def assert_serves(server: subprocess.Popen[str], port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()[1]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                assert r.status == 200
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not become ready")
