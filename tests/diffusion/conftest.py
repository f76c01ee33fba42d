"""A tiny SDXL (random weights, real architecture) saved once per session, and engines over it
that load it through the same ``from_pretrained`` path users hit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("torch")
pytest.importorskip("diffusers")

from bench.sdxl_random import TINY, random_pipeline
from sleeve.diffusion.engine import DiffusionEngine
from sleeve.diffusion.options import DiffusionOptions

EngineFactory = Callable[..., DiffusionEngine]


@pytest.fixture(scope="session")
def tiny_sdxl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("tiny-sdxl")
    pipe = random_pipeline(TINY, work)
    pipe.save_pretrained(work / "model")
    return work / "model"


@pytest.fixture(scope="session")
def tiny_refiner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second tiny SDXL with other weights: a refiner whose UNet differs from the base's."""
    work = tmp_path_factory.mktemp("tiny-refiner")
    random_pipeline(TINY, work, seed=1).save_pretrained(work / "model")
    return work / "model"


@pytest.fixture(scope="session")
def tiny_lora(tiny_sdxl: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LoRA trained by nobody: peft adapters with random (non-zero) weights on the tiny UNet,
    saved the way diffusers LoRA training scripts save theirs."""
    import torch
    from diffusers import StableDiffusionXLPipeline
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    pipe = StableDiffusionXLPipeline.from_pretrained(tiny_sdxl)
    torch.manual_seed(7)
    pipe.unet.add_adapter(LoraConfig(
        r=4, lora_alpha=4, init_lora_weights=False,
        target_modules=["to_q", "to_k", "to_v", "to_out.0"],
    ))
    layers = convert_state_dict_to_diffusers(get_peft_model_state_dict(pipe.unet))
    out = tmp_path_factory.mktemp("lora")
    StableDiffusionXLPipeline.save_lora_weights(out, unet_lora_layers=layers,
                                                safe_serialization=True)
    return out / "pytorch_lora_weights.safetensors"


@pytest.fixture
def make_engine(tiny_sdxl: Path) -> EngineFactory:
    base = DiffusionOptions(model=str(tiny_sdxl), device="cpu", scheduler="euler", steps=3,
                            resolution=64)

    def make(**overrides: Any) -> DiffusionEngine:
        on_step = overrides.pop("on_step", None)
        return DiffusionEngine(replace(base, **overrides), on_step=on_step)

    return make


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.int16)


@pytest.fixture(scope="session")
def tiny_fp16_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny SDXL published the way the hub's fp16 branch is: ``*.fp16.safetensors`` only."""
    import torch

    work = tmp_path_factory.mktemp("tiny-fp16")
    pipe = random_pipeline(TINY, work, dtype=torch.float16)
    pipe.save_pretrained(work / "model", variant="fp16")
    return work / "model"


@pytest.fixture(scope="session")
def tiny_fp16_fix_vae(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A replacement VAE laid out as madebyollin/sdxl-vae-fp16-fix is: ``config.json`` and
    weights at the top, ``force_upcast`` off (it decodes in fp16 without overflowing)."""
    from diffusers import AutoencoderKL

    out = tmp_path_factory.mktemp("vae-fp16-fix") / "vae"
    AutoencoderKL(**{**TINY.vae, "force_upcast": False}).save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def tiny_upscaler(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Stable Diffusion ×4 upscaler with random weights (the layout of
    stabilityai/stable-diffusion-x4-upscaler at toy widths), built as the benchmark builds it."""
    import torch

    from bench.sdxl_random import TINY_UPSCALER, upscaler_pipeline

    work = tmp_path_factory.mktemp("tiny-upscaler")
    torch.manual_seed(3)
    upscaler_pipeline(TINY_UPSCALER, work).save_pretrained(work / "model")
    return work / "model"
