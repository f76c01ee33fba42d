"""At scale: the same build in a process pool and as Celery tasks (a chord) on Redis."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker

from sleeve.config import Settings
from sleeve.dataset.build import build_locally, build_on_celery
from sleeve.dataset.items import BuildOptions
from sleeve.dataset.output import read_manifest
from sleeve.dataset.sources import from_images
from sleeve.jobs.celery_app import make_celery, queue_name
from tests.dataset.images import write_set
from tests.service.fixtures import require_redis


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("many")
    write_set(directory, 240, 48, copies=12, small=4, broken=4)
    return directory


def test_process_pool_and_celery_chord_build_the_same_manifest(
        inputs: Path, tmp_path: Path) -> None:
    broker = require_redis()
    items = from_images(inputs)
    options = BuildOptions(min_size=32, shard_size=100)
    done: list[int] = []
    pooled = build_locally(items, tmp_path / "pool", options, workers=2, progress=done.append)
    assert sum(done) == len(items) == 260
    assert pooled["kept"] == 240 and pooled["duplicates"] == 12 and pooled["shards"] == 3

    # No database: the dataset tasks only need the broker and a shared output directory.
    settings = Settings(queue="celery", broker_url=broker,
                        celery_queue_prefix=f"sleeve-test-{uuid.uuid4().hex[:8]}-")
    app = make_celery(settings)
    cpu = queue_name(settings, "cpu")
    seen: list[int] = []
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False,
                      shutdown_timeout=10, queues=[cpu]):
        spread = build_on_celery(app, cpu, items, tmp_path / "celery", options,
                                 progress=seen.append, timeout_s=120)
    assert spread == pooled
    assert sum(seen) == len(items)
    assert read_manifest(tmp_path / "celery" / "manifest.parquet") == read_manifest(
        tmp_path / "pool" / "manifest.parquet")
    for shard in sorted((tmp_path / "pool").glob("shard-*.tar")):
        assert (tmp_path / "celery" / shard.name).read_bytes() == shard.read_bytes()
