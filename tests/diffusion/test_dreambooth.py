"""DreamBooth-LoRA on the tiny random SDXL, on CPU: the photos' loss falls, the saved LoRA
loads through the engine and changes its output for the same seed, training stops between
steps when told, and 8-bit Adam asked for without bitsandbytes is a clear error."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sleeve.diffusion.dreambooth import DreamBoothTraining, class_images, train_dreambooth
from sleeve.diffusion.lora import LoraVersion
from sleeve.diffusion.train_lora import LoraResult, LoraTraining, OptimizerUnavailableError
from tests.diffusion.conftest import EngineFactory, pixels
from tests.diffusion.faces import face_photos
from tests.render.conftest import build_plan

OPTIONS = DreamBoothTraining(
    lora=LoraTraining(steps=10, rank=4, learning_rate=3e-2, resolution=64, device="cpu",
                      gradient_checkpointing=True))


@pytest.fixture(scope="module")
def priors(tiny_sdxl: Path) -> list[Image.Image]:
    from diffusers import StableDiffusionXLPipeline

    pipe = StableDiffusionXLPipeline.from_pretrained(tiny_sdxl)
    return class_images(pipe, OPTIONS.class_prompt, 2, resolution=64, steps=2)


@pytest.fixture(scope="module")
def trained(tiny_sdxl: Path, priors: list[Image.Image],
            tmp_path_factory: pytest.TempPathFactory) -> tuple[LoraResult, list[int]]:
    steps: list[int] = []
    result = train_dreambooth(tiny_sdxl, face_photos(), priors,
                              tmp_path_factory.mktemp("dreambooth"), OPTIONS,
                              on_step=lambda step, _loss: steps.append(step))
    return result, steps


def test_class_images_come_from_the_base_model(priors: list[Image.Image]) -> None:
    assert [p.size for p in priors] == [(64, 64)] * 2
    assert np.abs(pixels(priors[0]) - pixels(priors[1])).mean() > 1  # one seed each


def test_the_photos_loss_falls(trained: tuple[LoraResult, list[int]]) -> None:
    result, steps = trained
    assert steps == list(range(1, 11)) and len(result.losses) == 10
    assert result.eval_loss_after < result.eval_loss_before * 0.98, result


def test_the_lora_loads_and_changes_the_output(trained: tuple[LoraResult, list[int]],
                                                make_engine: EngineFactory) -> None:
    result, _ = trained
    assert result.path.suffix == ".safetensors"
    plan = build_plan().model_copy(update={"prompt": f"{OPTIONS.instance_prompt}, portrait"})
    engine = make_engine()
    base = pixels(engine.render(plan, seed=4, size=64))
    lora = LoraVersion(name="subject", version="t1", path=str(result.path))
    tuned = pixels(engine.render(plan, seed=4, size=64, loras=[lora]))
    assert np.abs(tuned - base).mean() > 0.5
    again = pixels(engine.render(plan, seed=4, size=64))
    assert np.array_equal(again, base)  # the adapter was for that render only


class Stop(Exception):
    pass


def test_training_stops_between_steps(tiny_sdxl: Path, tmp_path: Path) -> None:
    steps: list[int] = []

    def on_step(step: int, _loss: float) -> None:
        steps.append(step)
        if step == 3:
            raise Stop

    with pytest.raises(Stop):
        train_dreambooth(tiny_sdxl, face_photos(), [], tmp_path / "out", OPTIONS,
                         on_step=on_step)
    assert steps == [1, 2, 3]
    assert not (tmp_path / "out").exists()  # nothing saved


@pytest.mark.skipif(importlib.util.find_spec("bitsandbytes") is not None,
                    reason="bitsandbytes is installed here")
def test_8bit_adam_without_bitsandbytes_is_a_clear_error(tiny_sdxl: Path,
                                                         tmp_path: Path) -> None:
    options = DreamBoothTraining(lora=LoraTraining(steps=1, resolution=64, device="cpu",
                                                   adam_8bit=True))
    with pytest.raises(OptimizerUnavailableError, match="bitsandbytes"):
        train_dreambooth(tiny_sdxl, face_photos(), [], tmp_path, options)


def test_benchmark_smoke_times_training_steps() -> None:
    """The GPU benchmark's code, on the tiny SDXL on CPU (no GPU here to run it for real)."""
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, str(root / "bench" / "dreambooth.py"), "--smoke"],
                            capture_output=True, text=True, timeout=600, check=False, cwd=root)
    assert result.returncode == 0, result.stderr[-2000:]
    smoke = json.loads(result.stdout)["smoke"]
    assert smoke["steps"] == 2 and smoke["steps_per_s"] > 0 and smoke["step_ms_p50"] > 0
    assert smoke["class_images"] == 1 and smoke["lora_mb"] > 0
