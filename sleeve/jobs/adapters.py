"""The fine-tunes a job renders with: the promoted LoRA of the model registry, by version.

Only the diffusion engine takes adapters. The registry row names a blob (``artifact_key``)
holding ``.safetensors`` weights; they are copied to a local cache once per version, because
diffusers loads LoRA weights from a path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from sleeve.db.engine import transaction
from sleeve.db.models import ModelVersion
from sleeve.engines import LoraVersion
from sleeve.files import write_atomic
from sleeve.jobs.context import JobContext

LORA_KIND = "lora"
PROMOTED = "promoted"


@dataclass(frozen=True)
class Adapters:
    """What a cover is rendered with, and the registry row to record on it."""

    model_version_id: str | None = None
    loras: tuple[LoraVersion, ...] = ()


NONE = Adapters()


def adapters_for(ctx: JobContext, engine: str) -> Adapters:
    if engine != "diffusion":
        return NONE
    with transaction(ctx.sessions) as session:
        model = session.scalars(
            select(ModelVersion)
            .where(ModelVersion.kind == LORA_KIND, ModelVersion.state == PROMOTED)
            .order_by(ModelVersion.promoted_at.desc())
            .limit(1)
        ).first()
        if model is None or not model.artifact_key:
            return NONE
        model_id, version, key = model.id, model.version, model.artifact_key
    path = Path(ctx.settings.model_cache_dir) / LORA_KIND / f"{model_id}.safetensors"
    if not path.exists():
        write_atomic(path, ctx.store.get(key))
    lora = LoraVersion(name="sleeve", version=version, path=str(path))
    return Adapters(model_version_id=model_id, loras=(lora,))
