"""Training a subject's DreamBooth-LoRA as a job: the route refuses what cannot run (409) and
other users' subjects (404); the job trains on the tiny SDXL, stores the LoRA and class images
under the subject, registers the version, honours a cancel between steps; diffusion jobs with
the subject load its LoRA and name the person in their prompt."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select, text

from sleeve.config import Settings
from sleeve.core.brief import Brief
from sleeve.db.engine import transaction
from sleeve.db.models import Cover, Job, ModelVersion, Subject
from sleeve.db.types import utcnow
from sleeve.jobs import lifecycle
from sleeve.jobs.context import JobContext
from sleeve.jobs.runner import run_job
from sleeve.jobs.subject_loras import SUBJECT_LORA_KIND, class_image_key, lora_key
from sleeve.jobs.subject_training import run_subject_training
from sleeve.service import accounts, jobs, subjects
from sleeve.service.context import Services
from sleeve.service.errors import Conflict
from sleeve.service.subject_training import start_training
from tests.diffusion.conftest import tiny_sdxl  # noqa: F401 - fixture
from tests.diffusion.faces import face_photos
from tests.jobs.test_stage import STAGE_LOG
from tests.photos.faces import face_jpeg
from tests.service.fixtures import migrated_database, new_user

pytest.importorskip("torch")


def _subject(sessions: object, user_id: str) -> str:
    with transaction(sessions) as session:  # type: ignore[arg-type]
        subject = Subject(user_id=user_id, name="Luna Vale", consented_at=utcnow())
        session.add(subject)
        session.flush()
        return subject.id


def _photographed(services: Services, user_id: str) -> str:
    """A subject with one accepted photo, uploaded as the API does (training needs one)."""
    subject_id = _subject(services.sessions, user_id)
    subjects.add_photo(services, user_id, subject_id, face_jpeg())
    return subject_id


def _photos(_ctx: JobContext, _subject_id: str) -> list[Image.Image]:
    return face_photos()


def test_train_route_answers_404_for_others_and_409_without_diffusion(
        client: TestClient) -> None:
    owner, other = new_user(client), new_user(client)
    me = client.get("/v1/me", headers=owner).json()
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    subject_id = _subject(services.sessions, me["id"])

    assert client.post(f"/v1/subjects/{subject_id}/train", headers=other).status_code == 404
    refused = client.post(f"/v1/subjects/{subject_id}/train", headers=owner)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "diffusion" in refused.json()["detail"]
    with transaction(services.sessions) as session:
        assert session.get(Subject, subject_id).state == "new"  # type: ignore[union-attr]
        assert session.scalar(select(Job.id).where(Job.subject_id == subject_id)) is None


@pytest.fixture
def services(tiny_sdxl: Path, tmp_path: Path) -> Iterator[Services]:  # noqa: F811
    for url in migrated_database("sqlite", tmp_path):
        settings = Settings(
            database_url=url, storage_url=f"file://{tmp_path / 'blobs'}",
            model_cache_dir=str(tmp_path / "models"), rate_limit_jobs_per_minute=1000,
            sdxl_model=str(tiny_sdxl), sdxl_device="cpu", sdxl_resolution=64, sdxl_steps=2,
            sdxl_scheduler="euler", dreambooth_steps=3, dreambooth_rank=4,
            dreambooth_class_images=2, dreambooth_learning_rate=3e-2)
        yield Services.from_settings(settings, run_workers=False)


def _claimed(services: Services, job_id: str) -> JobContext:
    with transaction(services.sessions) as session:
        assert lifecycle.claim_job(session, job_id, 600.0)
    return JobContext(services.sessions, services.store, services.settings)


def _diffusion_cover(services: Services, user_id: str, subject_id: str,
                     before_run: Callable[[], None] = lambda: None) -> Cover:
    request = jobs.JobRequest(brief=Brief(title="Drift", artist="Luna Vale"), count=1,
                              size=256, seed=3, engine="diffusion", style="minimal",
                              subject_id=subject_id)
    job, _ = jobs.create_job(services, user_id, request)
    before_run()
    assert run_job(_claimed(services, job.id), job.id) == lifecycle.SUCCEEDED
    with transaction(services.sessions) as session:
        cover = session.scalars(select(Cover).where(Cover.job_id == job.id)).one()
        session.expunge(cover)
    return cover


def test_training_job_stores_a_lora_that_subject_jobs_load(services: Services) -> None:
    user = accounts.sign_up(services, f"m{uuid.uuid4().hex[:10]}@example.com", "password123")
    subject_id = _photographed(services, user.id)
    untrained = jobs.JobRequest(brief=Brief(title="Drift", artist="Luna Vale"),
                                engine="diffusion", subject_id=subject_id)
    with pytest.raises(Conflict, match="no trained LoRA"):
        jobs.create_job(services, user.id, untrained)

    job = start_training(services, user.id, subject_id)
    assert (job.kind, job.state, job.brief, job.subject_id) == (
        "subject_training", "queued", None, subject_id)
    with pytest.raises(Conflict, match="already being trained"):
        start_training(services, user.id, subject_id)
    with transaction(services.sessions) as session:
        assert session.get(Subject, subject_id).state == "queued"  # type: ignore[union-attr]

    # The photos the subject's upload stored (their face crops) are what it trains on.
    with transaction(services.sessions) as session:
        for statement in STAGE_LOG:
            session.execute(text(statement))
    assert run_subject_training(_claimed(services, job.id), job.id) == lifecycle.SUCCEEDED
    with transaction(services.sessions) as session:
        logged = list(session.scalars(text("SELECT stage FROM stage_log ORDER BY n")))
    # What a training job is doing, as the API says: not "planning the covers".
    assert logged == ["planning", "loading", "class_images", "training", None], logged
    done = jobs.get_job(services, user.id, job.id)
    assert (done.state, done.progress) == ("succeeded", 100)
    with transaction(services.sessions) as session:
        assert session.get(Subject, subject_id).state == "trained"  # type: ignore[union-attr]
        model = session.scalars(select(ModelVersion).where(
            ModelVersion.subject_id == subject_id)).one()
        assert (model.kind, model.state) == (SUBJECT_LORA_KIND, "ready")
        assert model.artifact_key == lora_key(subject_id, model.id)
        assert model.metrics["photos"] == 1 and model.metrics["class_images"] == 2
        model_id, token = model.id, model.metrics["token"]
    assert services.store.get(lora_key(subject_id, model_id))[:8]  # safetensors header
    assert all(services.store.exists(class_image_key(subject_id, i)) for i in range(2))

    featured = _diffusion_cover(services, user.id, subject_id)
    assert featured.plan["prompt"].startswith(f"a photo of {token} person, ")
    cached = Path(services.settings.model_cache_dir) / "lora" / f"{model_id}.safetensors"
    assert cached.read_bytes() == services.store.get(lora_key(subject_id, model_id))

    def retire() -> None:
        with transaction(services.sessions) as session:
            session.get(ModelVersion, model_id).state = "retired"  # type: ignore[union-attr]

    # The same job, its subject's LoRA gone after it was accepted: rendered without it (and
    # without the words).
    plain = _diffusion_cover(services, user.id, subject_id, before_run=retire)
    assert not plain.plan["prompt"].startswith("a photo of")
    assert plain.digest != featured.digest


def _progress(services: Services, user_id: str, job_id: str, at_least: int) -> None:
    """Wait until the job's bar reaches ``at_least`` (it moves with every few steps)."""
    while jobs.get_job(services, user_id, job_id).progress < at_least:
        time.sleep(0.05)


def test_a_cancel_stops_training_between_steps(services: Services) -> None:
    user = accounts.sign_up(services, f"m{uuid.uuid4().hex[:10]}@example.com", "password123")
    subject_id = _photographed(services, user.id)
    steps = 300
    services = Services.from_settings(services.settings.model_copy(update={
        "dreambooth_steps": steps, "dreambooth_class_images": 0}), run_workers=False)
    job = start_training(services, user.id, subject_id)
    ctx = _claimed(services, job.id)
    result: list[str | None] = []
    worker = threading.Thread(target=lambda: result.append(
        run_subject_training(ctx, job.id, photos=_photos)))
    worker.start()
    _progress(services, user.id, job.id, 12)  # 10 % class images + 0.9 % per 3 steps: 7+ steps
    jobs.cancel_job(services, user.id, job.id)
    worker.join()
    assert result == [lifecycle.CANCELLED]
    with transaction(services.sessions) as session:
        assert session.get(Subject, subject_id).state == "new"  # type: ignore[union-attr]
        model = session.scalars(select(ModelVersion).where(
            ModelVersion.subject_id == subject_id)).one()
        assert model.state == "failed"
        assert 7 <= model.metrics["steps_done"] < steps
        assert not services.store.exists(lora_key(subject_id, model.id))
    assert jobs.get_job(services, user.id, job.id).state == "cancelled"


def test_a_subject_deleted_while_it_trains_leaves_no_files(services: Services) -> None:
    user = accounts.sign_up(services, f"m{uuid.uuid4().hex[:10]}@example.com", "password123")
    subject_id = _photographed(services, user.id)
    job = start_training(services, user.id, subject_id)

    def photos_then_deleted(_ctx: JobContext, _subject_id: str) -> list[Image.Image]:
        subjects.delete_subject(services, user.id, subject_id)  # the owner, meanwhile
        return face_photos()

    assert run_subject_training(_claimed(services, job.id), job.id,
                                photos=photos_then_deleted) == lifecycle.CANCELLED
    # Deleting the subject cancels its unfinished jobs; the training stops between steps.
    assert jobs.get_job(services, user.id, job.id).state == "cancelled"
    root = Path(services.store.root) / "subjects" / subject_id
    assert not [p for p in root.rglob("*") if p.is_file()]
    with transaction(services.sessions) as session:
        assert session.scalar(select(ModelVersion.id).where(
            ModelVersion.subject_id == subject_id)) is None


def test_a_cancel_stops_a_diffusion_cover_between_denoising_steps(services: Services) -> None:
    """Issue 13: a cancel that arrives while a diffusion cover renders stops it at the next
    denoising step, not after the cover; nothing of it is stored."""
    from sleeve.engines import get_engine

    user = accounts.sign_up(services, f"d{uuid.uuid4().hex[:10]}@example.com", "password123")
    request = jobs.JobRequest(brief=Brief(title="Drift", artist="Luna Vale"), count=1,
                              size=256, seed=5, engine="diffusion", style="minimal")
    job, _ = jobs.create_job(services, user.id, request)
    ctx = _claimed(services, job.id)
    engine = get_engine("diffusion", services.settings)
    steps: list[int] = []

    def cancel_at_first_step(done: int, _total: int) -> None:
        steps.append(done)
        if done == 1:
            with transaction(services.sessions) as session:
                lifecycle.cancel(session, job.id)

    engine.on_step = cancel_at_first_step  # type: ignore[attr-defined]
    try:
        assert run_job(ctx, job.id) == lifecycle.CANCELLED
    finally:
        engine.on_step = None  # type: ignore[attr-defined]
    assert steps == [1]  # of services.settings.sdxl_steps (2): the second step never ran
    with transaction(services.sessions) as session:
        assert session.scalar(select(Cover.id).where(Cover.job_id == job.id)) is None
