"""SDXL benchmark of the engine itself: ``sleeve.diffusion`` as the service runs it. Prints
one JSON object (and writes it to ``--out`` after every mode); progress goes to stderr.

Each named mode builds a fresh ``DiffusionEngine`` from options, warms it up as a worker does
(load, compile when asked, one render), then times renders:

    base30        base, dpmpp-2m-karras, 30 steps, guidance 6, 1024²
    base-refiner  the same with the refiner taking the last 20 % of the steps
    lcm4          LCM-LoRA (fused), 4 steps, no guidance, 1024²
    turbo4        Turbo path: 4 steps at 512², no guidance, then the ×4 upscaler to --size

Reported per mode: load and warm-up seconds, seconds per image (p50, min), true per-step time
(between step callbacks, synchronised with the GPU), and max_memory_allocated / reserved.
A mode that fails records its error; the others still run.

Weights: ``--model`` (and ``--refiner``, ``--lcm-lora``, ``--upscaler``, ``--vae``) when
given; ``--full-size`` builds full-size SDXL with random weights (public configurations,
``bench/sdxl_random.py``) on the GPU first; ``--smoke`` runs every mode on a tiny random SDXL
on CPU with 3 steps instead of 30 (the test suite runs it).

    python bench/diffusion.py --full-size --device cuda --out results.json
    python bench/diffusion.py --full-size --compile --modes base30,lcm4
    python bench/diffusion.py --smoke

Targets (H100/H200): 30 steps ≤ 1.5 s, 4 steps ≤ 0.3 s, ≤ 12 GB reserved.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import torch
from sdxl_random import RandomModels, build, progress

from sleeve.core.plan import CoverPlan
from sleeve.diffusion.device import DeviceUnavailableError, device_name, pick_device
from sleeve.diffusion.engine import DiffusionEngine
from sleeve.diffusion.options import DiffusionOptions

TARGETS = {"steps_30_s": 1.5, "steps_4_s": 0.3, "reserved_gb": 12.0}
PROMPT = "album cover artwork, rain on a window at night, city lights, cinematic, muted blues"
NEGATIVE = "text, watermark, blurry"
MODES = ("base30", "base-refiner", "lcm4", "turbo4")


@dataclass(frozen=True)
class Mode:
    name: str
    steps: int
    refiner: bool = False
    lcm: bool = False
    turbo: bool = False
    upscaler: bool = False


MODE_TABLE = {
    "base30": Mode("base30", 30),
    "base-refiner": Mode("base-refiner", 30, refiner=True),
    "lcm4": Mode("lcm4", 4, lcm=True),
    "turbo4": Mode("turbo4", 4, turbo=True, upscaler=True),
}


@dataclass(frozen=True)
class Weights:
    base: str
    refiner: str | None = None
    vae: str | None = None
    lcm_lora: str | None = None
    upscaler: str | None = None

    @classmethod
    def built(cls, models: RandomModels, *, fix_vae: bool) -> Weights:
        return cls(str(models.base), str(models.refiner),
                   str(models.vae) if fix_vae else None, str(models.lcm_lora),
                   str(models.upscaler))


def plan() -> CoverPlan:
    """A real plan from the art director, so the prompt is what a job would send."""
    from sleeve.core.art_direction import plan_covers
    from sleeve.core.brief import Brief

    brief = Brief(title="Midnight Rain", artist="Luna Vale", genre="ballad",
                  lyrics="rain on the window, city lights at night")
    return plan_covers(brief, 1, seed=1)[0]


class StepClock:
    """The engine's step hook: a timestamp per step, after the GPU has finished it."""

    def __init__(self, device: str) -> None:
        self.device = device
        self.times: list[float] = []

    def __call__(self, done: int, total: int) -> None:
        sync(self.device)
        self.times.append(time.perf_counter())

    def step_ms(self) -> float | None:
        gaps = [b - a for a, b in zip(self.times, self.times[1:], strict=False)]
        return round(1000 * statistics.median(gaps), 2) if gaps else None


def sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def memory_gb(device: str) -> dict[str, float | None]:
    if device != "cuda":
        return {"max_memory_allocated_gb": None, "max_memory_reserved_gb": None}
    return {"max_memory_allocated_gb": round(torch.cuda.max_memory_allocated() / 2**30, 2),
            "max_memory_reserved_gb": round(torch.cuda.max_memory_reserved() / 2**30, 2)}


def reset_memory(device: str) -> None:
    gc.collect()
    if device == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def options_for(mode: Mode, weights: Weights, base: DiffusionOptions,
                smoke: bool) -> DiffusionOptions:
    return replace(
        # The smoke run proves the harness, not the speed: 3 steps stand for 30.
        base, steps=min(mode.steps, 3) if smoke else mode.steps,
        refiner=weights.refiner if mode.refiner else None,
        lcm_lora=weights.lcm_lora if mode.lcm else None,
        turbo=mode.turbo,
        upscaler=weights.upscaler if mode.upscaler else None,
        # The tiny smoke model draws 64² (its Turbo size 32²); real ones 1024² (Turbo 512²).
        turbo_resolution=32 if smoke else base.turbo_resolution,
        upscaler_steps=1 if smoke else base.upscaler_steps,
    )


def run_mode(mode: Mode, options: DiffusionOptions, size: int, reps: int) -> dict[str, Any]:
    device = pick_device(options.device)
    reset_memory(device)
    clock = StepClock(device)
    engine = DiffusionEngine(options, on_step=clock)
    warm = engine.warm_up()
    load_memory = memory_gb(device)
    cover = plan()
    result: dict[str, Any] = {
        "mode": mode.name, "steps": options.sampling_steps, "guidance": options.cfg,
        "sampler": options.sampler, "render_size": options.render_resolution, "size": size,
        "load_s": warm.load_s, "warm_up_s": warm.warm_up_s,
        **engine.runtime(), "compile": options.compile and options.compile_mode,
        "peak_during_load_and_warm_up": load_memory,
    }
    sizes = [size] + ([options.render_resolution] if size != options.render_resolution else [])
    for target in sizes:
        reset_memory(device)
        runs, steps = [], []
        for rep in range(reps):
            clock.times.clear()
            sync(device)
            start = time.perf_counter()
            engine.render(cover, seed=rep, size=target)
            sync(device)
            runs.append(time.perf_counter() - start)
            steps.append(clock.step_ms())
        key = "" if target == size else "_without_upscale"
        result[f"s_per_image{key}"] = round(statistics.median(runs), 3)
        result[f"min_s{key}"] = round(min(runs), 3)
        result[f"step_ms{key}"] = statistics.median(s for s in steps if s is not None) \
            if any(s is not None for s in steps) else None
        result.update({f"{k}{key}": v for k, v in memory_gb(device).items()})
        progress(f"{mode.name} at {target}²: {result[f's_per_image{key}']} s/image")
    del engine
    reset_memory(device)
    return result


def verdicts(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Each mode's figures against the targets (None where the figure is missing)."""
    out: dict[str, Any] = {}
    for r in results:
        if "error" in r:
            continue
        denoise = r.get("s_per_image_without_upscale", r.get("s_per_image"))
        limit = TARGETS["steps_30_s"] if r["steps"] >= 30 else TARGETS["steps_4_s"]
        reserved = r.get("max_memory_reserved_gb")
        out[r["mode"]] = {
            "s_per_image": denoise, "target_s": limit, "meets_time": denoise <= limit,
            "reserved_gb": reserved, "target_reserved_gb": TARGETS["reserved_gb"],
            "meets_memory": None if reserved is None else reserved <= TARGETS["reserved_gb"],
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    weights = parser.add_mutually_exclusive_group()
    weights.add_argument("--smoke", action="store_true",
                         help="every mode on a tiny random SDXL on CPU: proves the harness")
    weights.add_argument("--full-size", action="store_true",
                         help="build full-size SDXL with random weights, then benchmark it")
    weights.add_argument("--model", help="real SDXL weights (directory or cached hub id)")
    parser.add_argument("--refiner", help="with --model: refiner weights")
    parser.add_argument("--lcm-lora", help="with --model: LCM-LoRA weights")
    parser.add_argument("--upscaler", help="with --model: SD ×4 upscaler weights")
    parser.add_argument("--vae", help="a replacement VAE (default with --full-size: fp16-fix)")
    parser.add_argument("--work", help="where random weights are written (kept; reused)")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--device", default="auto")
    parser.add_argument("--dtype", default="auto", choices=["auto", "fp16", "bf16", "fp32"])
    parser.add_argument("--offload", choices=["none", "model", "sequential"])
    parser.add_argument("--compile", action="store_true", help="compile the UNets at warm-up")
    parser.add_argument("--compile-mode", default="max-autotune-no-cudagraphs",
                        choices=["default", "max-autotune-no-cudagraphs"],
                        help="the engine's default is max-autotune-no-cudagraphs (minutes to "
                             "compile); default compiles faster")
    parser.add_argument("--size", type=int, default=None, help="output size (default 1024)")
    parser.add_argument("--reps", type=int, default=None)
    parser.add_argument("--out", help="write the JSON here too (after every mode)")
    args = parser.parse_args()
    if not (args.smoke or args.full_size or args.model):
        parser.error("give --model, --full-size or --smoke")
    names = [m for m in args.modes.split(",") if m]
    unknown = [m for m in names if m not in MODE_TABLE]
    if unknown:
        parser.error(f"unknown modes {', '.join(unknown)}; choose from {', '.join(MODES)}")

    try:
        device = "cpu" if args.smoke else pick_device(args.device)
    except DeviceUnavailableError as exc:
        parser.error(str(exc))
    if args.full_size and device == "cpu":
        parser.error("--full-size builds 3.5 B parameters: run it on a GPU (or use --smoke)")
    size = args.size or (64 if args.smoke else 1024)
    reps = args.reps or (1 if args.smoke else 2)
    report: dict[str, Any] = {
        "device": device_name(device), "platform": platform.platform(),
        "torch": torch.__version__, "diffusers": _version("diffusers"), "smoke": args.smoke,
        "weights": "tiny random SDXL" if args.smoke else (
            "full-size SDXL 1.0 architecture, random weights" if args.full_size else args.model),
        "size": size, "reps": reps, "targets": TARGETS, "results": [],
    }
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(args.work or temporary)
        started = time.perf_counter()
        if args.model:
            weights = Weights(args.model, args.refiner, args.vae, args.lcm_lora, args.upscaler)
        else:
            models = build(work / ("tiny" if args.smoke else "full"), full=args.full_size,
                           device=device)
            weights = Weights.built(models, fix_vae=args.full_size)
            report["build_weights_s"] = round(time.perf_counter() - started, 1)
        report["weights_paths"] = asdict(weights)
        base = DiffusionOptions(
            model=weights.base, device=device, dtype=args.dtype, offload=args.offload,
            compile=args.compile, compile_mode=args.compile_mode, vae=args.vae or weights.vae,
            resolution=64 if args.smoke else 1024, scheduler="dpmpp-2m-karras",
        )
        for name in names:
            mode = MODE_TABLE[name]
            progress(f"mode {name}")
            try:
                result = run_mode(mode, options_for(mode, weights, base, args.smoke), size, reps)
            except Exception as exc:  # one mode's failure must not lose the others' figures
                progress(f"mode {name} failed: {exc}")
                result = {"mode": name, "error": f"{type(exc).__name__}: {exc}"[:2000],
                          "traceback": traceback.format_exc()[-3000:]}
            reset_memory(device)  # outside the handler: the traceback no longer holds the engine
            report["results"].append(result)
            report["against_targets"] = verdicts(report["results"])
            if args.out:
                Path(args.out).write_text(json.dumps(report, indent=2))
    report["total_s"] = round(time.perf_counter() - started, 1)
    text = json.dumps(report, indent=2)
    if args.out:
        Path(args.out).write_text(text)
    print(text)


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    main()
