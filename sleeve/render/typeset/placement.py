"""Placement: the type blocks on the grid (7.5% margins) for the plan's layout — where each
line's baseline and left edge fall."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sleeve.core.plan import TypeLayoutName
from sleeve.render.typeset.fitting import Role, SetText
from sleeve.render.typeset.runs import Run

MARGIN = 0.075  # the grid margin, as a fraction of the width
SAFE = 0.05  # no text pixel closer than this to an edge (store rule)


@dataclass(frozen=True)
class Layout:
    """Where blocks go: title size, vertical anchor per block, alignment, height budget."""

    title_frac: float  # title font size / width
    anchor: Literal["top", "bottom", "center"]
    align: Literal["left", "center", "right"]
    max_height: float  # block height budget / height
    split: bool = False  # title top-left, artist bottom-right
    band: bool = False


LAYOUTS: dict[TypeLayoutName, Layout] = {
    "top-left": Layout(0.085, "top", "left", 0.42),
    "top-center": Layout(0.085, "top", "center", 0.42),
    "bottom-left": Layout(0.085, "bottom", "left", 0.42),
    "bottom-center": Layout(0.085, "bottom", "center", 0.42),
    "center-stack": Layout(0.11, "center", "center", 0.6),
    "band-bottom": Layout(0.07, "bottom", "left", 0.34, band=True),
    "split": Layout(0.085, "top", "left", 0.4, split=True),
}


@dataclass(frozen=True)
class PlacedLine:
    runs: tuple[Run, ...]
    size: int
    tracking: float
    x: float  # left edge
    baseline: float


@dataclass
class Block:
    texts: list[SetText]
    lines: dict[Role, list[PlacedLine]] = field(default_factory=dict)


def _gap(title: SetText, artist: SetText) -> float:
    """Title last baseline → artist first baseline."""
    return 0.5 * title.size + 1.15 * artist.size


def place(block: Block, anchor: str, align: str, width: int, height: int, left: float,
          right: float, top: float, bottom: float) -> None:
    """Baselines and x positions of every line of ``block`` within [left, right]×[top, bottom]."""
    first = block.texts[0]
    steps: list[tuple[SetText, int, float]] = []  # (text, line index, baseline offset)
    offset = 0.0
    for ti, st in enumerate(block.texts):
        if ti:
            offset += _gap(block.texts[ti - 1], st) - st.leading * st.size
        for li in range(len(st.lines)):
            if ti or li:
                offset += st.leading * st.size
            steps.append((st, li, offset))
    cap = first.cap_height()
    span = cap + offset  # cap top of the first line → last baseline
    if anchor == "top":
        start = top + cap
    elif anchor == "bottom":
        start = bottom - offset
    else:
        start = (height - span) / 2 + cap
    block.lines = {}
    for st, li, off in steps:
        w = st.widths()[li]
        x = left if align == "left" else right - w if align == "right" else (width - w) / 2
        block.lines.setdefault(st.role, []).append(
            PlacedLine(st.runs[li], st.size, st.tracking, x, start + off))


def measure(width: int, height: int) -> float:
    """What type sizes are fractions of: the frame's shorter side. A square cover's type
    keeps its proportions on a story (the width) and on a banner (the height), where sizing
    by the width would set a title taller than the banner's type band."""
    return float(min(width, height))
