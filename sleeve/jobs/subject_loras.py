"""A subject's trained DreamBooth-LoRAs in the model registry, and where their files live.

Read by the cover jobs (``sleeve.jobs.adapters``) and the job use cases; written by the
training job (``sleeve.jobs.subject_training``).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from sleeve.db.models import ModelVersion

JOB_KIND: Final = "subject_training"
SUBJECT_LORA_KIND: Final = "subject_lora"
READY: Final = "ready"  # a subject's usable LoRA; not promotable (it is no shared model)


def lora_key(subject_id: str, model_id: str) -> str:
    return f"subjects/{subject_id}/lora/{model_id}.safetensors"


def class_image_key(subject_id: str, index: int) -> str:
    return f"subjects/{subject_id}/class-images/{index:04d}.png"


def ready_lora(session: Session, subject_id: str) -> ModelVersion | None:
    """The subject's usable LoRA (the newest trained), if any."""
    return session.scalars(
        select(ModelVersion)
        .where(ModelVersion.kind == SUBJECT_LORA_KIND, ModelVersion.subject_id == subject_id,
               ModelVersion.state == READY)
        .order_by(ModelVersion.created_at.desc()).limit(1)
    ).first()
