"""LoRA fine-tuning on the tiny random SDXL, on CPU: the loss falls, the saved adapter loads
through the engine and changes its output."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from sleeve.diffusion.lora import LoraVersion
from sleeve.diffusion.train_lora import LoraTraining, TrainingExample, train_lora
from tests.diffusion.conftest import EngineFactory, pixels
from tests.render.conftest import build_plan


def _examples() -> list[TrainingExample]:
    ramp = np.linspace(0, 255, 64, dtype=np.uint8)
    warm = np.stack([np.full((64, 64), 230, np.uint8), np.tile(ramp, (64, 1)),
                     np.full((64, 64), 40, np.uint8)], axis=2)
    return [TrainingExample(Image.fromarray(warm), "an orange gradient poster"),
            TrainingExample(Image.fromarray(warm[::-1, ::-1].copy()), "a warm abstract cover")]


def test_training_lowers_the_loss_and_the_lora_changes_renders(
    tiny_sdxl: Path, make_engine: EngineFactory, tmp_path: Path,
) -> None:
    options = LoraTraining(steps=15, rank=4, learning_rate=3e-2, resolution=64, device="cpu")
    steps: list[int] = []
    result = train_lora(tiny_sdxl, _examples(), tmp_path / "lora", options,
                        on_step=lambda step, _loss: steps.append(step))
    assert steps == list(range(1, 16)) and len(result.losses) == 15
    assert result.eval_loss_after < result.eval_loss_before * 0.98, result
    assert result.path.exists() and result.path.suffix == ".safetensors"

    plan = build_plan()
    engine = make_engine()
    base = pixels(engine.render(plan, seed=4, size=64))
    lora = LoraVersion(name="ratings", version="t1", path=str(result.path))
    tuned = pixels(engine.render(plan, seed=4, size=64, loras=[lora]))
    assert np.abs(tuned - base).mean() > 0.5
