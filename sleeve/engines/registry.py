"""The ``Engine`` protocol and the registry of engines: ``procedural`` and ``diffusion``.

An engine turns (plan, seed, size) into artwork without text; typography and export are shared
by every engine, so any engine's output is a finished cover. Engines are pure given their
inputs: same plan, seed and size → same pixels.

Engines are built once per configuration and kept: loading diffusion weights costs seconds and
gigabytes, so two threads asking for a cold engine at once must build it once. Each
configuration has its own build lock, so a slow build never holds up another engine (nor
``engine_status``, which /readyz calls while a worker warms up).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, runtime_checkable

from PIL import Image

from sleeve.config import Settings, get_settings
from sleeve.core.availability import Availability, EngineUnavailableError
from sleeve.core.engine_names import ENGINE_NAMES, EngineName
from sleeve.core.plan import CoverPlan
from sleeve.diffusion.lora import LoraVersion
from sleeve.engines.procedural import ProceduralEngine


class UnknownEngineError(ValueError):
    pass


@runtime_checkable
class Engine(Protocol):
    name: str

    def availability(self) -> Availability: ...

    def render(
        self, plan: CoverPlan, seed: int, size: int, *, loras: Sequence[LoraVersion] = ()
    ) -> Image.Image: ...


EngineFactory = Callable[[Settings], Engine]
# The settings an engine is built from: an engine is reused while these stay the same.
ENGINE_FIELDS = frozenset(name for name in Settings.model_fields
                          if name.startswith(("sdxl_", "upscaler_")))


class EngineRegistry:
    """Engines by name, each built by its factory on first use and kept per configuration
    (the ``ENGINE_FIELDS`` of the settings); safe under concurrent first use."""

    def __init__(self, factories: Mapping[str, EngineFactory]) -> None:
        self._factories = dict(factories)
        self._instances: dict[tuple[str, str], Engine] = {}
        self._builds: dict[tuple[str, str], threading.Lock] = {}
        self._lock = threading.Lock()  # guards the two dicts, never held while building

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._factories)

    def get(self, name: str, settings: Settings) -> Engine:
        """The engine ``name`` for ``settings``, built on first use; concurrent first callers
        wait for the one build. A factory's error is raised and nothing is kept."""
        if name not in self._factories:
            raise UnknownEngineError(
                f"unknown engine {name!r}; choose one of {', '.join(self._factories)}"
            )
        key = (name, settings.model_dump_json(include=set(ENGINE_FIELDS)))
        with self._lock:
            found = self._instances.get(key)
            if found is not None:
                return found
            build = self._builds.setdefault(key, threading.Lock())
        with build:
            with self._lock:
                found = self._instances.get(key)
            if found is not None:
                return found  # built while this caller waited for the build lock
            engine = self._factories[name](settings)
            with self._lock:
                self._instances[key] = engine
            return engine

    def built(self, name: str, settings: Settings) -> Engine | None:
        """The engine if it is already built for ``settings`` (never waits for a build)."""
        key = (name, settings.model_dump_json(include=set(ENGINE_FIELDS)))
        with self._lock:
            return self._instances.get(key)


def _diffusion_availability(settings: Settings) -> Availability:
    # sleeve.diffusion.engine imports no torch: it checks the extra itself, without loading it.
    from sleeve.diffusion.engine import diffusion_availability

    return diffusion_availability(settings)


def _procedural(_settings: Settings) -> Engine:
    return ProceduralEngine()


def _diffusion(settings: Settings) -> Engine:
    status = _diffusion_availability(settings)
    if not status.available:
        raise EngineUnavailableError(f"engine 'diffusion' is not available: {status.reason}")
    from sleeve.diffusion.engine import DiffusionEngine

    return DiffusionEngine.from_settings(settings)


_FACTORIES: dict[EngineName, EngineFactory] = {"procedural": _procedural, "diffusion": _diffusion}
# In the order of ENGINE_NAMES (sleeve.core.engine_names); tests check that every name has one.
ENGINES = EngineRegistry({name: _FACTORIES[name] for name in ENGINE_NAMES if name in _FACTORIES})


def get_engine(name: str, settings: Settings | None = None) -> Engine:
    """The engine called ``name`` configured by ``settings`` (default: the environment); raises
    ``EngineUnavailableError`` when it cannot run here. Engines are kept per configuration:
    loading diffusion weights costs seconds."""
    return ENGINES.get(name, settings or get_settings())


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
    diffusion = ENGINES.built("diffusion", settings)
    return {
        "procedural": Availability(True, "built in"),
        "diffusion": (diffusion.availability() if diffusion is not None
                      else _diffusion_availability(settings)),
    }
