"""The ``Engine`` protocol and the registry of engines: ``procedural`` and ``diffusion``.

An engine turns (plan, seed, size) into artwork without text; typography and export are shared
by every engine, so any engine's output is a finished cover. Engines are pure given their
inputs: same plan, seed and size → same pixels.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from PIL import Image

from sleeve.config import Settings, get_settings
from sleeve.core.availability import Availability, EngineUnavailableError
from sleeve.core.engine_names import ENGINE_NAMES
from sleeve.core.plan import CoverPlan
from sleeve.diffusion.lora import LoraVersion
from sleeve.render.artwork import render_artwork

__all__ = [
    "ENGINE_NAMES",
    "Availability",
    "Engine",
    "EngineUnavailableError",
    "LoraVersion",
    "ProceduralEngine",
    "UnknownEngineError",
    "engine_status",
    "get_engine",
    "warm_up_engine",
]


class UnknownEngineError(ValueError):
    pass


@runtime_checkable
class Engine(Protocol):
    name: str

    def availability(self) -> Availability: ...

    def render(
        self, plan: CoverPlan, seed: int, size: int, *, loras: Sequence[LoraVersion] = ()
    ) -> Image.Image: ...


class ProceduralEngine:
    """The CPU default: needs no GPU, no weights and no network."""

    name = "procedural"

    def availability(self) -> Availability:
        return Availability(True, "built in")

    def render(
        self, plan: CoverPlan, seed: int, size: int, *, loras: Sequence[LoraVersion] = ()
    ) -> Image.Image:
        if loras:
            raise ValueError("the procedural engine takes no LoRA adapters")
        return render_artwork(plan, seed, size)


def _diffusion_availability(settings: Settings | None = None) -> Availability:
    # sleeve.diffusion.engine imports no torch: it checks the extra itself, without loading it.
    from sleeve.diffusion.engine import diffusion_availability

    return diffusion_availability(settings)


# The settings an engine is built from: an engine is reused while these stay the same.
_ENGINE_FIELDS = {name for name in Settings.model_fields
                  if name.startswith(("sdxl_", "upscaler_"))}
_instances: dict[tuple[str, str], Engine] = {}
# Two job threads asking for a cold engine at once must not each load SDXL (twice the memory).
_instances_lock = threading.Lock()


def _key(name: str, settings: Settings) -> tuple[str, str]:
    return name, settings.model_dump_json(include=_ENGINE_FIELDS)


def get_engine(name: str, settings: Settings | None = None) -> Engine:
    """The engine called ``name`` configured by ``settings`` (default: the environment); raises
    ``EngineUnavailableError`` when it cannot run here. Engines are kept per configuration:
    loading diffusion weights costs seconds."""
    if name not in ENGINE_NAMES:
        raise UnknownEngineError(
            f"unknown engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}"
        )
    settings = settings or get_settings()
    key = _key(name, settings)
    with _instances_lock:
        if key in _instances:
            return _instances[key]
        if name == "procedural":
            engine: Engine = ProceduralEngine()
        else:
            status = _diffusion_availability(settings)
            if not status.available:
                raise EngineUnavailableError(
                    f"engine 'diffusion' is not available: {status.reason}"
                )
            from sleeve.diffusion.engine import DiffusionEngine

            engine = DiffusionEngine.from_settings(settings)
        _instances[key] = engine
        return engine


def warm_up_engine(name: str, settings: Settings | None = None) -> None:
    """Load and compile ``name`` before a worker takes jobs (a no-op for engines with nothing
    to warm); ``engine_status`` says "warming" meanwhile."""
    engine = get_engine(name, settings)
    warm_up = getattr(engine, "warm_up", None)
    if warm_up is not None:
        warm_up()


def engine_status(settings: Settings | None = None) -> dict[str, Availability]:
    """Which engines can run here, and why not (for ``sleeve engines`` and ``/readyz``); an
    engine this process is warming up says so."""
    settings = settings or get_settings()
    with _instances_lock:
        diffusion = _instances.get(_key("diffusion", settings))
    return {
        "procedural": Availability(True, "built in"),
        "diffusion": (diffusion.availability() if diffusion is not None
                      else _diffusion_availability(settings)),
    }
