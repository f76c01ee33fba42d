"""LoRA adapters named by the model registry.

The registry (``model_versions``, owned by ``sleeve.db``) stores where each fine-tune's
weights live; the service turns a row into a ``LoraVersion`` and passes it to
``DiffusionEngine.render(..., loras=[...])``. Adapters are loaded once and switched per job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sleeve.diffusion.errors import WeightsNotFoundError

LORA_SUFFIXES = (".safetensors", ".bin")


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
        """The weights' path, or a clear error when they are not there."""
        path = Path(self.path).expanduser()
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


class AdapterSet:
    """The adapters loaded into one pipeline, and which are active.

    ``always`` adapters (the LCM-LoRA of the fast path) stay active under every job's LoRAs.
    """

    def __init__(self, pipe: Any, always: dict[str, float] | None = None) -> None:
        self._pipe = pipe
        self._loaded: set[str] = set(always or {})
        self._always = dict(always or {})
        self._active: dict[str, float] | None = None

    def activate(self, loras: tuple[LoraVersion, ...]) -> None:
        """Make exactly ``loras`` (plus the always-on adapters) active."""
        wanted = dict(self._always)
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

    def unload(self) -> None:
        """Remove every job adapter from the weights (the always-on ones stay)."""
        dropped = sorted(self._loaded - set(self._always))
        if dropped:
            self._pipe.delete_adapters(dropped)
        self._loaded -= set(dropped)
        self._active = None
        self.activate(())
