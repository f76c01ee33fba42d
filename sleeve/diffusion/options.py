"""Every knob of the diffusion engine, read once from ``Settings``."""

from __future__ import annotations

from dataclasses import dataclass

from sleeve.config import Settings

FAST_STEPS = 4  # LCM-LoRA and SDXL-Turbo are distilled for 1–4 steps


@dataclass(frozen=True)
class DiffusionOptions:
    model: str
    refiner: str | None = None
    device: str = "auto"
    dtype: str = "auto"
    scheduler: str = "dpmpp-2m-karras"
    steps: int = 30
    guidance: float = 6.0
    resolution: int = 1024
    compile: bool = False
    vae_tiling: bool = True
    lcm_lora: str | None = None
    turbo: bool = False
    upscale: str = "lanczos"
    allow_download: bool = False
    # Share of the denoising the base does before the refiner takes over (SDXL's ensemble).
    refiner_switch: float = 0.8
    # Strength of the tiled-img2img detail pass: low, so it adds detail but keeps the picture.
    redraw_strength: float = 0.3

    @classmethod
    def from_settings(cls, settings: Settings) -> DiffusionOptions:
        if not settings.sdxl_model:
            raise ValueError("SLEEVE_SDXL_MODEL is unset")
        return cls(
            model=settings.sdxl_model, refiner=settings.sdxl_refiner,
            device=settings.sdxl_device, dtype=settings.sdxl_dtype,
            scheduler=settings.sdxl_scheduler, steps=settings.sdxl_steps,
            guidance=settings.sdxl_guidance, resolution=settings.sdxl_resolution,
            compile=settings.sdxl_compile, vae_tiling=settings.sdxl_vae_tiling,
            lcm_lora=settings.sdxl_lcm_lora, turbo=settings.sdxl_turbo,
            upscale=settings.sdxl_upscale, allow_download=settings.sdxl_allow_download,
        )

    @property
    def fast(self) -> bool:
        return self.turbo or self.lcm_lora is not None

    @property
    def sampler(self) -> str:
        if self.turbo:
            return "turbo"
        return "lcm" if self.lcm_lora else self.scheduler

    @property
    def sampling_steps(self) -> int:
        return min(self.steps, FAST_STEPS) if self.fast else self.steps

    @property
    def cfg(self) -> float:
        # Turbo is trained without classifier-free guidance; LCM bakes guidance in (≤1 = off).
        if self.turbo:
            return 0.0
        return 1.0 if self.lcm_lora else self.guidance
