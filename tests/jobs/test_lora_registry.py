"""Diffusion jobs render with the promoted LoRA of the model registry and record its version."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from sleeve.config import Settings
from sleeve.core.brief import Brief
from sleeve.db.engine import transaction
from sleeve.db.models import Cover, ModelVersion
from sleeve.db.types import utcnow
from sleeve.jobs import lifecycle
from sleeve.jobs.context import JobContext
from sleeve.jobs.runner import run_job
from sleeve.schemas.jobs import JobRequest
from sleeve.service import accounts, jobs
from sleeve.service.context import Services
from tests.diffusion.conftest import tiny_lora, tiny_sdxl  # noqa: F401 - fixtures


@pytest.fixture
def services(
    make_settings: Callable[..., Settings],
    tiny_sdxl: Path,  # noqa: F811 - the imported fixture
    tmp_path: Path,
) -> Services:
    settings = make_settings(
        sdxl_model=str(tiny_sdxl),
        sdxl_device="cpu",
        sdxl_resolution=64,
        sdxl_steps=3,
        sdxl_scheduler="euler",
        model_cache_dir=str(tmp_path / "models"),
    )
    return Services.from_settings(settings, run_workers=False)


def _diffusion_cover(services: Services, user_id: str) -> Cover:
    request = JobRequest(
        brief=Brief(title="Drift", artist="Aural Fields"),
        count=1,
        size=256,
        seed=3,
        engine="diffusion",
        style="minimal",
    )
    job, _ = jobs.create_job(services, user_id, request)
    with transaction(services.sessions) as session:
        assert lifecycle.claim_job(session, job.id, 60.0)
    ctx = JobContext(services.sessions, services.store, services.settings)
    assert run_job(ctx, job.id) == lifecycle.SUCCEEDED
    with transaction(services.sessions) as session:
        cover = session.query(Cover).filter(Cover.job_id == job.id).one()
        session.expunge(cover)
    return cover


def test_promoted_lora_is_used_and_recorded(services: Services, tiny_lora: Path) -> None:  # noqa: F811
    user = accounts.sign_up(services, f"m{uuid.uuid4().hex[:10]}@example.com", "password123")
    base = _diffusion_cover(services, user.id)
    assert base.model_version_id is None

    key = "models/lora/2026-w47.safetensors"
    services.store.put(key, tiny_lora.read_bytes())
    with transaction(services.sessions) as session:
        model = ModelVersion(
            kind="lora",
            version="2026-w47",
            state="promoted",
            artifact_key=key,
            promoted_at=utcnow(),
        )
        session.add(model)
        session.flush()
        model_id = model.id

    try:
        tuned = _diffusion_cover(services, user.id)
        assert tuned.model_version_id == model_id
        assert tuned.seed == base.seed and tuned.plan == base.plan
        assert tuned.digest != base.digest  # the fine-tune changed the pixels
        cached = Path(services.settings.model_cache_dir) / "lora" / f"{model_id}.safetensors"
        assert cached.read_bytes() == tiny_lora.read_bytes()
    finally:
        # Retired again: a promoted LoRA left in the session's shared database would steer
        # every later test's diffusion jobs (and the canary's control arm).
        with transaction(services.sessions) as session:
            session.get(ModelVersion, model_id).state = "retired"  # type: ignore[union-attr]
