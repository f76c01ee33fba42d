"""Plan + seed → artwork pixels (no text), through the plan's procedural style."""

from __future__ import annotations

import zlib

import numpy as np
from PIL import Image

from sleeve.core.bounds import MAX_SIZE, size_problem
from sleeve.core.plan import CoverPlan
from sleeve.core.portrait import FacePhoto
from sleeve.render.fonts import FontLibrary
from sleeve.render.frame import frame_for
from sleeve.render.styles import get_style, grain_of
from sleeve.render.texture import CLUMP, clump_for, finish


def rng_for(seed: int, *salt: str) -> np.random.Generator:
    """A generator that depends only on the seed and the salts (never on Python's hash())."""
    return np.random.default_rng([seed & 0xFFFFFFFF, *(zlib.crc32(s.encode()) for s in salt)])


def render_artwork(plan: CoverPlan, seed: int, size: int,
                   subject: FacePhoto | None = None,
                   fonts: FontLibrary | None = None) -> Image.Image:
    """The plan's artwork; a plan featuring the musician (``plan.portrait``) needs their
    ``subject`` photo, printed into the art before the finish so the grain covers both, with
    the face clear of the type as it will be set in ``fonts``."""
    problem = size_problem(size)
    if problem is not None:
        raise ValueError(f"size {problem}")
    if (plan.portrait is None) != (subject is None):
        raise ValueError("a plan with a portrait needs the subject's photo, and only such a "
                         "plan takes one (sleeve.core.portrait.with_portrait)")
    style = get_style(plan.style)
    rgb = style(plan, rng_for(seed, "style", plan.style), size)
    if rgb.shape != (size, size, 3):
        raise RuntimeError(f"style {plan.style} returned shape {rgb.shape}, expected {size}²×3")
    page = np.asarray(rgb, dtype=np.float32)
    if subject is not None:
        from sleeve.render.subject import feature_subject  # typesetting is loaded only here

        if not page.flags.writeable:
            page = page.copy()
        feature_subject(page, plan, subject, rng_for(seed, "portrait"), fonts)
    return _finished(page, plan, seed)


def _finished(rgb: np.ndarray, plan: CoverPlan, seed: int, clump: int = CLUMP) -> Image.Image:
    """The style's float RGB with the film finish. The one place the grain is chosen, so the
    still cover and every framed or moving render of it carry the same grain."""
    return Image.fromarray(finish(rgb, rng_for(seed, "grain"), grain_of(plan.style), clump),
                           "RGB")


def render_framed(plan: CoverPlan, seed: int, width: int, height: int, t: float = 0.0,
                  *, grain: bool = True, work: float = 1.0) -> Image.Image:
    """Plan + seed → artwork re-composed for a ``width``×``height`` frame at loop phase ``t``.

    The style lays its composition out in the frame's window of a square sheet (see
    ``sleeve.render.frame``); a square frame at t = 0 is exactly ``render_artwork``.
    ``work`` < 1 says the frame is drawn at that fraction of the size it will be shown at
    (motion's working resolution): the grain is drawn finer to match, so once scaled up it
    is the still cover's grain, not one ``1 / work`` times as coarse."""
    if not (min(width, height) >= 32 and max(width, height) <= MAX_SIZE):
        raise ValueError(f"frame {width}×{height} is outside 32–{MAX_SIZE} pixels")
    sheet, frame = frame_for(width, height, t)
    style = get_style(plan.style)
    rgb = style(plan, rng_for(seed, "style", plan.style), sheet, frame)
    rows, cols = frame.pixels(sheet)
    window = np.ascontiguousarray(rgb[rows, cols], dtype=np.float32)
    if window.shape != (height, width, 3):
        raise RuntimeError(f"style {plan.style} gave a {window.shape} window for {width}×{height}")
    if not grain:
        pixels = np.clip(window * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return Image.fromarray(pixels, "RGB")
    return _finished(window, plan, seed, clump_for(work))
