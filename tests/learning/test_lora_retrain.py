"""`retrain --kind lora` on the tiny SDXL (CPU): covers rated 4+ become a training set, the
LoRA trains as a task, is registered and enters the canary, and canary jobs render with it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from sleeve.config import Settings
from sleeve.core.brief import Brief
from sleeve.db.engine import transaction
from sleeve.db.models import Cover, ModelEvent, ModelVersion
from sleeve.jobs import lifecycle
from sleeve.jobs.adapters import in_canary
from sleeve.jobs.context import JobContext
from sleeve.jobs.runner import run_job
from sleeve.schemas.jobs import JobRequest
from sleeve.service import accounts, covers, jobs, models
from sleeve.service.context import Services
from tests.diffusion.conftest import tiny_sdxl  # noqa: F401 - the fixture (skips without torch)


def _run(services: Services, user_id: str, **request: object) -> list[Cover]:
    job, _ = jobs.create_job(services, user_id, JobRequest.model_validate({
        "brief": Brief(title="Slow Tide", artist="Harbour Lights", genre="ambient"),
        "count": 2, "size": 256, "seed": 5, **request}))
    with transaction(services.sessions) as session:
        assert lifecycle.claim_job(session, job.id, 60.0)
    ctx = JobContext(services.sessions, services.store, services.settings)
    assert run_job(ctx, job.id) == lifecycle.SUCCEEDED
    with transaction(services.sessions) as session:
        rows = list(session.scalars(select(Cover).where(Cover.job_id == job.id)))
        for row in rows:
            session.expunge(row)
    return rows


# Trains once, on SQLite; the registry and canary tests cover PostgreSQL.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_lora_trained_on_well_rated_covers_enters_the_canary(
    make_settings: Callable[..., Settings], tiny_sdxl: Path, tmp_path: Path,  # noqa: F811
) -> None:
    settings = make_settings(
        sdxl_model=str(tiny_sdxl), sdxl_device="cpu", sdxl_resolution=64, sdxl_steps=2,
        sdxl_scheduler="euler", lora_steps=3, lora_rank=4, lora_min_covers=2,
        canary_share=1.0, model_cache_dir=str(tmp_path / "models"),
    )
    services = Services.from_settings(settings, run_workers=False)
    user = accounts.sign_up(services, f"l{uuid.uuid4().hex[:10]}@example.com", "password123")
    for cover in _run(services, user.id):
        covers.review_cover(services, user.id, cover.id, 5, "")

    result = models.retrain(services, "lora", actor="ops@example.com", reason="monthly")
    assert result.outcome == "trained", result
    assert result.metrics["examples"] >= 2
    assert result.metrics["eval_loss_after"] > 0
    with transaction(services.sessions) as session:
        model = session.get(ModelVersion, result.model_id)
        assert model is not None and model.state == "canary" and model.kind == "lora"
        assert model.artifact_key and services.store.get(model.artifact_key)
        actions = list(session.scalars(select(ModelEvent.action).where(
            ModelEvent.model_version_id == model.id).order_by(ModelEvent.created_at)))
    assert actions == ["register", "canary"]

    # With the whole share in the canary, a diffusion job renders with the candidate.
    assert in_canary("any-job", 1.0) and not in_canary("any-job", 0.0)
    tuned = _run(services, user.id, engine="diffusion", style="minimal")
    assert {c.model_version_id for c in tuned} == {result.model_id}


def test_too_few_rated_covers_skip_training(make_settings: Callable[..., Settings]) -> None:
    services = Services.from_settings(
        make_settings(sdxl_model="/nowhere", lora_min_covers=100_000), run_workers=False)
    result = models.retrain(services, "lora")
    assert result.outcome == "skipped" and "training needs 100000" in result.reason
