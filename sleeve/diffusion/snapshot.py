"""What a render may change in the loaded pipelines, captured before a job and put back when
the job fails, so one failed job never breaks the next.

A failure can strike anywhere: an out-of-memory error in the UNet, in the VAE decode (after
the pipeline has upcast an fp16 VAE to fp32 and before it casts it back), an exception from a
step callback. Afterwards every module must have the dtype and device it had, the samplers a
fresh state, and no job adapter active.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ModuleState:
    pipeline: str  # "base" or "refiner"
    component: str  # "unet", "vae", ...
    device: str
    dtype: str


@dataclass(frozen=True)
class PipelineState:
    modules: tuple[ModuleState, ...]
    schedulers: tuple[tuple[str, str, str], ...]  # (pipeline, class name, config JSON)

    def differences(self, other: PipelineState) -> list[str]:
        """Human-readable changes from ``self`` to ``other`` (for tests and logs)."""
        changed = [f"{a.pipeline}.{a.component}: {a.device}/{a.dtype} → {b.device}/{b.dtype}"
                   for a, b in zip(self.modules, other.modules, strict=True) if a != b]
        changed += [f"{a[0]} scheduler: {a[1]} → {b[1]}"
                    for a, b in zip(self.schedulers, other.schedulers, strict=True) if a != b]
        return changed


def _modules(pipes: dict[str, Any]) -> list[tuple[str, str, Any]]:
    import torch

    return [(label, name, module) for label, pipe in pipes.items()
            for name, module in sorted(pipe.components.items())
            if isinstance(module, torch.nn.Module)]


def _first_parameter(module: Any) -> Any:
    return next(iter(module.parameters()), None)


def capture(pipes: dict[str, Any]) -> PipelineState:
    modules = []
    for label, name, module in _modules(pipes):
        param = _first_parameter(module)
        modules.append(ModuleState(label, name, str(param.device) if param is not None else "-",
                                   str(param.dtype) if param is not None else "-"))
    schedulers = tuple((label, type(pipe.scheduler).__name__, pipe.scheduler.to_json_string())
                       for label, pipe in pipes.items())
    return PipelineState(tuple(modules), schedulers)


def restore(pipes: dict[str, Any], state: PipelineState, *, offloaded: bool) -> None:
    """Put every module back to ``state``'s dtype and device and give every sampler a fresh
    state. With CPU offload, accelerate's hooks own the devices: they are reset instead."""
    import torch

    by_key = {(m.pipeline, m.component): m for m in state.modules}
    for label, name, module in _modules(pipes):
        saved = by_key.get((label, name))
        param = _first_parameter(module)
        if saved is None or param is None:
            continue
        if str(param.dtype) != saved.dtype:
            module.to(dtype=getattr(torch, saved.dtype.removeprefix("torch.")))
        if not offloaded and str(param.device) != saved.device:
            module.to(torch.device(saved.device))
    for pipe in pipes.values():
        # Samplers keep step indices and multistep history between calls: start afresh.
        pipe.scheduler = type(pipe.scheduler).from_config(pipe.scheduler.config)
        if offloaded:
            pipe.maybe_free_model_hooks()
