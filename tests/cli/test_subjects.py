"""`sleeve subjects add|list|delete|train` against the configured database and store, for the
account named by --user: JSON for machines, one-line errors, exit 2 for bad usage."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sleeve.cli import app
from sleeve.config import Settings, get_settings
from sleeve.service import accounts
from sleeve.service.context import Services
from sleeve.storage import BlobStore
from tests.photos import faces

runner = CliRunner()


@pytest.fixture
def email(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh account in the configured database, which the CLI reads from the environment."""
    monkeypatch.setenv("SLEEVE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SLEEVE_STORAGE_URL", settings.storage_url)
    get_settings.cache_clear()
    address = f"cli{uuid.uuid4().hex[:10]}@example.com"
    accounts.sign_up(Services.from_settings(settings, run_workers=False), address,
                     "correct horse battery")
    yield address
    get_settings.cache_clear()


def _photo(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _json(args: list[str]) -> object:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_add_list_and_delete(email: str, settings: Settings, tmp_path: Path) -> None:
    me = _photo(tmp_path, "me.jpg", faces.face_jpeg(160))
    made = _json(["subjects", "add", "Luna Vale", me, me, "--consent", "--user", email])
    assert isinstance(made, dict) and made["name"] == "Luna Vale"
    assert [p["verdict"] for p in made["photos"]] == ["accepted", "accepted"]
    assert _json(["subjects", "list", "--user", email]) == [made]
    store = BlobStore(settings.storage_url)
    assert len(store.keys(f"subjects/{made['id']}/")) == 6
    deleted = _json(["subjects", "delete", made["id"], "--user", email])
    assert deleted == {"id": made["id"], "deleted": True}
    assert store.keys(f"subjects/{made['id']}/") == []
    assert _json(["subjects", "list", "--user", email]) == []


def test_a_refused_photo_keeps_nothing_and_names_the_file(
        email: str, settings: Settings, tmp_path: Path) -> None:
    good = _photo(tmp_path, "me.jpg", faces.face_jpeg(160))
    crowd = _photo(tmp_path, "band.jpg", faces.two_faces())
    result = runner.invoke(app, ["subjects", "add", "Luna", good, crowd, "--consent",
                                 "--user", email])
    assert result.exit_code == 2
    assert "band.jpg: several faces" in result.stderr and len(result.stderr.splitlines()) == 1
    assert _json(["subjects", "list", "--user", email]) == []
    assert BlobStore(settings.storage_url).keys("subjects/") == []


def test_bad_usage_exits_2_with_one_line(email: str, tmp_path: Path) -> None:
    me = _photo(tmp_path, "me.jpg", faces.face_jpeg(160))
    for args, says in [
        (["subjects", "add", "Luna", me, "--user", email], "--consent"),
        (["subjects", "add", "Luna", str(tmp_path / "missing.jpg"), "--consent", "--user",
          email], "missing.jpg"),
        (["subjects", "add", "Luna", me, "--consent", "--user", "nobody@example.com"],
         "no account"),
        (["subjects", "delete", "nope", "--user", email], "no subject nope"),
    ]:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_train_says_why_it_cannot_run_without_the_diffusion_engine(
        email: str, tmp_path: Path) -> None:
    made = _json(["subjects", "add", "Luna", _photo(tmp_path, "me.jpg", faces.face_jpeg(160)),
                  "--consent", "--user", email])
    assert isinstance(made, dict) and made["training"]["available"] is False
    result = runner.invoke(app, ["subjects", "train", made["id"], "--user", email, "--json"])
    assert result.exit_code == 1
    assert "training needs the diffusion engine" in result.stderr
    assert made["training"]["reason"] in result.stderr
