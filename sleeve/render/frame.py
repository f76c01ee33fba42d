"""The frame a picture is composed for: its window on the square sheet a style draws, and
the moment of a motion loop.

Styles draw on a square sheet (their primitives are square). A cover's frame is the whole
sheet; a story (9:16) or a banner (3:1) is a centred window of it, and the style places its
focal forms and the type zone *inside that window* — the art is re-composed for the frame,
not cropped from the square cover. Fields (skies, paper, gas) run over the whole sheet, so
the window is filled edge to edge.

``t`` in [0, 1) is the phase of a motion loop. Everything a style moves is a periodic
function of 2πt with a whole number of periods, so t = 1 gives the picture of t = 0 and the
loop has no jump; at t = 0 every style draws exactly its still picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Frame:
    x0: float = 0.0  # the window, in fractions of the sheet
    y0: float = 0.0
    x1: float = 1.0
    y1: float = 1.0
    t: float = 0.0  # loop phase

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def short(self) -> float:
        """The window's shorter side: what sizes scale by, so a disc stays round and whole."""
        return min(self.width, self.height)

    def x(self, f: float) -> float:
        """A horizontal position given as a fraction of the window → fraction of the sheet."""
        return self.x0 + f * self.width

    def y(self, f: float) -> float:
        return self.y0 + f * self.height

    def r(self, f: float) -> float:
        """A length given as a fraction of a square page → fraction of the sheet."""
        return f * self.short

    def wave(self, cycles: int = 1, offset: float = 0.0) -> float:
        """sin(2π(cycles·t + offset)) − sin(2π·offset): a loop-periodic wobble that is exactly
        0 at t = 0, so the first frame of a loop is the still picture."""
        if self.t == 0.0:
            return 0.0
        return (math.sin(2 * math.pi * (cycles * self.t + offset))
                - math.sin(2 * math.pi * offset))

    @property
    def moving(self) -> bool:
        return self.t != 0.0

    def at(self, t: float) -> Frame:
        return Frame(self.x0, self.y0, self.x1, self.y1, t)

    def pixels(self, sheet: int) -> tuple[slice, slice]:
        """(rows, columns) of the window on a sheet of ``sheet`` pixels."""
        r0, c0 = round(self.y0 * sheet), round(self.x0 * sheet)
        r1, c1 = round(self.y1 * sheet), round(self.x1 * sheet)
        return slice(r0, r1), slice(c0, c1)


FULL = Frame()


def frame_for(width: int, height: int, t: float = 0.0) -> tuple[int, Frame]:
    """(sheet side, window) for a ``width``×``height`` picture: the sheet is as large as the
    longer side, the window centred on it and exactly ``width``×``height`` pixels."""
    sheet = max(width, height)
    if width == height:
        return sheet, FULL.at(t)
    x0 = (sheet - width) // 2 / sheet
    y0 = (sheet - height) // 2 / sheet
    return sheet, Frame(x0, y0, x0 + width / sheet, y0 + height / sheet, t)
