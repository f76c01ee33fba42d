"""The SDXL engine: (plan, seed, size) → artwork, through diffusers.

The prompt and negative prompt come from the ``CoverPlan``; the shared typesetter and
exporter finish the cover. Weights load lazily on the first render, so building the engine
(and importing this module) costs nothing; torch is imported only then.
"""

from __future__ import annotations

import importlib.util
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image

from sleeve.config import Settings, get_settings
from sleeve.core.availability import Availability, EngineUnavailableError
from sleeve.core.plan import CoverPlan
from sleeve.diffusion.device import (
    DeviceUnavailableError,
    device_name,
    free_memory,
    pick_device,
    resolve_dtype,
)
from sleeve.diffusion.errors import EngineOutOfMemoryError
from sleeve.diffusion.loader import load_pipeline, locate
from sleeve.diffusion.lora import AdapterSet, LoraVersion, load_adapter
from sleeve.diffusion.options import DiffusionOptions
from sleeve.diffusion.schedulers import SCHEDULER_NAMES, make_scheduler
from sleeve.diffusion.upscale import upscale

EXTRA_MODULES = ("torch", "diffusers", "transformers", "peft", "accelerate", "safetensors")
LCM_ADAPTER = "lcm"

StepHook = Callable[[int, int], None]  # (step done, steps total); may raise to stop the job


def diffusion_availability(settings: Settings | None = None) -> Availability:
    """Whether SDXL can run here, and precisely why not (for ``sleeve engines``, ``/readyz``)."""
    missing = [m for m in EXTRA_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        return Availability(
            False, f"the diffusion extra is not installed (missing {', '.join(missing)}): "
            "pip install 'sleeve[diffusion]'"
        )
    settings = settings or get_settings()
    if not settings.sdxl_model:
        return Availability(
            False, "SLEEVE_SDXL_MODEL is unset: point it at an SDXL diffusers directory "
            "or a cached hub id"
        )
    return check_availability(DiffusionOptions.from_settings(settings))


def check_availability(options: DiffusionOptions) -> Availability:
    if options.scheduler not in SCHEDULER_NAMES:
        return Availability(False, f"unknown SLEEVE_SDXL_SCHEDULER {options.scheduler!r}; "
                                   f"choose one of {', '.join(SCHEDULER_NAMES)}")
    try:
        locate(options.model, allow_download=options.allow_download)
        if options.refiner:
            locate(options.refiner, role="refiner", allow_download=options.allow_download)
        if options.lcm_lora:
            LoraVersion(LCM_ADAPTER, 0, options.lcm_lora).check()
        device = pick_device(options.device)
    except (EngineUnavailableError, DeviceUnavailableError) as exc:
        return Availability(False, str(exc))
    if device == "cpu":
        # Decided: usable (tests, a patient single user), but say what it costs.
        return Availability(True, f"{options.model} on CPU only (no CUDA or MPS device): "
                                  f"works, but a {options.resolution}² render takes minutes")
    return Availability(True, f"{options.model} on {device_name(device)}")


@dataclass
class _Loaded:
    pipe: Any
    refiner: Any
    adapters: AdapterSet
    device: str
    dtype: Any
    img2img: Any = None


def _is_out_of_memory(exc: BaseException) -> bool:
    import torch

    # CUDA raises torch.OutOfMemoryError; MPS raises a RuntimeError saying so.
    return isinstance(exc, torch.OutOfMemoryError) or (
        isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()
    )


class DiffusionEngine:
    """SDXL text-to-image with optional refiner, LoRA adapters, fast paths and upscaling."""

    name = "diffusion"

    def __init__(self, options: DiffusionOptions, *, on_step: StepHook | None = None) -> None:
        self.options = options
        self.on_step = on_step
        self._lock = threading.Lock()  # one pipeline, one job at a time (schedulers are stateful)
        self._parts: _Loaded | None = None

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> DiffusionEngine:
        settings = settings or get_settings()
        if not settings.sdxl_model:
            raise EngineUnavailableError("engine 'diffusion' needs SLEEVE_SDXL_MODEL")
        return cls(DiffusionOptions.from_settings(settings))

    def availability(self) -> Availability:
        return check_availability(self.options)

    def render(self, plan: CoverPlan, seed: int, size: int, *,
               loras: Sequence[LoraVersion] = ()) -> Image.Image:
        """Artwork (no text) for ``plan``: same plan, seed, size and LoRAs → same pixels on
        the same device. Raises ``EngineOutOfMemoryError`` when the device runs out."""
        if not 16 <= size <= 8192:
            raise ValueError(f"size must be between 16 and 8192 px, got {size}")
        with self._lock:
            try:
                parts = self._load()  # loading can run out of memory too
                parts.adapters.activate(tuple(loras))
                art = self._text_to_image(parts, plan, seed)
                return self._resize(parts, plan, seed, art, size)
            except Exception as exc:
                if not _is_out_of_memory(exc):
                    raise
                raise self._out_of_memory() from exc

    def _out_of_memory(self) -> EngineOutOfMemoryError:
        o = self.options
        device = self._parts.device if self._parts else pick_device(o.device)
        free_memory(device)
        stage = "rendering" if self._parts else "loading the weights for"
        dtype = str(self._parts.dtype).removeprefix("torch.") if self._parts else o.dtype
        return EngineOutOfMemoryError(
            f"out of {device} memory {stage} {o.resolution}² in {o.sampling_steps} steps "
            f"({dtype}); lower SLEEVE_SDXL_RESOLUTION, use fp16 and "
            "SLEEVE_SDXL_VAE_TILING, or free the device"
        )

    def unload_loras(self) -> None:
        """Remove every job LoRA from the weights (they reload on next use)."""
        with self._lock:
            if self._parts is not None:
                self._parts.adapters.unload()

    # --- internals ------------------------------------------------------------------------

    def _load(self) -> _Loaded:
        if self._parts is None:
            self._parts = self._build()
        return self._parts

    def _build(self) -> _Loaded:
        import torch

        o = self.options
        device = pick_device(o.device)
        dtype = resolve_dtype(o.dtype, device)
        source = locate(o.model, allow_download=o.allow_download)
        pipe = load_pipeline(source, dtype=dtype, allow_download=o.allow_download)
        pipe.scheduler = make_scheduler(o.sampler, pipe.scheduler.config)
        always: dict[str, float] = {}
        if o.lcm_lora:
            load_adapter(pipe, LCM_ADAPTER, LoraVersion(LCM_ADAPTER, 0, o.lcm_lora).check())
            always[LCM_ADAPTER] = 1.0
        pipe.to(device)
        pipe.set_progress_bar_config(disable=True)
        if o.vae_tiling:
            pipe.vae.enable_tiling()
            pipe.vae.enable_slicing()
        refiner = None
        if o.refiner:
            refiner_source = locate(o.refiner, role="refiner", allow_download=o.allow_download)
            refiner = load_pipeline(
                refiner_source, dtype=dtype, role="refiner", allow_download=o.allow_download,
                text_encoder_2=pipe.text_encoder_2, vae=pipe.vae,
            )
            refiner.scheduler = make_scheduler(o.sampler, refiner.scheduler.config)
            refiner.to(device)
            refiner.set_progress_bar_config(disable=True)
        if o.compile:
            pipe.unet.to(memory_format=torch.channels_last)
            pipe.unet = torch.compile(pipe.unet, mode="max-autotune", fullgraph=True)
        return _Loaded(pipe, refiner, AdapterSet(pipe, always), device, dtype)

    def _callback(self, total: int) -> Any:
        hook = self.on_step

        def on_step_end(pipe: Any, step: int, timestep: Any, kwargs: dict[str, Any]) -> Any:
            if hook is not None:
                hook(step + 1, total)
            return kwargs

        return on_step_end

    def _common(self, plan: CoverPlan, seed: int) -> dict[str, Any]:
        import torch

        o = self.options
        return {
            "prompt": plan.prompt,
            "negative_prompt": plan.negative_prompt or None,
            "num_inference_steps": o.sampling_steps,
            "guidance_scale": o.cfg,
            # A CPU generator gives the same noise on every device: seeds reproduce anywhere.
            "generator": torch.Generator("cpu").manual_seed(seed),
            "callback_on_step_end": self._callback(o.sampling_steps),
        }

    def _text_to_image(self, parts: _Loaded, plan: CoverPlan, seed: int) -> Image.Image:
        o = self.options
        args = {**self._common(plan, seed), "height": o.resolution, "width": o.resolution}
        if parts.refiner is None:
            return parts.pipe(**args).images[0]
        latents = parts.pipe(**args, denoising_end=o.refiner_switch, output_type="latent").images
        del args["height"], args["width"]
        return parts.refiner(
            **args, image=latents, denoising_start=o.refiner_switch
        ).images[0]

    def _resize(self, parts: _Loaded, plan: CoverPlan, seed: int, art: Image.Image,
                size: int) -> Image.Image:
        if size == art.width:
            return art
        if size < art.width:
            return art.resize((size, size), Image.Resampling.LANCZOS)
        if self.options.upscale != "tiled-img2img":
            return upscale(art, size)
        from diffusers import StableDiffusionXLImg2ImgPipeline

        if parts.img2img is None:
            parts.img2img = StableDiffusionXLImg2ImgPipeline.from_pipe(parts.pipe)
        o = self.options

        def redraw(tile: Image.Image, index: int) -> Image.Image:
            # Each tile its own seed, derived from the cover's: reproducible, not repetitive.
            args = self._common(plan, seed * 1009 + index + 1)
            # img2img runs steps × strength steps: keep at least one.
            args["num_inference_steps"] = max(args["num_inference_steps"],
                                              math.ceil(1 / o.redraw_strength))
            result = parts.img2img(**args, image=tile, strength=o.redraw_strength).images[0]
            return result

        return upscale(art, size, redraw=redraw, tile=o.resolution, overlap=o.resolution // 8)
