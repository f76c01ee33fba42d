"""In the Celery deployment a LoRA training request goes to the gpu queue as an id, and a
worker claims and runs it (here it fails, with no weights: the failure is recorded)."""

from __future__ import annotations

import time

from celery.contrib.testing.worker import start_worker

from sleeve.config import Settings
from sleeve.db.engine import transaction
from sleeve.db.models import ModelEvent, ModelVersion
from sleeve.jobs.celery_app import make_celery, queue_name
from sleeve.jobs.context import JobContext
from sleeve.jobs.training_requests import request_lora_training
from tests.jobs.test_celery import celery_settings  # noqa: F401 - the fixture
from tests.learning.conftest import CoverFactory


def test_training_requests_go_to_the_gpu_queue_and_are_claimed_there(
    celery_settings: Settings, covers: CoverFactory,  # noqa: F811
) -> None:
    covers.cover(rating=5)
    settings = celery_settings.model_copy(update={"sdxl_model": "/nowhere",
                                                  "lora_min_covers": 1})
    ctx = JobContext.from_settings(settings)
    app = make_celery(settings)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10,
                      queues=[queue_name(settings, "gpu")]):
        sent = request_lora_training(ctx, actor="ops@example.com")
        assert sent.outcome == "queued" and sent.model_id
        deadline = time.monotonic() + 60
        while True:
            with transaction(ctx.sessions) as session:
                model = session.get(ModelVersion, sent.model_id)
                assert model is not None
                state = model.state
            if state == "failed" or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    assert state == "failed"
    with transaction(ctx.sessions) as session:
        actions = [e.action for e in session.query(ModelEvent).filter(
            ModelEvent.model_version_id == sent.model_id).order_by(ModelEvent.created_at)]
    assert actions == ["register", "fail"]
