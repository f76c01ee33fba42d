"""Every knob of the diffusion engine, read once from ``Settings``."""

from __future__ import annotations

from dataclasses import dataclass

from sleeve.config import Settings

FAST_STEPS = 4  # LCM-LoRA and SDXL-Turbo are distilled for 1–4 steps
TURBO_RESOLUTION = 512  # SDXL-Turbo is trained at 512²; the upscaler takes it to cover size
LCM_GUIDANCE = (1.0, 2.0)  # the LCM-LoRA model card's range (1 = no classifier-free guidance)


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
    compile_mode: str = "max-autotune-no-cudagraphs"
    # torch.compile backend; tests use "eager" (Dynamo tracing without code generation).
    compile_backend: str = "inductor"
    vae: str | None = None
    offload: str | None = None  # none | model | sequential | None (chosen at load)
    vae_tiling: bool = True
    lcm_lora: str | None = None
    turbo: bool = False
    turbo_resolution: int = TURBO_RESOLUTION
    upscale: str = "lanczos"
    upscaler: str | None = None
    upscaler_steps: int = 20
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
            compile=settings.sdxl_compile, compile_mode=settings.sdxl_compile_mode,
            vae=settings.sdxl_vae, offload=settings.sdxl_offload,
            vae_tiling=settings.sdxl_vae_tiling,
            lcm_lora=settings.sdxl_lcm_lora, turbo=settings.sdxl_turbo,
            upscale=settings.sdxl_upscale, upscaler=settings.upscaler_model,
            upscaler_steps=settings.upscaler_steps,
            allow_download=settings.sdxl_allow_download,
        )

    @property
    def fast(self) -> bool:
        return self.turbo or self.lcm_lora is not None

    @property
    def fast_path(self) -> str | None:
        if self.turbo:
            return "SLEEVE_SDXL_TURBO"
        return "SLEEVE_SDXL_LCM_LORA" if self.lcm_lora else None

    def conflict(self) -> str | None:
        """Why this combination of settings cannot run, or None."""
        if self.turbo and self.lcm_lora:
            return "SLEEVE_SDXL_TURBO and SLEEVE_SDXL_LCM_LORA are two fast paths; choose one"
        if self.refiner and self.fast:
            # The refiner has no distilled weights: it would take over a 4-step latent and
            # sample it with a full-step model, undoing the fast path and its speed.
            return (f"SLEEVE_SDXL_REFINER cannot be combined with {self.fast_path}: the "
                    "refiner is not distilled for few-step sampling; unset one of them")
        if self.refiner and self.steps < 2:
            return "SLEEVE_SDXL_REFINER needs SLEEVE_SDXL_STEPS ≥ 2 (a step for each model)"
        return None

    @property
    def sampler(self) -> str:
        if self.turbo:
            return "turbo"
        return "lcm" if self.lcm_lora else self.scheduler

    @property
    def sampling_steps(self) -> int:
        return min(self.steps, FAST_STEPS) if self.fast else self.steps

    @property
    def render_resolution(self) -> int:
        """The size the model draws at (the upscaler does the rest)."""
        return min(self.resolution, self.turbo_resolution) if self.turbo else self.resolution

    @property
    def cfg(self) -> float:
        # Turbo is trained without classifier-free guidance. LCM-LoRA bakes guidance in and
        # wants 1–2; a guidance meant for the full model (above 2) falls back to 1 (no CFG).
        if self.turbo:
            return 0.0
        if self.lcm_lora:
            low, high = LCM_GUIDANCE
            return self.guidance if low <= self.guidance <= high else low
        return self.guidance
