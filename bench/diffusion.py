"""SDXL GPU benchmark. Prints one JSON object.

Times the full text-to-image call (text encoders, UNet steps, VAE decode) at 1024², for 30
and 4 steps, with and without ``torch.compile``, reporting p50/min seconds and peak GPU
memory. Weights: ``--model`` or ``SLEEVE_SDXL_MODEL`` when given (loaded through the engine's
own loader), otherwise the full-size SDXL base architecture with random weights (the public
configuration values in ``sleeve.diffusion.architecture.SDXL_BASE``): same shapes, same
FLOPs, same memory, so the timings stand for the real model.

    python bench/diffusion.py                       # GPU: fp16, 30 and 4 steps, eager + compiled
    python bench/diffusion.py --dtype bf16 --compile on --reps 5
    python bench/diffusion.py --smoke               # CPU: tiny SDXL, proves the harness works

Targets (issue 5, H100): ≤ 1.5 s for 30 steps, ≤ 0.3 s for 4 steps, peak ≤ 12 GB.
Anchor: diffusers' published A100 run, 2.55 s for 30 steps (bf16, SDPA, torch.compile).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from sleeve.config import Settings
from sleeve.diffusion.architecture import SDXL_BASE, TINY, random_pipeline
from sleeve.diffusion.device import device_name, pick_device, resolve_dtype
from sleeve.diffusion.loader import load_pipeline, locate
from sleeve.diffusion.schedulers import make_scheduler

TARGETS = {"steps_30_s": 1.5, "steps_4_s": 0.3, "peak_memory_gb": 12.0}
PROMPT = "album cover artwork, rain on a window at night, city lights, cinematic, muted blues"


def sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def peak_memory_gb(device: str) -> float | None:
    return torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else None


def reset_memory(device: str) -> None:
    if device == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def build(args: argparse.Namespace, device: str, dtype: torch.dtype, work: Path) -> tuple[Any, str]:
    model = args.model or Settings().sdxl_model
    if model and not args.smoke:
        pipe = load_pipeline(locate(model), dtype=dtype).to(device)
        weights = model
    else:
        pipe = random_pipeline(TINY if args.smoke else SDXL_BASE, work, dtype=dtype, device=device)
        weights = "random weights, " + ("tiny SDXL" if args.smoke else "SDXL base architecture")
    pipe.scheduler = make_scheduler(args.scheduler, pipe.scheduler.config)
    pipe.set_progress_bar_config(disable=True)
    return pipe, weights


def compile_pipeline(pipe: Any) -> None:
    # As in diffusers' SDXL speed-up guide: fused QKV, channels-last, compiled UNet and decoder.
    pipe.fuse_qkv_projections()
    pipe.unet.to(memory_format=torch.channels_last)
    pipe.vae.to(memory_format=torch.channels_last)
    pipe.unet = torch.compile(pipe.unet, mode="max-autotune", fullgraph=True)
    pipe.vae.decode = torch.compile(pipe.vae.decode, mode="max-autotune", fullgraph=True)


FEW_STEPS = 8


def guidance_for(steps: int) -> float:
    """Few-step runs are the Turbo / LCM-LoRA path, which samples without classifier-free
    guidance (one UNet pass a step instead of two); full runs use SDXL's usual guidance."""
    return 0.0 if steps <= FEW_STEPS else 5.0


def time_call(pipe: Any, device: str, size: int, steps: int) -> float:
    sync(device)
    start = time.perf_counter()
    pipe(PROMPT, num_inference_steps=steps, height=size, width=size,
         guidance_scale=guidance_for(steps),
         generator=torch.Generator("cpu").manual_seed(0), output_type="np")
    sync(device)
    return time.perf_counter() - start


def measure(pipe: Any, device: str, size: int, steps: int, reps: int) -> dict[str, Any]:
    warmup = time_call(pipe, device, size, steps)  # includes compilation when compiled
    reset_memory(device)
    runs = [time_call(pipe, device, size, steps) for _ in range(reps)]
    memory = peak_memory_gb(device)
    return {
        "steps": steps, "guidance_scale": guidance_for(steps), "warmup_s": round(warmup, 3),
        "p50_s": round(statistics.median(runs), 3),
        "min_s": round(min(runs), 3), "runs_s": [round(r, 3) for r in runs],
        "per_step_ms": round(1000 * statistics.median(runs) / steps, 1),
        "peak_memory_gb": None if memory is None else round(memory, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true",
                        help="tiny SDXL on any device, 64², few steps: proves the harness")
    parser.add_argument("--model", help="SDXL weights (default: SLEEVE_SDXL_MODEL, else random)")
    parser.add_argument("--dtype", default=None, choices=["fp16", "bf16", "fp32"])
    parser.add_argument("--size", type=int, default=None)
    parser.add_argument("--steps", default=None, help="comma-separated step counts")
    parser.add_argument("--compile", default=None, choices=["off", "on", "both"])
    parser.add_argument("--scheduler", default="euler")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()

    device = pick_device("auto")
    if device != "cuda" and not args.smoke:
        sys.exit(f"no CUDA device (found {device}); run with --smoke to check the harness")
    dtype_name = args.dtype or ("fp32" if args.smoke else "fp16")
    dtype = resolve_dtype(dtype_name, device)
    size = args.size or (64 if args.smoke else 1024)
    steps_list = [int(s) for s in (args.steps or ("4,2" if args.smoke else "30,4")).split(",")]
    compile_modes = {"off": [False], "on": [True], "both": [False, True]}[
        args.compile or ("off" if args.smoke else "both")]
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True

    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as work:
        pipe, weights = build(args, device, dtype, Path(work))
        for compiled in compile_modes:
            if compiled:
                compile_pipeline(pipe)
            for steps in steps_list:
                results.append({"compile": compiled,
                                **measure(pipe, device, size, steps, args.reps)})
    print(json.dumps({
        "device": device_name(device), "platform": platform.platform(),
        "torch": torch.__version__, "diffusers": _version("diffusers"), "dtype": dtype_name,
        "weights": weights, "size": size, "scheduler": args.scheduler, "smoke": args.smoke,
        "attention": "SDPA (torch.nn.functional.scaled_dot_product_attention)",
        "results": results, "targets_h100": TARGETS,
    }, indent=2))


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    main()
