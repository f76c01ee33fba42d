"""How the weights share the GPU with the work: the offload mode and, when a job runs out of
memory anyway, what would actually help on this card. Pure functions of measured numbers."""

from __future__ import annotations

from typing import Literal

Offload = Literal["none", "model", "sequential"]
OFFLOAD_MODES: tuple[Offload, ...] = ("none", "model", "sequential")

GB = 2**30
# Working memory of one SDXL 1024² job on top of the weights (activations with classifier-free
# guidance, VAE decode in fp16): about 3 GB measured on 24 GB cards; 4 leaves room for the
# allocator's fragmentation.
WORKING_BYTES_1024 = 4 * GB


def working_bytes(resolution: int) -> int:
    """Activation memory grows with the pixel count."""
    return int(WORKING_BYTES_1024 * max(resolution, 512) ** 2 / 1024**2)


def choose_offload(free_bytes: int, weight_bytes: int, largest_model_bytes: int,
                   resolution: int) -> Offload:
    """All weights on the GPU when they fit with the working memory; else one model at a time
    (the largest model, the UNet, must fit with the work); else layer by layer."""
    work = working_bytes(resolution)
    if weight_bytes + work <= free_bytes:
        return "none"
    if largest_model_bytes + work <= free_bytes:
        return "model"
    return "sequential"


def oom_advice(*, device: str, offload: Offload, resolution: int, dtype: str,
               has_refiner: bool, vae_tiling: bool, vae_sample_size: int) -> list[str]:
    """What to change, most effective first, given how the engine already runs."""
    advice: list[str] = []
    if dtype == "float32" and device != "cpu":
        advice.append("use SLEEVE_SDXL_DTYPE=fp16 (half the memory)")
    if device == "cuda":
        if offload == "none":
            advice.append("set SLEEVE_SDXL_OFFLOAD=model (one model on the GPU at a time; "
                          "fits 12–16 GB cards)")
        elif offload == "model":
            advice.append("set SLEEVE_SDXL_OFFLOAD=sequential (slowest, smallest)")
    if has_refiner:
        advice.append("unset SLEEVE_SDXL_REFINER (its UNet is another 4.5 GB in fp16)")
    if resolution > 1024:
        advice.append("lower SLEEVE_SDXL_RESOLUTION to 1024 (the upscaler makes the master)")
    # VAE tiling only splits images larger than the VAE's own tile (1024² for SDXL).
    if not vae_tiling and resolution > vae_sample_size:
        advice.append("set SLEEVE_SDXL_VAE_TILING=true")
    if not advice:
        advice.append("free the device (other processes hold its memory) or use a larger card")
    return advice
