"""A learned ×4 upscaler: Stable Diffusion's x4 upscaler, through diffusers.

It draws real detail where Lanczos can only interpolate. Chosen over Real-ESRGAN through
``spandrel`` because spandrel requires torchvision, which Sleeve does not install; the SD ×4
upscaler needs nothing beyond the diffusion extra. The weights come from a local diffusers
directory or a cached hub id (``stabilityai/stable-diffusion-x4-upscaler``), never a download
at run time. The image is enlarged in overlapping tiles (a 1024² image does not fit the model in
one pass), each tile seeded from the cover's seed, blended with ``tiled_map``'s feathering,
then resampled to the master size.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from sleeve.diffusion.errors import NotSDXLError, WeightsNotFoundError
from sleeve.diffusion.loader import (
    ModelSource,
    cached_file,
    check_weights,
    is_hub_id,
)
from sleeve.diffusion.upscale import lanczos_upscale, tiled_map

UPSCALER_CLASS = "StableDiffusionUpscalePipeline"
UPSCALER_PARTS = ("unet", "vae", "text_encoder")
FACTOR = 4


def locate_upscaler(source: str, *, allow_download: bool = False) -> ModelSource:
    """Check ``source`` holds a loadable SD ×4 upscaler, without loading it."""
    import json

    path = Path(source).expanduser()
    if not path.exists() and is_hub_id(source):
        cached = cached_file(source, "model_index.json")
        if cached is None:
            if allow_download:
                return ModelSource(source, False, UPSCALER_CLASS)
            raise WeightsNotFoundError(
                f"SLEEVE_UPSCALER_MODEL: hub model {source} is not in the local Hugging Face "
                f"cache; run `huggingface-cli download {source}`"
            )
        path = cached.parent
    if not (path / "model_index.json").is_file():
        raise WeightsNotFoundError(
            f"SLEEVE_UPSCALER_MODEL: {path} is not a diffusers pipeline directory"
        )
    try:
        class_name = json.loads((path / "model_index.json").read_text())["_class_name"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise NotSDXLError(f"SLEEVE_UPSCALER_MODEL: unreadable model_index.json ({exc})") from exc
    if class_name != UPSCALER_CLASS:
        raise NotSDXLError(f"SLEEVE_UPSCALER_MODEL: {source} holds a {class_name}, "
                           f"not a {UPSCALER_CLASS}")
    full, fp16 = check_weights(path, UPSCALER_PARTS, f"SLEEVE_UPSCALER_MODEL {source}")
    return ModelSource(source, path == Path(source).expanduser(), class_name, path, fp16, full)


@dataclass
class LearnedUpscaler:
    """``pipe`` is a loaded ``StableDiffusionUpscalePipeline``; ``tile`` and ``overlap`` are in
    source pixels (the output tile is ``FACTOR`` times larger)."""

    pipe: Any
    steps: int = 20
    tile: int = 256
    overlap: int = 32

    @classmethod
    def load(cls, source: ModelSource, *, dtype: Any, steps: int,
             allow_download: bool = False) -> LearnedUpscaler:
        """Loaded on the host; the engine places it (on the GPU, or offloaded with the rest)."""
        from diffusers import StableDiffusionUpscalePipeline

        half = str(dtype) in {"torch.float16", "torch.bfloat16"}
        try:
            pipe = StableDiffusionUpscalePipeline.from_pretrained(
                source.load_from, dtype=dtype, variant=source.variant(half),
                local_files_only=not allow_download,
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise NotSDXLError(f"could not load the upscaler from {source.location}: {exc}") \
                from exc
        return cls(pipe, steps)

    def __call__(self, image: Image.Image, size: int, prompt: str, seed: int) -> Image.Image:
        """``image`` at ``size``²: ×4 in tiles, then resampled (no sharpening: the detail is
        drawn, not faked)."""
        import torch

        def enlarge(tile: Image.Image, index: int) -> Image.Image:
            generator = torch.Generator("cpu").manual_seed(seed * 1009 + index + 1)
            result = self.pipe(prompt=prompt, image=tile, num_inference_steps=self.steps,
                               generator=generator).images[0]
            return result

        big = tiled_map(image.convert("RGB"), self.tile, self.overlap, enlarge, scale=FACTOR)
        if big.width == size:
            return big
        if big.width > size:
            return big.resize((size, size), Image.Resampling.LANCZOS)
        return lanczos_upscale(big, size)
