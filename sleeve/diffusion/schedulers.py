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
