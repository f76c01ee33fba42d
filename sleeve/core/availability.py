"""Whether an engine can run on this host: shared by the engine registry and the engines.

It lives in core so an engine package (``sleeve.diffusion``) can say why it cannot run without
importing the registry above it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: str = ""


class EngineUnavailableError(RuntimeError):
    """The engine cannot run on this host (missing extra, weights or device)."""
