"""Whatever fails inside a render, the engine is left exactly as it was: same dtypes, devices,
samplers and adapters, and the next job gives the pixels it gave before the failure. Failures
are injected into the real modules with hooks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from sleeve.diffusion.errors import EngineOutOfMemoryError
from sleeve.diffusion.lora import LoraVersion
from tests.diffusion.conftest import EngineFactory, pixels
from tests.render.conftest import build_plan

PLAN = build_plan()
# A multistep sampler: it keeps history between steps that a failure must not carry over.
SETUP: dict[str, Any] = {"scheduler": "dpmpp-2m-karras", "steps": 3}
# fp16 where it matters: the pipeline upcasts an fp16 VAE to fp32 for decoding and casts it
# back only on success, so a failure there used to leave a VAE no later job could run. (fp16
# is slow on CPU, so the other stages run in fp32.)
DTYPE = {"unet": "fp32", "vae-decode": "fp16", "step-callback": "fp32"}
OOM = "CUDA out of memory. Tried to allocate 20.00 GiB"


def run_out_of_memory(module: Any, args: Any) -> None:
    raise torch.OutOfMemoryError(OOM)


@pytest.mark.parametrize("stage", ["unet", "vae-decode", "step-callback"])
def test_a_failed_job_leaves_the_engine_as_it_was(
    stage: str, make_engine: EngineFactory, tiny_lora: Path
) -> None:
    armed = [False]

    def cancel_at_step_two(done: int, total: int) -> None:
        if stage == "step-callback" and armed[0] and done == 2:
            raise RuntimeError("job cancelled by its owner")

    engine = make_engine(**SETUP, dtype=DTYPE[stage], on_step=cancel_at_step_two)
    lora = LoraVersion(name="label-style", version=1, path=str(tiny_lora))
    engine.render(PLAN, seed=3, size=64, loras=[lora])
    expected = pixels(engine.render(PLAN, seed=3, size=64))
    parts = engine._load()
    before = parts.state()
    target = {"unet": parts.pipe.unet, "vae-decode": parts.pipe.vae.decoder}.get(stage)
    handle = target.register_forward_pre_hook(run_out_of_memory) if target else None
    error = RuntimeError if stage == "step-callback" else EngineOutOfMemoryError
    armed[0] = True
    with pytest.raises(error):
        engine.render(PLAN, seed=3, size=64, loras=[lora])
    if handle:
        handle.remove()
    armed[0] = False

    assert before.differences(parts.state()) == []
    assert parts.pipe.vae.dtype == parts.dtype
    assert parts.adapters.active == {}
    assert np.array_equal(pixels(engine.render(PLAN, seed=3, size=64)), expected)


def test_out_of_memory_says_what_would_help(make_engine: EngineFactory) -> None:
    calls: list[int] = []

    def run_out_at_step_one(done: int, total: int) -> None:
        calls.append(done)
        if done == 1 and len(calls) == 1:
            raise torch.OutOfMemoryError(OOM)

    engine = make_engine(on_step=run_out_at_step_one)
    with pytest.raises(EngineOutOfMemoryError,
                       match=r"out of cpu memory rendering 64² in 3 steps \(float32, offload none"):
        engine.render(PLAN, seed=1, size=64)
    # The next job on the same engine runs normally.
    assert engine.render(PLAN, seed=1, size=64).size == (64, 64)
