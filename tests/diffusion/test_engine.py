"""The SDXL engine end to end on a tiny random SDXL: determinism, LoRA, schedulers, refiner,
fast paths, upscaling and out-of-memory handling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from sleeve.diffusion.lora import LoraVersion
from sleeve.engines import Engine
from tests.diffusion.conftest import EngineFactory, pixels
from tests.render.conftest import build_plan

PLAN = build_plan()


def test_engine_meets_the_engine_protocol(make_engine: EngineFactory) -> None:
    engine = make_engine()
    assert isinstance(engine, Engine)
    assert engine.name == "diffusion"


def test_renders_artwork_at_the_requested_size(make_engine: EngineFactory) -> None:
    art = make_engine().render(PLAN, seed=1, size=256)
    assert art.size == (256, 256)
    assert art.mode == "RGB"
    assert pixels(art).std() > 1  # not a flat field


def test_same_seed_gives_the_same_image(make_engine: EngineFactory) -> None:
    first, second = make_engine(), make_engine()
    a = first.render(PLAN, seed=42, size=128)
    assert np.array_equal(pixels(a), pixels(second.render(PLAN, seed=42, size=128)))
    assert np.array_equal(pixels(a), pixels(first.render(PLAN, seed=42, size=128)))
    assert not np.array_equal(pixels(a), pixels(first.render(PLAN, seed=43, size=128)))


def test_prompt_comes_from_the_plan(make_engine: EngineFactory) -> None:
    engine = make_engine()
    other = build_plan(prompt="a red desert under a white sun")
    a, b = engine.render(PLAN, seed=5, size=64), engine.render(other, seed=5, size=64)
    assert not np.array_equal(pixels(a), pixels(b))


def test_lora_changes_the_output_and_unloading_restores_it(
    make_engine: EngineFactory, tiny_lora: Path
) -> None:
    engine = make_engine()
    lora = LoraVersion(name="label-style", version=3, path=str(tiny_lora))
    plain = pixels(engine.render(PLAN, seed=9, size=64))
    styled = pixels(engine.render(PLAN, seed=9, size=64, loras=[lora]))
    assert np.abs(plain - styled).mean() > 1
    # Switching it off for a job, then unloading it entirely, both give the base model back.
    assert np.array_equal(plain, pixels(engine.render(PLAN, seed=9, size=64)))
    engine.unload_loras()
    assert np.array_equal(plain, pixels(engine.render(PLAN, seed=9, size=64)))
    assert np.array_equal(styled, pixels(engine.render(PLAN, seed=9, size=64, loras=[lora])))


def test_lora_from_a_directory_loads_too(make_engine: EngineFactory, tiny_lora: Path) -> None:
    lora = LoraVersion(name="dir", version=1, path=str(tiny_lora.parent), scale=0.5)
    assert make_engine().render(PLAN, seed=9, size=64, loras=[lora]).size == (64, 64)


def test_missing_lora_is_a_clear_error(make_engine: EngineFactory, tmp_path: Path) -> None:
    lora = LoraVersion(name="gone", version=2, path=str(tmp_path / "nope.safetensors"))
    with pytest.raises(RuntimeError, match=r"LoRA gone v2: weights not found"):
        make_engine().render(PLAN, seed=1, size=64, loras=[lora])


@pytest.mark.parametrize("scheduler", ["dpmpp-2m-karras", "euler-ancestral", "unipc"])
def test_scheduler_switch(make_engine: EngineFactory, scheduler: str) -> None:
    engine = make_engine(scheduler=scheduler)
    art = pixels(engine.render(PLAN, seed=3, size=64))
    euler = pixels(make_engine(scheduler="euler").render(PLAN, seed=3, size=64))
    assert type(engine._load().pipe.scheduler).__name__ in {
        "DPMSolverMultistepScheduler", "EulerAncestralDiscreteScheduler", "UniPCMultistepScheduler"}
    assert not np.array_equal(art, euler)


def test_unknown_scheduler_is_a_clear_error(make_engine: EngineFactory) -> None:
    engine = make_engine(scheduler="fastest")
    assert not engine.availability().available
    assert "unknown SLEEVE_SDXL_SCHEDULER 'fastest'" in engine.availability().reason
    with pytest.raises(ValueError, match="unknown scheduler 'fastest'"):
        engine.render(PLAN, seed=1, size=64)


def test_refiner_takes_over_the_last_steps(
    make_engine: EngineFactory, tiny_sdxl: Path, tiny_refiner: Path
) -> None:
    base = pixels(make_engine(steps=5).render(PLAN, seed=4, size=64))
    # With the base's own weights as refiner, the hand-over is seamless: the same image.
    same = make_engine(steps=5, refiner=str(tiny_sdxl)).render(PLAN, seed=4, size=64)
    assert np.abs(base - pixels(same)).max() <= 1
    refined_engine = make_engine(steps=5, refiner=str(tiny_refiner))
    refined = pixels(refined_engine.render(PLAN, seed=4, size=64))
    assert refined_engine._load().refiner is not None
    assert not np.array_equal(base, refined)


def test_lcm_path_uses_the_lcm_sampler_and_few_steps(
    make_engine: EngineFactory, tiny_lora: Path
) -> None:
    steps: list[int] = []
    engine = make_engine(lcm_lora=str(tiny_lora), steps=30,
                         on_step=lambda done, total: steps.append(total))
    engine.render(PLAN, seed=1, size=64)
    assert type(engine._load().pipe.scheduler).__name__ == "LCMScheduler"
    assert set(steps) == {4} and len(steps) == 4


def test_turbo_path_samples_with_trailing_euler_and_no_guidance(
    make_engine: EngineFactory,
) -> None:
    engine = make_engine(turbo=True, steps=30)
    engine.render(PLAN, seed=1, size=64)
    scheduler = engine._load().pipe.scheduler
    assert type(scheduler).__name__ == "EulerAncestralDiscreteScheduler"
    assert scheduler.config.timestep_spacing == "trailing"
    assert engine.options.cfg == 0.0 and engine.options.sampling_steps == 4


def test_tiled_img2img_upscale_is_deterministic(make_engine: EngineFactory) -> None:
    engine = make_engine(upscale="tiled-img2img")
    a = engine.render(PLAN, seed=2, size=160)
    assert a.size == (160, 160)
    assert np.array_equal(pixels(a), pixels(engine.render(PLAN, seed=2, size=160)))
    plain = make_engine().render(PLAN, seed=2, size=160)
    assert not np.array_equal(pixels(a), pixels(plain))


def test_half_precision_renders(make_engine: EngineFactory) -> None:
    engine = make_engine(dtype="bf16")
    art = engine.render(PLAN, seed=1, size=64)
    assert engine._load().dtype == torch.bfloat16
    assert art.size == (64, 64) and pixels(art).std() > 1


def test_device_is_chosen_cuda_then_mps_then_cpu(make_engine: EngineFactory) -> None:
    from sleeve.diffusion.device import available_devices, pick_device

    assert pick_device("auto") == available_devices()[0]
    assert available_devices()[-1] == "cpu"
    assert make_engine(device="auto")._load().device == pick_device("auto")
