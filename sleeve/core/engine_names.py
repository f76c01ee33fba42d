"""The engines a cover can be made by: the registry (``sleeve.engines``) serves these names and
the API and CLI accept them."""

from __future__ import annotations

from typing import Final, Literal, get_args

EngineName = Literal["procedural", "diffusion"]
ENGINE_NAMES: Final[tuple[EngineName, ...]] = get_args(EngineName)
