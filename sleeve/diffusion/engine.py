"""The SDXL engine: (plan, seed, size) → artwork, through diffusers.

The prompt and negative prompt come from the ``CoverPlan``; the shared typesetter and
exporter finish the cover. Weights load lazily (on ``warm_up``, which a worker calls before it
takes jobs, or on the first render), so building the engine (and importing this module) costs
nothing; torch is imported only then.

One GPU job at a time per process (``_ONE_JOB``): the samplers are stateful, the weights are
shared, and compiled graphs are used from whichever worker thread takes the job.
"""

from __future__ import annotations

import importlib.util
import itertools
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from PIL import Image

from sleeve.config import Settings, get_settings
from sleeve.core.availability import Availability, EngineUnavailableError
from sleeve.core.plan import CoverPlan
from sleeve.diffusion.device import (
    DeviceUnavailableError,
    device_name,
    free_bytes,
    free_memory,
    pick_device,
    resolve_dtype,
)
from sleeve.diffusion.errors import EngineOutOfMemoryError
from sleeve.diffusion.loader import load_pipeline, load_vae, locate, locate_vae
from sleeve.diffusion.lora import AdapterSet, LoraVersion, fuse_adapter
from sleeve.diffusion.memory import Offload, choose_offload, oom_advice
from sleeve.diffusion.options import DiffusionOptions
from sleeve.diffusion.schedulers import SCHEDULER_NAMES, make_scheduler, split_point
from sleeve.diffusion.snapshot import PipelineState, capture, restore
from sleeve.diffusion.upscale import upscale
from sleeve.diffusion.upscaler import LearnedUpscaler, locate_upscaler

EXTRA_MODULES = ("torch", "diffusers", "transformers", "peft", "accelerate", "safetensors")
LCM_ADAPTER = "lcm"
WARM_UP_PROMPT = "album cover artwork, warm-up render"

StepHook = Callable[[int, int], None]  # (step done, steps total); may raise to stop the job
State = Literal["cold", "warming", "ready", "failed"]

log = logging.getLogger(__name__)
_ONE_JOB = threading.Lock()


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
    conflict = options.conflict()
    if conflict:
        return Availability(False, conflict)
    try:
        _locate_all(options)
        device = pick_device(options.device)
    except (EngineUnavailableError, DeviceUnavailableError) as exc:
        return Availability(False, str(exc))
    if device == "cpu":
        # Decided: usable (tests, a patient single user), but say what it costs.
        return Availability(True, f"{options.model} on CPU only (no CUDA or MPS device): "
                                  f"works, but a {options.resolution}² render takes minutes")
    return Availability(True, f"{options.model} on {device_name(device)}")


def _locate_all(options: DiffusionOptions) -> None:
    """Every file the options name is on this host and loadable (raises otherwise)."""
    download = options.allow_download
    locate(options.model, allow_download=download)
    if options.refiner:
        locate(options.refiner, role="refiner", allow_download=download)
    if options.vae:
        locate_vae(options.vae, allow_download=download)
    if options.lcm_lora:
        LoraVersion(LCM_ADAPTER, 0, options.lcm_lora).check()
    if options.upscaler:
        locate_upscaler(options.upscaler, allow_download=download)


@dataclass
class _Loaded:
    pipe: Any
    refiner: Any
    adapters: AdapterSet
    device: str
    dtype: Any
    offload: Offload
    upscaler: LearnedUpscaler | None = None
    img2img: Any = None

    @property
    def pipes(self) -> dict[str, Any]:
        return {"base": self.pipe} | ({"refiner": self.refiner} if self.refiner else {})

    def state(self) -> PipelineState:
        return capture(self.pipes)


@dataclass(frozen=True)
class WarmUp:
    load_s: float
    warm_up_s: float  # the first render: compilation, kernel selection, allocator growth


@contextmanager
def _restored_on_failure(parts: _Loaded) -> Iterator[None]:
    """Whatever fails inside, ``parts`` are left as they were; no job adapter stays active."""
    before = parts.state()
    try:
        yield
    except BaseException:
        restore(parts.pipes, before, offloaded=parts.offload != "none")
        raise
    finally:
        parts.adapters.deactivate()  # a job's LoRAs are active for that job only


def _is_out_of_memory(exc: BaseException) -> bool:
    import torch

    # CUDA raises torch.OutOfMemoryError; MPS raises a RuntimeError saying so.
    return isinstance(exc, torch.OutOfMemoryError) or (
        isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()
    )


def _both(first: StepHook | None, second: StepHook | None) -> StepHook | None:
    if first is None or second is None:
        return first or second

    def hook(done: int, total: int) -> None:
        first(done, total)
        second(done, total)

    return hook


def _model_bytes(module: Any) -> int:
    return sum(p.numel() * p.element_size() for p in module.parameters())


class DiffusionEngine:
    """SDXL text-to-image with optional refiner, LoRA adapters, fast paths and upscaling."""

    name = "diffusion"

    def __init__(self, options: DiffusionOptions, *, on_step: StepHook | None = None) -> None:
        self.options = options
        self.on_step = on_step
        self._lock = _ONE_JOB
        self._parts: _Loaded | None = None
        self._state: State = "cold"
        self._warming_since = 0.0
        self._failure = ""

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> DiffusionEngine:
        settings = settings or get_settings()
        if not settings.sdxl_model:
            raise EngineUnavailableError("engine 'diffusion' needs SLEEVE_SDXL_MODEL")
        return cls(DiffusionOptions.from_settings(settings))

    @property
    def state(self) -> State:
        return self._state

    def availability(self) -> Availability:
        if self._state == "warming":
            return Availability(False, "warming: loading and compiling SDXL "
                                       f"({time.monotonic() - self._warming_since:.0f} s so far)")
        if self._state == "failed":
            return Availability(False, f"warm-up failed: {self._failure}")
        return check_availability(self.options)

    def warm_up(self) -> WarmUp:
        """Load the weights, compile, and render once at the size jobs render at (through the
        refiner too), so no job pays for it. Workers call this before taking jobs."""
        self._state, self._warming_since = "warming", time.monotonic()
        with self._lock:
            try:
                start = time.perf_counter()
                parts = self._load()
                loaded = time.perf_counter()
                with _restored_on_failure(parts):
                    self._text_to_image(parts, WARM_UP_PROMPT, None, 0, hook=None)
                self._sync(parts.device)
                done = time.perf_counter()
            except Exception as exc:
                self._state, self._failure = "failed", f"{type(exc).__name__}: {exc}"[:300]
                raise
        self._state = "ready"
        timing = WarmUp(round(loaded - start, 3), round(done - loaded, 3))
        log.info("SDXL warm: load %.1f s, first render %.1f s (%s, offload %s, compile %s)",
                 timing.load_s, timing.warm_up_s, parts.device, parts.offload,
                 self.options.compile)
        return timing

    def render(self, plan: CoverPlan, seed: int, size: int, *,
               loras: Sequence[LoraVersion] = (), on_step: StepHook | None = None
               ) -> Image.Image:
        """Artwork (no text) for ``plan``: same plan, seed, size and LoRAs → same pixels on
        the same device. ``on_step`` is called after every denoising step (after the engine's
        own hook) and may raise to stop the render there. Raises ``EngineOutOfMemoryError``
        when the device runs out; whatever fails, the engine is left as it was before the
        job."""
        if not 16 <= size <= 8192:
            raise ValueError(f"size must be between 16 and 8192 px, got {size}")
        with self._lock:
            try:
                parts = self._load()  # loading can run out of memory too
                art = self._job(parts, plan, seed, size, tuple(loras),
                                _both(self.on_step, on_step))
                self._state = "ready"  # a render that works clears a failed warm-up
                return art
            except Exception as exc:
                if not _is_out_of_memory(exc):
                    raise
                raise self._out_of_memory() from exc

    def runtime(self) -> dict[str, str]:
        """Where and how the loaded weights run (loads them if needed)."""
        with self._lock:
            parts = self._load()
        return {"device": parts.device, "dtype": str(parts.dtype).removeprefix("torch."),
                "offload": parts.offload}

    def unload_loras(self) -> None:
        """Remove every job LoRA from the weights (they reload on next use)."""
        with self._lock:
            if self._parts is not None:
                self._parts.adapters.unload()

    # --- internals ------------------------------------------------------------------------

    def _job(self, parts: _Loaded, plan: CoverPlan, seed: int, size: int,
             loras: tuple[LoraVersion, ...], hook: StepHook | None) -> Image.Image:
        with _restored_on_failure(parts):
            parts.adapters.activate(loras)
            art = self._text_to_image(parts, plan.prompt, plan.negative_prompt or None, seed,
                                      hook=hook)
            return self._resize(parts, plan, seed, art, size)

    def _out_of_memory(self) -> EngineOutOfMemoryError:
        o, parts = self.options, self._parts
        device = parts.device if parts else pick_device(o.device)
        free_memory(device)
        stage = "rendering" if parts else "loading the weights for"
        dtype = str(parts.dtype).removeprefix("torch.") if parts else o.dtype
        advice = oom_advice(
            device=device, offload=parts.offload if parts else "none",
            resolution=o.render_resolution, dtype=dtype, has_refiner=bool(o.refiner),
            vae_tiling=o.vae_tiling,
            vae_sample_size=int(parts.pipe.vae.config.sample_size) if parts else 1024,
        )
        return EngineOutOfMemoryError(
            f"out of {device} memory {stage} {o.render_resolution}² in {o.sampling_steps} steps "
            f"({dtype}, offload {parts.offload if parts else 'not chosen yet'}); "
            + "; or ".join(advice)
        )

    def _load(self) -> _Loaded:
        if self._parts is None:
            self._parts = self._build()
        return self._parts

    def _build(self) -> _Loaded:
        o = self.options
        conflict = o.conflict()
        if conflict:
            raise EngineUnavailableError(conflict)
        device = pick_device(o.device)
        dtype = resolve_dtype(o.dtype, device)
        download = o.allow_download
        replaced: dict[str, Any] = {}
        if o.vae:
            replaced["vae"] = load_vae(locate_vae(o.vae, allow_download=download), dtype=dtype,
                                       allow_download=download)
        pipe = load_pipeline(locate(o.model, allow_download=download), dtype=dtype,
                             allow_download=download, **replaced)
        pipe.scheduler = make_scheduler(o.sampler, pipe.scheduler.config)
        if o.lcm_lora:
            fuse_adapter(pipe, LCM_ADAPTER, LoraVersion(LCM_ADAPTER, 0, o.lcm_lora).check())
        refiner = None
        if o.refiner:  # loaded only when configured; it shares the base's encoder and VAE
            refiner = load_pipeline(
                locate(o.refiner, role="refiner", allow_download=download), dtype=dtype,
                role="refiner", allow_download=download,
                text_encoder_2=pipe.text_encoder_2, vae=pipe.vae,
            )
            refiner.scheduler = make_scheduler(o.sampler, refiner.scheduler.config)
        upscaler = None
        if o.upscaler:
            upscaler = LearnedUpscaler.load(
                locate_upscaler(o.upscaler, allow_download=download), dtype=dtype,
                steps=o.upscaler_steps, allow_download=download,
            )
        placed = [p for p in (pipe, refiner, upscaler.pipe if upscaler else None) if p is not None]
        offload = self._offload(device, placed)
        for p in placed:
            self._place(p, device, offload)
        if o.vae_tiling:
            pipe.vae.enable_tiling()
            pipe.vae.enable_slicing()
        if o.compile:
            for p in (pipe, refiner):
                if p is not None:
                    self._compile(p.unet, device)
        return _Loaded(pipe, refiner, AdapterSet(pipe), device, dtype, offload, upscaler)

    def _offload(self, device: str, pipes: list[Any]) -> Offload:
        """The configured mode, or on CUDA the least offloading that fits free memory."""
        if device != "cuda":
            return "none"  # offload moves weights between host and a GPU
        if self.options.offload is not None:
            return self.options.offload  # type: ignore[return-value]
        import torch

        modules = {id(m): m for p in pipes for m in p.components.values()
                   if isinstance(m, torch.nn.Module)}
        sizes = [_model_bytes(m) for m in modules.values()]
        free = free_bytes(device) or 0
        mode = choose_offload(free, sum(sizes), max(sizes), self.options.render_resolution)
        log.info("SDXL offload %s: %.1f GB of weights, %.1f GB free", mode, sum(sizes) / 2**30,
                 free / 2**30)
        return mode

    @staticmethod
    def _place(pipe: Any, device: str, offload: Offload) -> None:
        if offload == "model":
            pipe.enable_model_cpu_offload(device=device)
        elif offload == "sequential":
            pipe.enable_sequential_cpu_offload(device=device)
        else:
            pipe.to(device)
        pipe.set_progress_bar_config(disable=True)

    def _compile(self, unet: Any, device: str) -> None:
        """Compile in place: the module stays a ``UNet2DConditionModel`` (adapters keep
        working), and the options exclude CUDA graphs (see ``SLEEVE_SDXL_COMPILE_MODE``)."""
        import torch

        o = self.options
        if device == "cuda":
            unet.to(memory_format=torch.channels_last)
        kwargs: dict[str, Any] = {"backend": o.compile_backend}
        if o.compile_backend == "inductor":
            kwargs["mode"] = o.compile_mode
        unet.compile(**kwargs)

    @staticmethod
    def _sync(device: str) -> None:
        if device == "cuda":
            import torch

            torch.cuda.synchronize()

    def _common(self, prompt: str, negative: str | None, seed: int,
                hook: StepHook | None) -> dict[str, Any]:
        import torch

        o = self.options
        total = o.sampling_steps
        counter = itertools.count(1)  # shared by base and refiner: one count for the job

        def on_step_end(pipe: Any, step: int, timestep: Any, kwargs: dict[str, Any]) -> Any:
            if hook is not None:
                hook(next(counter), total)
            return kwargs

        return {
            "prompt": prompt,
            "negative_prompt": negative,
            "num_inference_steps": total,
            "guidance_scale": o.cfg,
            # A CPU generator gives the same noise on every device: seeds reproduce anywhere.
            "generator": torch.Generator("cpu").manual_seed(seed),
            "callback_on_step_end": on_step_end,
        }

    def _text_to_image(self, parts: _Loaded, prompt: str, negative: str | None, seed: int,
                       *, hook: StepHook | None) -> Image.Image:
        o = self.options
        size = o.render_resolution
        args = {**self._common(prompt, negative, seed, hook), "height": size, "width": size}
        if parts.refiner is None:
            return parts.pipe(**args).images[0]
        # Split by step count (a fraction misplaces the switch with Karras sigmas).
        split = split_point(parts.pipe.scheduler, o.sampling_steps, o.refiner_switch)
        latents = parts.pipe(**args, denoising_end=split, output_type="latent").images
        del args["height"], args["width"]
        return parts.refiner(
            **args, image=latents, denoising_start=split
        ).images[0]

    def _resize(self, parts: _Loaded, plan: CoverPlan, seed: int, art: Image.Image,
                size: int) -> Image.Image:
        if size == art.width:
            return art
        if size < art.width:
            return art.resize((size, size), Image.Resampling.LANCZOS)
        if parts.upscaler is not None:
            return parts.upscaler(art, size, plan.prompt, seed)
        if self.options.upscale != "tiled-img2img":
            return upscale(art, size)
        from diffusers import StableDiffusionXLImg2ImgPipeline

        if parts.img2img is None:
            parts.img2img = StableDiffusionXLImg2ImgPipeline.from_pipe(parts.pipe)
        o = self.options
        negative = plan.negative_prompt or None

        def redraw(tile: Image.Image, index: int) -> Image.Image:
            # Each tile its own seed, derived from the cover's: reproducible, not repetitive.
            args = self._common(plan.prompt, negative, seed * 1009 + index + 1, None)
            # img2img runs steps × strength steps: keep at least one.
            args["num_inference_steps"] = max(args["num_inference_steps"],
                                              math.ceil(1 / o.redraw_strength))
            result = parts.img2img(**args, image=tile, strength=o.redraw_strength).images[0]
            return result

        tile = o.render_resolution
        return upscale(art, size, redraw=redraw, tile=tile, overlap=tile // 8)
