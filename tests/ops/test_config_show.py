"""`sleeve config show`: the effective settings, where each came from, secrets masked; and
`sleeve --version`."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sleeve.cli import app
from sleeve.config import get_settings
from sleeve.version import __version__

runner = CliRunner()


@pytest.fixture
def operator_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A working directory with a .env, and an environment that overrides part of it."""
    for name in [n for n in os.environ if n.startswith("SLEEVE_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("SLEEVE_CONCURRENCY=3\nSLEEVE_QUEUE=celery\n"
                                   "SLEEVE_SLACK_WEBHOOK_URL=https://hooks.example/T/B/tok3n\n")
    monkeypatch.setenv("SLEEVE_QUEUE", "local")
    monkeypatch.setenv("SLEEVE_LLM_API_KEY", "sk-very-secret")
    monkeypatch.setenv("SLEEVE_DATABASE_URL", "postgresql+psycopg://sleeve:hunter2@db:5432/s")
    monkeypatch.setenv("SLEEVE_DATABSE_URL", "typo")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_json_names_each_source_and_masks_secrets(operator_env: None) -> None:
    result = runner.invoke(app, ["config", "show", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    rows = report["settings"]
    assert rows["SLEEVE_QUEUE"] == {"value": "local", "source": "environment", "secret": False}
    assert rows["SLEEVE_CONCURRENCY"] == {"value": 3, "source": ".env", "secret": False}
    assert rows["SLEEVE_ENGINE"] == {"value": "procedural", "source": "default", "secret": False}
    assert rows["SLEEVE_LLM_API_KEY"] == {"value": "***", "source": "environment", "secret": True}
    assert rows["SLEEVE_SLACK_WEBHOOK_URL"]["value"] == "***"
    assert rows["SLEEVE_DATABASE_URL"]["value"] == "postgresql+psycopg://sleeve:***@db:5432/s"
    assert rows["SLEEVE_SECRET_KEY"] == {"value": "", "source": "default", "secret": True}
    for secret in ("sk-very-secret", "hunter2", "tok3n"):
        assert secret not in result.stdout
    assert report["unknown_variables"] == [
        {"variable": "SLEEVE_DATABSE_URL", "suggestion": "SLEEVE_DATABASE_URL"}]


def test_table_shows_sources_and_warns_about_unknown_variables(operator_env: None) -> None:
    result = runner.invoke(app, ["config", "show"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split() for line in result.stdout.splitlines()}
    assert lines["SLEEVE_QUEUE"][1:] == ["local", "environment"]
    assert lines["SLEEVE_CONCURRENCY"][1:] == ["3", ".env"]
    assert lines["SLEEVE_LLM_API_KEY"][1:] == ["***", "environment"]
    assert "sk-very-secret" not in result.stdout
    assert "SLEEVE_DATABSE_URL is not a Sleeve setting" in result.stderr
    assert "did you mean SLEEVE_DATABASE_URL?" in result.stderr


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"sleeve {__version__}"
