"""LoRA adapters named by the model registry.

The registry (``model_versions``, owned by ``sleeve.db``) stores where each fine-tune's
weights live; the service turns a row into a ``LoraVersion`` and passes it to
``DiffusionEngine.render(..., loras=[...])``. Adapters are loaded once and switched per job:
active for that job only. Everything here works on a UNet compiled in place
(``unet.compile()``): it stays a ``UNet2DConditionModel``, so diffusers' adapter functions
see its LoRA layers (a ``torch.compile(unet)`` wrapper hides them and they are skipped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sleeve.diffusion.errors import WeightsNotFoundError
from sleeve.diffusion.loader import cached_file, is_hub_id

LORA_SUFFIXES = (".safetensors", ".bin")
# The file name diffusers' LoRA training scripts (and the LCM-LoRA repos) use.
LORA_WEIGHT_NAME = "pytorch_lora_weights.safetensors"


@dataclass(frozen=True)
class LoraVersion:
    """One version of a LoRA fine-tune: a diffusers LoRA directory or a .safetensors file."""

    name: str
    version: int | str
    path: str
    scale: float = 1.0

    @property
    def adapter_name(self) -> str:
        # PEFT adapter names become module attribute names: keep them identifier-safe.
        return re.sub(r"\W", "_", f"{self.name}_v{self.version}")

    def check(self) -> Path:
        """The weights' path, or a clear error when they are not there. A hub id (e.g.
        latent-consistency/lcm-lora-sdxl) is found in the local Hugging Face cache."""
        path = Path(self.path).expanduser()
        if not path.exists() and is_hub_id(self.path):
            cached = cached_file(self.path, LORA_WEIGHT_NAME)
            if cached is None:
                raise WeightsNotFoundError(
                    f"LoRA {self.name} v{self.version}: hub LoRA {self.path} is not in the local "
                    f"Hugging Face cache; run `huggingface-cli download {self.path}`"
                )
            return cached
        if not path.exists():
            raise WeightsNotFoundError(
                f"LoRA {self.name} v{self.version}: weights not found at {path}"
            )
        if path.is_file() and path.suffix not in LORA_SUFFIXES:
            raise WeightsNotFoundError(
                f"LoRA {self.name} v{self.version}: {path} is not a .safetensors or .bin file"
            )
        if path.is_dir() and not any(p.suffix in LORA_SUFFIXES for p in path.iterdir()):
            raise WeightsNotFoundError(
                f"LoRA {self.name} v{self.version}: no .safetensors weights in {path}"
            )
        return path


def load_adapter(pipe: Any, adapter_name: str, path: Path) -> None:
    """Load LoRA weights at ``path`` into ``pipe`` under ``adapter_name``."""
    if path.is_file():
        pipe.load_lora_weights(str(path.parent), weight_name=path.name, adapter_name=adapter_name)
    else:
        pipe.load_lora_weights(str(path), adapter_name=adapter_name)


def fuse_adapter(pipe: Any, adapter_name: str, path: Path) -> None:
    """Merge a LoRA into the base weights for good (the LCM-LoRA of the fast path): no adapter
    layers left to run, switch or lose, and job LoRAs apply on top as usual."""
    load_adapter(pipe, adapter_name, path)
    pipe.fuse_lora(adapter_names=[adapter_name], lora_scale=1.0)
    pipe.unload_lora_weights()


class AdapterSet:
    """The job adapters loaded into one pipeline, and which are active."""

    def __init__(self, pipe: Any) -> None:
        self._pipe = pipe
        self._loaded: set[str] = set()
        self._active: dict[str, float] = {}

    @property
    def active(self) -> dict[str, float]:
        return dict(self._active)

    @property
    def loaded(self) -> frozenset[str]:
        return frozenset(self._loaded)

    def activate(self, loras: tuple[LoraVersion, ...]) -> None:
        """Make exactly ``loras`` active."""
        wanted: dict[str, float] = {}
        for lora in loras:
            if lora.adapter_name not in self._loaded:
                load_adapter(self._pipe, lora.adapter_name, lora.check())
                self._loaded.add(lora.adapter_name)
            wanted[lora.adapter_name] = lora.scale
        if wanted == self._active:
            return
        if wanted:
            self._pipe.enable_lora()
            self._pipe.set_adapters(list(wanted), adapter_weights=list(wanted.values()))
        elif self._loaded:
            self._pipe.disable_lora()
        self._active = wanted

    def deactivate(self) -> None:
        """Back to the base weights (after every job, whether it succeeded or not)."""
        if self._loaded:
            self._pipe.disable_lora()
        self._active = {}

    def unload(self) -> None:
        """Remove every job adapter from the weights (they reload on next use)."""
        dropped = sorted(self._loaded)
        if dropped:
            self._pipe.delete_adapters(dropped)
        self._loaded.clear()
        self._active = {}
