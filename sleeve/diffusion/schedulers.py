"""Sampler choice by name. Each entry is a diffusers scheduler class plus config overrides,
built from the pipeline's own scheduler config so the training betas are kept."""

from __future__ import annotations

from typing import Any

# name → (diffusers class name, overrides of the model's scheduler config)
SCHEDULERS: dict[str, tuple[str, dict[str, Any]]] = {
    # Good quality in 20–30 steps: the usual SDXL default.
    "dpmpp-2m-karras": (
        "DPMSolverMultistepScheduler",
        {"algorithm_type": "dpmsolver++", "solver_order": 2, "use_karras_sigmas": True},
    ),
    "dpmpp-2m": (
        "DPMSolverMultistepScheduler", {"algorithm_type": "dpmsolver++", "solver_order": 2}
    ),
    "euler": ("EulerDiscreteScheduler", {}),
    "euler-ancestral": ("EulerAncestralDiscreteScheduler", {}),
    "ddim": ("DDIMScheduler", {}),
    "unipc": ("UniPCMultistepScheduler", {}),
    # The fast paths: LCM-LoRA needs the LCM sampler; SDXL-Turbo samples with trailing spacing.
    "lcm": ("LCMScheduler", {}),
    "turbo": ("EulerAncestralDiscreteScheduler", {"timestep_spacing": "trailing"}),
}

SCHEDULER_NAMES: tuple[str, ...] = tuple(SCHEDULERS)


class UnknownSchedulerError(ValueError):
    pass


def make_scheduler(name: str, base_config: Any) -> Any:
    """A new scheduler ``name`` configured from ``base_config`` (a pipeline's scheduler config)."""
    if name not in SCHEDULERS:
        raise UnknownSchedulerError(
            f"unknown scheduler {name!r}; choose one of {', '.join(SCHEDULER_NAMES)}"
        )
    import diffusers

    class_name, overrides = SCHEDULERS[name]
    return getattr(diffusers, class_name).from_config(base_config, **overrides)


def split_point(scheduler: Any, steps: int, share: float) -> float:
    """The ``denoising_end`` / ``denoising_start`` fraction at which the base hands over to the
    refiner after ``round(steps × share)`` of its ``steps`` steps.

    diffusers turns a fraction into a timestep cutoff (``t ≥ (1 − fraction) × 1000``); with
    Karras sigmas the timesteps are not evenly spaced, so 0.8 ends the base after 12 of 20
    steps, not 16 (diffusers #14382). Placing the cutoff just above the first refiner timestep
    of this very schedule splits by step count for every schedule.
    """
    schedule = type(scheduler).from_config(scheduler.config)
    schedule.set_timesteps(steps)
    timesteps = [int(t) for t in schedule.timesteps[:: getattr(schedule, "order", 1)]]
    train_steps = int(scheduler.config.num_train_timesteps)
    base_steps = min(max(round(steps * share), 1), len(timesteps) - 1)
    # t ≥ cutoff: the base's steps; t < cutoff: the refiner's.
    cutoff = timesteps[base_steps] + 1
    while base_steps > 1 and timesteps[base_steps - 1] < cutoff:
        # Equal timesteps at the switch (rounding of dense Karras steps): hand over earlier.
        base_steps -= 1
        cutoff = timesteps[base_steps] + 1
    return 1 - cutoff / train_steps
