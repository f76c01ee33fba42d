"""DreamBooth-LoRA training figures (issue 10, point 9's GPU part). Prints JSON.

On a CUDA host: full-size SDXL with random weights (the public stabilityai/
stable-diffusion-xl-base-1.0 configuration: same shapes, FLOPs and memory as the real model)
is built on the GPU, class images for prior preservation are made by it, and
``--steps`` (default 500) DreamBooth-LoRA steps at ``--resolution`` (default 1024²) are timed
exactly as the ``subject_training`` job runs them (``sleeve.diffusion.dreambooth``: bf16
frozen weights, fp32 adapters, gradient checkpointing, prior preservation). Reported:
steps/s, per-step time (p50, p90), the loop's total seconds, the class images' seconds
each, and peak CUDA memory during the training steps (allocated and reserved).
Targets (H100/H200): 500 steps ≤ 8 minutes, ≤ 24 GB.

Without CUDA it says so (``available: false`` and why) and measures nothing; ``--smoke``
runs the same code on the tiny SDXL on CPU for two steps (the test suite does).

    python bench/dreambooth.py                         # H100/H200: the real figures
    python bench/dreambooth.py --adam-8bit --rank 32   # variants
    python bench/dreambooth.py --smoke

``bench/personalize.py`` includes this section as its ``gpu`` figures.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sdxl_random import SDXL_BASE, TINY, Architecture, progress, random_pipeline

TARGETS = {"minutes_500_steps": 8.0, "peak_reserved_gb": 24.0}


def face_photos(resolution: int, count: int = 5) -> list[Any]:
    """The astronaut portrait (scikit-image), cropped and flipped: ``count`` photos of one
    face (random weights learn nothing from them; the shapes are what is timed)."""
    from PIL import Image, ImageOps
    from skimage import data

    portrait = Image.fromarray(data.astronaut())
    boxes = [(140, 20, 340, 220), (120, 0, 360, 240), (100, 0, 400, 300), (160, 40, 320, 200),
             (90, 0, 410, 320)]
    photos = [portrait.crop(box).resize((resolution, resolution)) for box in boxes]
    photos += [ImageOps.mirror(p) for p in photos]
    return photos[:count]


def measure(arch: Architecture, device: str, *, steps: int, resolution: int, rank: int,
            class_images: int, class_steps: int, adam_8bit: bool,
            gradient_checkpointing: bool = True) -> dict[str, Any]:
    """Build ``arch`` with random weights on ``device``, make the class images, train."""
    import torch

    from sleeve.diffusion.device import device_name, resolve_dtype
    from sleeve.diffusion.dreambooth import DreamBoothTraining, train_dreambooth
    from sleeve.diffusion.dreambooth import class_images as make_class_images
    from sleeve.diffusion.train_lora import LoraTraining

    cuda = device == "cuda"
    dtype = resolve_dtype("auto", device)
    work = Path(tempfile.mkdtemp(prefix="sleeve-bench-dreambooth-"))
    t0 = time.perf_counter()
    pipe = random_pipeline(arch, work, dtype=dtype, device=device)
    build_s = time.perf_counter() - t0
    progress(f"built {'full-size' if arch is SDXL_BASE else 'tiny'} SDXL in {build_s:.1f} s")
    options = DreamBoothTraining(lora=LoraTraining(
        steps=steps, rank=rank, learning_rate=1e-4, resolution=resolution, device=device,
        gradient_checkpointing=gradient_checkpointing, adam_8bit=adam_8bit))

    t0 = time.perf_counter()
    priors = make_class_images(pipe, options.class_prompt, class_images,
                               resolution=resolution, steps=class_steps)
    class_s = time.perf_counter() - t0
    progress(f"{class_images} class images in {class_s:.1f} s")

    marks: list[float] = []
    peak: dict[str, float] = {}

    def on_step(step: int, _loss: float) -> None:
        # float(loss) in the loop already waited for the GPU: the marks are true step ends.
        marks.append(time.perf_counter())
        if step == 1 and cuda:  # the steady state: no encoding or evaluation in the peak
            torch.cuda.reset_peak_memory_stats()
        if cuda:
            peak["allocated"] = max(peak.get("allocated", 0.0),
                                    torch.cuda.max_memory_allocated() / 2**30)
            peak["reserved"] = max(peak.get("reserved", 0.0),
                                   torch.cuda.max_memory_reserved() / 2**30)
        if step % 50 == 0:
            progress(f"step {step}/{steps}")

    photos = face_photos(resolution)
    t0 = time.perf_counter()
    result = train_dreambooth("", photos, priors, work / "lora", options,
                              on_step=on_step, pipe=pipe)
    total_s = time.perf_counter() - t0
    step_s = [b - a for a, b in itertools.pairwise(marks)]
    loop_s = marks[-1] - marks[0] + (step_s[0] if step_s else 0.0)
    return {
        "device": device_name(device), "dtype": str(dtype).removeprefix("torch."),
        "architecture": "SDXL 1.0 base (random weights)" if arch is SDXL_BASE else "tiny",
        "resolution": resolution, "steps": steps, "rank": rank, "photos": len(photos),
        "class_images": class_images, "prior_preservation": True,
        "gradient_checkpointing": gradient_checkpointing, "adam_8bit": adam_8bit,
        "build_s": round(build_s, 2),
        "class_image_s_each": round(class_s / max(1, class_images), 3),
        "train_total_s": round(total_s, 2),  # encoding and two evaluations included
        "steps_loop_s": round(loop_s, 2),
        "steps_per_s": round(len(step_s) / sum(step_s), 3) if step_s else None,
        "step_ms_p50": round(1000 * statistics.median(step_s), 1) if step_s else None,
        "step_ms_p90": round(1000 * statistics.quantiles(step_s, n=10)[-1], 1)
        if len(step_s) >= 2 else None,
        "minutes_for_500_steps": round(500 * statistics.median(step_s) / 60, 2)
        if step_s else None,
        "peak_allocated_gb": round(peak["allocated"], 2) if peak else None,
        "peak_reserved_gb": round(peak["reserved"], 2) if peak else None,
        "eval_loss_before": round(result.eval_loss_before, 5),
        "eval_loss_after": round(result.eval_loss_after, 5),
        "lora_mb": round(result.path.stat().st_size / 2**20, 2),
    }


def gpu_section(steps: int = 500, resolution: int = 1024, rank: int = 16,
                class_images: int = 4, class_steps: int = 30,
                adam_8bit: bool = False) -> dict[str, Any]:
    """The figures on this host's GPU, or ``available: false`` and why."""
    try:
        import torch
    except ImportError:
        return {"available": False, "reason": "torch is not installed (the diffusion extra)"}
    if not torch.cuda.is_available():
        return {"available": False, "reason": "no GPU available: no CUDA device on this host"}
    figures = measure(SDXL_BASE, "cuda", steps=steps, resolution=resolution, rank=rank,
                      class_images=class_images, class_steps=class_steps, adam_8bit=adam_8bit)
    return {"available": True, **figures, "targets": TARGETS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--resolution", type=int, default=1024)
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--class-images", type=int, default=4)
    parser.add_argument("--class-steps", type=int, default=30)
    parser.add_argument("--adam-8bit", action="store_true")
    parser.add_argument("--smoke", action="store_true",
                        help="the tiny SDXL on CPU, two steps at 64² (checks the code only)")
    args = parser.parse_args()
    if args.smoke:
        report = {"available": False, "smoke": measure(
            TINY, "cpu", steps=2, resolution=64, rank=4, class_images=1, class_steps=2,
            adam_8bit=False)}
    else:
        report = gpu_section(args.steps, args.resolution, args.rank, args.class_images,
                             args.class_steps, args.adam_8bit)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
