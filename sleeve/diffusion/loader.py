"""Finding and loading SDXL weights: a local diffusers directory or a hub id.

``locate`` checks a source without importing torch (for ``sleeve engines`` and ``/readyz``):
a source is available only when every component has weights ``from_pretrained`` will find,
full or fp16-variant. ``load_pipeline`` is the one ``from_pretrained`` call every user of the
engine goes through. Hub ids are resolved to their snapshot in the local Hugging Face cache
and then treated exactly like a local directory; they are downloaded only when downloads are
allowed: a render must never start a multi-gigabyte download.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sleeve.diffusion.errors import NotSDXLError, WeightsNotFoundError

Role = Literal["base", "refiner"]

BASE_CLASSES = frozenset({"StableDiffusionXLPipeline"})
REFINER_CLASSES = frozenset({"StableDiffusionXLImg2ImgPipeline", "StableDiffusionXLPipeline"})
REQUIRED = {
    "base": ("unet", "vae", "text_encoder", "text_encoder_2", "tokenizer", "tokenizer_2",
             "scheduler"),
    "refiner": ("unet", "vae", "text_encoder_2", "tokenizer_2", "scheduler"),
}
WEIGHTED = frozenset({"unet", "vae", "text_encoder", "text_encoder_2"})
FP16 = "fp16"
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


@dataclass(frozen=True)
class ModelSource:
    """Where weights live: ``location`` is a local directory or a hub id; ``directory`` is
    the files on this host (the cache snapshot for a hub id; None before a download)."""

    location: str
    is_local: bool
    pipeline_class: str
    directory: Path | None = None
    # Every component has fp16-variant files / full-precision files.
    has_fp16: bool = False
    has_full: bool = True

    def variant(self, half: bool) -> str | None:
        """The variant ``from_pretrained`` should read: fp16 files for a half-precision load
        (half the disk reads and host memory), full ones otherwise, whichever exist."""
        if self.has_fp16 and (half or not self.has_full):
            return FP16
        return None

    @property
    def load_from(self) -> str:
        return str(self.directory) if self.directory is not None else self.location


def is_hub_id(source: str) -> bool:
    return bool(_HUB_ID.match(source)) and not source.startswith((".", "~"))


def cached_file(repo_id: str, filename: str) -> Path | None:
    """``filename`` of hub repo ``repo_id`` in the local Hugging Face cache, or None."""
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(repo_id, filename)
    return Path(found) if isinstance(found, str) else None


def check_index(index_path: Path, where: str, role: Role) -> str:
    """The pipeline class named in ``model_index.json``; a clear error unless it is SDXL."""
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NotSDXLError(f"{where}: unreadable model_index.json ({exc})") from exc
    if not isinstance(index, dict):
        raise NotSDXLError(f"{where}: model_index.json is not a JSON object")
    class_name = str(index.get("_class_name", "?"))
    allowed = BASE_CLASSES if role == "base" else REFINER_CLASSES
    if class_name not in allowed:
        raise NotSDXLError(
            f"{where} holds a {class_name}, not an SDXL {role} "
            f"(expected {' or '.join(sorted(allowed))})"
        )
    missing = [c for c in REQUIRED[role] if not (isinstance(index.get(c), list) and index[c][0])]
    if missing:
        raise NotSDXLError(f"{where}: model_index.json lacks {', '.join(missing)}")
    return class_name


def weight_kinds(folder: Path) -> tuple[bool, bool]:
    """(full-precision weights present, fp16-variant weights present) in a component folder:
    ``*.safetensors``/``*.bin`` files or shard indexes, fp16 ones named ``*.fp16.*``."""
    full = fp16 = False
    for path in folder.iterdir() if folder.is_dir() else ():
        name = path.name
        if not (name.endswith((".safetensors", ".bin")) or ".index." in name):
            continue
        if f".{FP16}." in name:
            fp16 = True
        else:
            full = True
    return full, fp16


def check_weights(directory: Path, components: tuple[str, ...], where: str) -> tuple[bool, bool]:
    """(every component has full weights, every component has fp16 weights); a clear error
    when some component has neither, or the two kinds are split between components."""
    kinds = {c: weight_kinds(directory / c) for c in components}
    empty = [c for c, (full, fp16) in kinds.items() if not (full or fp16)]
    if empty:
        raise NotSDXLError(f"{where}: no weights (.safetensors or .bin) in {', '.join(empty)}")
    all_full = all(full for full, _ in kinds.values())
    all_fp16 = all(fp16 for _, fp16 in kinds.values())
    if not (all_full or all_fp16):
        raise NotSDXLError(f"{where}: some components have only fp16 weights and others only "
                           "full ones; download one complete set")
    return all_full, all_fp16


def _check_directory(path: Path, where: str, role: Role, location: str,
                     is_local: bool) -> ModelSource:
    index = path / "model_index.json"
    if not index.is_file():
        raise NotSDXLError(f"{where} is not a diffusers pipeline directory (no model_index.json)")
    class_name = check_index(index, where, role)
    missing = [c for c in REQUIRED[role] if not (path / c).is_dir()]
    if missing:
        raise NotSDXLError(f"{where}: missing component folders {', '.join(missing)}")
    full, fp16 = check_weights(path, tuple(c for c in REQUIRED[role] if c in WEIGHTED), where)
    return ModelSource(location, is_local, class_name, path, fp16, full)


def _local_path(source: str) -> Path | None:
    """``source`` as a local path, or None when it is a hub id (not an existing path)."""
    path = Path(source).expanduser()
    return path if path.exists() or not is_hub_id(source) else None


def _not_cached(source: str, what: str) -> WeightsNotFoundError:
    return WeightsNotFoundError(
        f"hub {what} {source} is not in the local Hugging Face cache and downloads are off; "
        f"run `huggingface-cli download {source}` or set SLEEVE_SDXL_ALLOW_DOWNLOAD=true"
    )


def locate(source: str, *, role: Role = "base", allow_download: bool = False) -> ModelSource:
    """Check that ``source`` names SDXL weights this host can load, without loading them."""
    path = _local_path(source)
    if path is not None:
        if not path.exists():
            raise WeightsNotFoundError(f"SDXL {role} weights not found: {path} does not exist")
        if not path.is_dir():
            raise NotSDXLError(
                f"{path} is a file; give a diffusers SDXL directory (with model_index.json)"
            )
        return _check_directory(path, str(path), role, str(path), True)
    cached = cached_file(source, "model_index.json")
    if cached is None:
        if allow_download:
            return ModelSource(source, False, "StableDiffusionXLPipeline")
        raise _not_cached(source, "model")
    return _check_directory(cached.parent, source, role, source, False)


def locate_vae(source: str, *, allow_download: bool = False) -> ModelSource:
    """A replacement VAE: a directory with ``config.json`` and weights (as
    madebyollin/sdxl-vae-fp16-fix is laid out), or a pipeline directory's ``vae/``."""
    path = _local_path(source)
    if path is None:
        cached = cached_file(source, "config.json")
        if cached is None:
            if allow_download:
                return ModelSource(source, False, "AutoencoderKL")
            raise _not_cached(source, "VAE")
        path = cached.parent
    elif not path.is_dir():
        raise WeightsNotFoundError(f"SLEEVE_SDXL_VAE: {path} is not a directory")
    folder = path if (path / "config.json").is_file() else path / "vae"
    if not (folder / "config.json").is_file():
        raise NotSDXLError(f"SLEEVE_SDXL_VAE: {source} has no config.json (nor vae/config.json)")
    full, fp16 = weight_kinds(folder)
    if not (full or fp16):
        raise NotSDXLError(f"SLEEVE_SDXL_VAE: no weights (.safetensors or .bin) in {folder}")
    return ModelSource(source, path == Path(source).expanduser(), "AutoencoderKL", folder,
                       fp16, full)


def load_vae(source: ModelSource, *, dtype: Any, allow_download: bool = False) -> Any:
    from diffusers import AutoencoderKL

    half = str(dtype) in {"torch.float16", "torch.bfloat16"}
    try:
        return AutoencoderKL.from_pretrained(
            source.load_from, dtype=dtype, variant=source.variant(half),
            local_files_only=not allow_download,
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise NotSDXLError(f"could not load the VAE from {source.location}: {exc}") from exc


def load_pipeline(source: ModelSource, *, dtype: Any, role: Role = "base",
                  allow_download: bool = False, **components: Any) -> Any:
    """``from_pretrained`` for ``source``; ``components`` replace parts (the refiner shares
    the base's second text encoder and VAE)."""
    from diffusers import StableDiffusionXLImg2ImgPipeline, StableDiffusionXLPipeline

    cls = StableDiffusionXLPipeline if role == "base" else StableDiffusionXLImg2ImgPipeline
    half = str(dtype) in {"torch.float16", "torch.bfloat16"}
    try:
        return cls.from_pretrained(
            source.load_from, dtype=dtype, variant=source.variant(half),
            local_files_only=not allow_download, **components,
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise NotSDXLError(f"could not load SDXL {role} from {source.location}: {exc}") from exc
