"""LoRAs with and without ``torch.compile``: a job's adapters are active for that job only,
and the LCM-LoRA fast path is fused into the weights, so compiling never hides it.

Compiled with Dynamo's ``eager`` backend: the same tracing, guards and in-place compilation
as on a GPU (where adapters used to vanish behind an ``OptimizedModule``), without spending
minutes generating CPU kernels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from sleeve.diffusion.lora import LoraVersion
from tests.diffusion.conftest import EngineFactory, pixels
from tests.render.conftest import build_plan

PLAN = build_plan()


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
def test_a_jobs_lora_is_gone_for_the_next_job(
    compiled: bool, make_engine: EngineFactory, tiny_lora: Path
) -> None:
    # Compiled, on the LCM fast path too: its fused LoRA and a job's LoRA together.
    setup = {"lcm_lora": str(tiny_lora)} if compiled else {}
    fresh = pixels(make_engine(**setup).render(PLAN, seed=9, size=64))
    engine = make_engine(**setup, compile=compiled, compile_backend="eager")
    lora = LoraVersion(name="label-style", version=3, path=str(tiny_lora))
    job_a = pixels(engine.render(PLAN, seed=9, size=64, loras=[lora]))
    job_b = pixels(engine.render(PLAN, seed=9, size=64))
    assert np.abs(job_a - fresh).mean() > 1  # the LoRA did apply to job A
    assert np.array_equal(job_b, fresh)
    unet = engine._load().pipe.unet
    assert type(unet).__name__ == "UNet2DConditionModel"  # compiled in place, not wrapped
    assert (getattr(unet, "_compiled_call_impl", None) is not None) == compiled


def test_lcm_lora_is_fused_not_left_as_an_adapter(
    make_engine: EngineFactory, tiny_lora: Path, tiny_sdxl: Path
) -> None:
    from safetensors.torch import load_file

    engine = make_engine(lcm_lora=str(tiny_lora))
    assert pixels(engine.render(PLAN, seed=2, size=64)).std() > 1
    unet = engine._load().pipe.unet
    assert engine._load().pipe.get_list_adapters() == {}  # nothing a job could switch off
    saved = load_file(tiny_sdxl / "unet" / "diffusion_pytorch_model.safetensors")
    key = next(k for k in saved if k.endswith("attn1.to_q.weight"))
    assert not torch.equal(unet.state_dict()[key], saved[key])  # merged into the weights
