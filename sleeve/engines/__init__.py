"""Engines: the registry (``registry``: the ``Engine`` protocol, names, one instance per
configuration) and the procedural engine (``procedural``); the diffusion engine lives in
``sleeve.diffusion`` and is loaded only when asked for."""

from sleeve.core.availability import Availability, EngineUnavailableError
from sleeve.diffusion.lora import LoraVersion
from sleeve.engines.procedural import ProceduralEngine
from sleeve.engines.registry import (
    ENGINE_NAMES,
    ENGINES,
    Engine,
    EngineFactory,
    EngineRegistry,
    UnknownEngineError,
    engine_status,
    get_engine,
    warm_up_engine,
)

__all__ = [
    "ENGINES",
    "ENGINE_NAMES",
    "Availability",
    "Engine",
    "EngineFactory",
    "EngineRegistry",
    "EngineUnavailableError",
    "LoraVersion",
    "ProceduralEngine",
    "UnknownEngineError",
    "engine_status",
    "get_engine",
    "warm_up_engine",
]
