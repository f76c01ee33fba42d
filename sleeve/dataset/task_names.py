"""The Celery task names of a distributed dataset build: the builder sends them, the worker
(``sleeve.jobs.celery_app``) serves them."""

from __future__ import annotations

DATASET_CHUNK_TASK = "sleeve.dataset.chunk"
DATASET_MERGE_TASK = "sleeve.dataset.merge"
