"""Procedural styles. Each style is a module here exposing

    DESCRIPTION: str
    GRAIN: float  (optional: the film grain of the finish; ``texture.GRAIN`` when absent)
    def render(plan: CoverPlan, rng: numpy.random.Generator, size: int,
               frame: Frame = FULL) -> numpy.ndarray

returning float32 RGB in [0, 1], shape (size, size, 3), sRGB-encoded: the square sheet, with
the composition laid out inside ``frame``'s window and moved to ``frame.t`` (see
``sleeve.render.frame``). A style is pure: the same (plan, rng state, size, frame) gives the
same array, and at ``FULL`` (t = 0) it is the square cover's art. It keeps
``plan.type_layout.anchor``'s region calm so the type has room, and draws ``plan.motifs``
where it uses motifs.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Protocol

import numpy as np

from sleeve.core.plan import CoverPlan
from sleeve.core.styles import STYLE_NAMES, UnknownStyleError, check_style
from sleeve.render.frame import FULL, Frame
from sleeve.render.texture import GRAIN


class StyleRenderer(Protocol):
    def __call__(self, plan: CoverPlan, rng: np.random.Generator, size: int,
                 frame: Frame = FULL) -> np.ndarray: ...


__all__ = ["STYLE_NAMES", "StyleRenderer", "UnknownStyleError", "describe", "get_style",
           "grain_of"]


@cache
def get_style(name: str) -> StyleRenderer:
    module = importlib.import_module(f"{__name__}.{check_style(name)}")
    renderer: StyleRenderer = module.render
    return renderer


def describe(name: str) -> str:
    get_style(name)
    module = importlib.import_module(f"{__name__}.{name}")
    return str(getattr(module, "DESCRIPTION", ""))


def grain_of(name: str) -> float:
    """The film grain the finish gives this style's artwork."""
    get_style(name)
    module = importlib.import_module(f"{__name__}.{name}")
    return float(getattr(module, "GRAIN", GRAIN))
