"""The ``Engine`` protocol and the registry of engines: ``procedural`` and ``diffusion``.

An engine turns (plan, seed, size) into artwork without text; typography and export are shared
by every engine, so any engine's output is a finished cover. Engines are pure given their
inputs: same plan, seed and size → same pixels.
"""

from __future__ import annotations

import importlib.util
from typing import Protocol, runtime_checkable

from PIL import Image

from sleeve.core.availability import Availability, EngineUnavailableError
from sleeve.core.plan import CoverPlan
from sleeve.render.artwork import render_artwork

ENGINE_NAMES: tuple[str, ...] = ("procedural", "diffusion")

__all__ = [
    "ENGINE_NAMES", "Availability", "Engine", "EngineUnavailableError", "ProceduralEngine",
    "UnknownEngineError", "engine_status", "get_engine",
]


class UnknownEngineError(ValueError):
    pass


@runtime_checkable
class Engine(Protocol):
    name: str

    def availability(self) -> Availability: ...

    def render(self, plan: CoverPlan, seed: int, size: int) -> Image.Image: ...


class ProceduralEngine:
    """The CPU default: needs no GPU, no weights and no network."""

    name = "procedural"

    def availability(self) -> Availability:
        return Availability(True, "built in")

    def render(self, plan: CoverPlan, seed: int, size: int) -> Image.Image:
        return render_artwork(plan, seed, size)


def _diffusion_availability() -> Availability:
    # Checked without importing torch, so the default install never pays for it.
    missing = [m for m in ("torch", "diffusers") if importlib.util.find_spec(m) is None]
    if missing:
        return Availability(False, "install the extra: pip install 'sleeve[diffusion]'")
    from sleeve.diffusion.engine import diffusion_availability

    return diffusion_availability()


_instances: dict[str, Engine] = {}


def get_engine(name: str) -> Engine:
    """The engine called ``name``; raises ``EngineUnavailableError`` when it cannot run here."""
    if name not in ENGINE_NAMES:
        raise UnknownEngineError(
            f"unknown engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}"
        )
    if name in _instances:
        return _instances[name]
    if name == "procedural":
        engine: Engine = ProceduralEngine()
    else:
        status = _diffusion_availability()
        if not status.available:
            raise EngineUnavailableError(f"engine 'diffusion' is not available: {status.reason}")
        from sleeve.diffusion.engine import DiffusionEngine

        engine = DiffusionEngine.from_settings()
    _instances[name] = engine
    return engine


def engine_status() -> dict[str, Availability]:
    """Which engines can run here, and why not (for ``sleeve engines`` and ``/readyz``)."""
    return {"procedural": Availability(True, "built in"), "diffusion": _diffusion_availability()}
