"""Motion artwork: a seamless loop of a cover's art in which the style's own elements move.

Frame i of n is the style drawn at loop phase t = i / n (``sleeve.render.frame``): every
moving element is a periodic function of 2πt, so frame n would be frame 0 again and the loop
has no jump, and frame 0 is the still cover's art.

What keeps a loop cheap: the art is drawn at a reduced working resolution (smooth art loses
nothing; the grain is drawn there too, the same grain every frame, as on a film print, in
clumps sized so that scaled up they are the still cover's) and
scaled up by the encoder's scaler; the style is drawn only every ``step``-th frame and the
frames between are cross-faded (the motion is slow, a cycle or three per loop, so nothing
shows); the typography, when a preset has it, is set once on frame 0 and laid on every frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from PIL import Image

from sleeve.core.motion_presets import MotionPreset
from sleeve.core.plan import CoverPlan
from sleeve.render.artwork import render_framed
from sleeve.render.fonts import FontLibrary
from sleeve.render.typeset import TypesetResult, typeset


def without_type(plan: CoverPlan) -> CoverPlan:
    """The plan for a loop with no type (Spotify Canvas): the player lays the track's title
    and its controls over the lower part of the screen, so that is where the art stays calm,
    whatever corner the cover's own type took."""
    if plan.type_layout.anchor == "bottom":
        return plan
    layout = plan.type_layout.model_copy(update={"name": "bottom-center", "anchor": "bottom"})
    return plan.model_copy(update={"type_layout": layout})


def loop_art(plan: CoverPlan, seed: int, width: int, height: int, t: float,
             work: float = 1.0) -> Image.Image:
    """The art (no type) at loop phase ``t``, ``width``×``height``, drawn at ``work`` of the
    size it will be shown at."""
    return render_framed(plan, seed, width, height, t, work=work)


def _drawn(plan: CoverPlan, seed: int, size: tuple[int, int], n: int, step: int,
           work: float) -> Iterator[np.ndarray]:
    """Every frame's art at working size, float32: the style drawn at every ``step``-th phase
    and cross-faded in between; the last stretch fades back into frame 0."""
    first = np.asarray(loop_art(plan, seed, *size, 0.0, work), dtype=np.float32)
    current = first
    for key in range(0, n, step):
        after = key + step
        following = (first if after >= n else
                     np.asarray(loop_art(plan, seed, *size, after / n, work), dtype=np.float32))
        for k in range(step):
            w = np.float32(k / step)
            yield current if k == 0 else current + (following - current) * w
        current = following


def frames(plan: CoverPlan, seed: int, preset: MotionPreset, seconds: float, *,
           scale: float = 1.0, on_frame: Callable[[int, int], None] | None = None,
           fonts: FontLibrary | None = None) -> Iterator[np.ndarray]:
    """The loop's frames as uint8 RGB arrays, frame 0 first: at the working size for a
    preset without type (the encoder scales them), at the output size for one with type.

    ``on_frame(done, total)`` is called after each frame (a job's progress); the type is set
    in ``fonts`` (default: the system's)."""
    width, height = preset.size(scale)
    work = (max(32, round(width * preset.work)), max(32, round(height * preset.work)))
    n = preset.frame_count(seconds)
    step = preset.step if n % preset.step == 0 else 1
    if not preset.text:
        plan = without_type(plan)
    text: TypesetResult | None = None
    for i, art in enumerate(_drawn(plan, seed, work, n, step, preset.work)):
        pixels = art if art.dtype == np.uint8 else np.clip(art + 0.5, 0, 255).astype(np.uint8)
        if preset.text:
            image = Image.fromarray(pixels, "RGB").resize((width, height),
                                                          Image.Resampling.BICUBIC)
            if text is None:
                text = typeset(image, plan, fonts=fonts)
                image = text.image
            else:
                image = text.lay_on(image)
            pixels = np.asarray(image)
        yield pixels
        if on_frame is not None:
            on_frame(i + 1, n)
