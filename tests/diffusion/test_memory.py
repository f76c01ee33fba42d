"""Offload modes chosen from free GPU memory, and out-of-memory advice that fits the card."""

from __future__ import annotations

import pytest

from sleeve.config import Settings
from sleeve.diffusion.memory import GB, choose_offload, oom_advice
from sleeve.diffusion.options import DiffusionOptions
from tests.diffusion.conftest import EngineFactory

# SDXL in fp16: base UNet 5.1 GB, both text encoders 1.6 GB, VAE 0.2 GB; refiner UNet 4.5 GB.
BASE = int(6.9 * GB)
UNET = int(5.1 * GB)


@pytest.mark.parametrize(("free_gb", "expected"), [
    (75, "none"),  # H100/H200: everything stays on the GPU
    (22, "none"),  # 24 GB card
    (10, "model"),  # 12 GB card with a desktop on it: one model at a time
    (15, "model"),  # 16 GB card with a refiner (below)
    (6, "sequential"),  # 8 GB card
])
def test_offload_is_chosen_from_free_memory(free_gb: float, expected: str) -> None:
    weights = BASE + (int(4.5 * GB) if free_gb == 15 else 0)
    assert choose_offload(int(free_gb * GB), weights, UNET, 1024) == expected


def test_out_of_memory_advice_fits_how_the_engine_runs() -> None:
    common = {"device": "cuda", "resolution": 1024, "dtype": "float16", "vae_tiling": True,
              "vae_sample_size": 1024}
    first = oom_advice(offload="none", has_refiner=True, **common)
    assert first[0].startswith("set SLEEVE_SDXL_OFFLOAD=model")
    assert any("SLEEVE_SDXL_REFINER" in line for line in first)
    # VAE tiling does nothing at 1024² (SDXL's VAE tile is 1024²): never recommended there.
    assert not any("TILING" in line for line in first)
    assert oom_advice(offload="model", has_refiner=False, **common)[0].startswith(
        "set SLEEVE_SDXL_OFFLOAD=sequential")


def test_offload_setting_is_read_and_cpu_never_offloads(make_engine: EngineFactory) -> None:
    options = DiffusionOptions.from_settings(Settings(sdxl_model="m", sdxl_offload="model"))
    assert options.offload == "model"
    assert make_engine(offload="model")._load().offload == "none"  # no GPU to offload from


@pytest.mark.parametrize(("bf16", "expected"), [(True, "bfloat16"), (False, "float16")])
def test_auto_precision_is_bf16_where_the_gpu_supports_it(
    bf16: bool, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    from sleeve.diffusion.device import resolve_dtype

    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: bf16)
    assert resolve_dtype("auto", "cuda") == getattr(torch, expected)
    assert resolve_dtype("auto", "cpu") == torch.float32
