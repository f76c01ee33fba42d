"""Finding and loading SDXL weights: a local diffusers directory or a hub id.

``locate`` checks a source without importing torch (for ``sleeve engines`` and ``/readyz``);
``load_pipeline`` is the one ``from_pretrained`` call every user of the engine goes through.
Hub ids are read from the local Hugging Face cache only, unless downloads are allowed: a
render must never start a multi-gigabyte download.
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
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


@dataclass(frozen=True)
class ModelSource:
    """Where weights live: ``location`` is a local directory or a hub id."""

    location: str
    is_local: bool
    pipeline_class: str


def _is_hub_id(source: str) -> bool:
    return bool(_HUB_ID.match(source)) and not source.startswith((".", "~"))


def _cached_index(repo_id: str) -> Path | None:
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(repo_id, "model_index.json")
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


def locate(source: str, *, role: Role = "base", allow_download: bool = False) -> ModelSource:
    """Check that ``source`` names SDXL weights this host can load, without loading them."""
    path = Path(source).expanduser()
    if path.exists() or not _is_hub_id(source):
        if not path.exists():
            raise WeightsNotFoundError(f"SDXL {role} weights not found: {path} does not exist")
        if not path.is_dir():
            raise NotSDXLError(
                f"{path} is a file; give a diffusers SDXL directory (with model_index.json)"
            )
        index = path / "model_index.json"
        if not index.is_file():
            raise NotSDXLError(
                f"{path} is not a diffusers pipeline directory (no model_index.json)"
            )
        class_name = check_index(index, str(path), role)
        missing = [c for c in REQUIRED[role] if not (path / c).is_dir()]
        if missing:
            raise NotSDXLError(f"{path}: missing component folders {', '.join(missing)}")
        return ModelSource(str(path), True, class_name)
    cached = _cached_index(source)
    if cached is None:
        if allow_download:
            return ModelSource(source, False, "StableDiffusionXLPipeline")
        raise WeightsNotFoundError(
            f"hub model {source} is not in the local Hugging Face cache and downloads are off; "
            f"run `huggingface-cli download {source}` or set SLEEVE_SDXL_ALLOW_DOWNLOAD=true"
        )
    return ModelSource(source, False, check_index(cached, source, role))


def load_pipeline(source: ModelSource, *, dtype: Any, role: Role = "base",
                  allow_download: bool = False, **components: Any) -> Any:
    """``from_pretrained`` for ``source``; ``components`` replace parts (the refiner shares
    the base's second text encoder and VAE)."""
    from diffusers import StableDiffusionXLImg2ImgPipeline, StableDiffusionXLPipeline

    cls = StableDiffusionXLPipeline if role == "base" else StableDiffusionXLImg2ImgPipeline
    try:
        return cls.from_pretrained(
            source.location, dtype=dtype, local_files_only=not allow_download, **components
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise NotSDXLError(f"could not load SDXL {role} from {source.location}: {exc}") from exc
