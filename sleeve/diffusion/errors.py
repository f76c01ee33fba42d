"""Errors the diffusion engine raises, each with a message an operator can act on."""

from __future__ import annotations

from sleeve.core.availability import EngineUnavailableError


class WeightsNotFoundError(EngineUnavailableError):
    """SLEEVE_SDXL_MODEL (or a refiner, LoRA) names weights that are not on this host."""


class NotSDXLError(EngineUnavailableError):
    """The weights exist but are not an SDXL diffusers pipeline."""


class EngineOutOfMemoryError(RuntimeError):
    """The device ran out of memory for this job; the engine freed what it could and lives on."""
