"""Where the weights run (cuda → mps → cpu) and in which precision."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

DEVICE_ORDER: tuple[str, ...] = ("cuda", "mps", "cpu")


class DeviceUnavailableError(RuntimeError):
    pass


def available_devices() -> list[str]:
    import torch

    found = []
    if torch.cuda.is_available():
        found.append("cuda")
    if torch.backends.mps.is_available():
        found.append("mps")
    return [*found, "cpu"]


def pick_device(preference: str = "auto") -> str:
    """``auto`` takes the first of cuda, mps, cpu that exists; a named device must exist."""
    devices = available_devices()
    if preference == "auto":
        return devices[0]
    if preference not in DEVICE_ORDER:
        raise DeviceUnavailableError(f"unknown device {preference!r}; use auto, cuda, mps or cpu")
    if preference not in devices:
        raise DeviceUnavailableError(
            f"SLEEVE_SDXL_DEVICE={preference} but this host has no {preference} device "
            f"(found: {', '.join(devices)})"
        )
    return preference


def resolve_dtype(name: str, device: str) -> torch.dtype:
    """``auto`` is bf16 on GPUs that support it (as fast as fp16, and SDXL's VAE decodes in it
    without the fp32 upcast fp16 needs), fp16 on other accelerators, fp32 on CPU, where half
    precision is slow."""
    import torch

    if name == "auto":
        if device == "cuda":
            name = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        else:
            name = "fp32" if device == "cpu" else "fp16"
    dtypes = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}
    if name not in dtypes:
        raise ValueError(f"unknown dtype {name!r}; use auto, fp16, bf16 or fp32")
    return dtypes[name]


def device_name(device: str) -> str:
    import torch

    if device == "cuda":
        return str(torch.cuda.get_device_name(0))
    return device


def free_bytes(device: str) -> int | None:
    """Free memory on ``device`` now (CUDA only; None elsewhere)."""
    import torch

    if device != "cuda":
        return None
    free, _total = torch.cuda.mem_get_info()
    return int(free)


def free_memory(device: str) -> None:
    """Give cached blocks back after an out-of-memory error, so the next job can run."""
    import gc

    import torch

    gc.collect()
    if device == "cuda":
        torch.cuda.empty_cache()
    elif device == "mps":
        torch.mps.empty_cache()
