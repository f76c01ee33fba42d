"""Drawing the placed lines: glyphs into an ink mask (tracked capitals letter by letter), and
colour emoji as stickers — drawn at their font's strike size and scaled, laid over the ink."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

from sleeve.render.fonts import EMOJI_STRIKE, FontFile
from sleeve.render.typeset.placement import PlacedLine
from sleeve.render.typeset.runs import run_width


@dataclass(frozen=True)
class Sticker:
    """A colour glyph run (emoji), laid over the ink as it is: ink never recolours it."""

    image: Image.Image  # RGBA, already at the line's size
    at: tuple[int, int]  # top-left in the image


@lru_cache(maxsize=256)
def _colour_run(font: FontFile, text: str, size: int) -> tuple[Image.Image, int, int]:
    """``text`` drawn in colour at the font's strike and scaled (Lanczos) to ``size`` px:
    the RGBA image and its offset from the pen position on the baseline."""
    strike = font.at(size)
    left, top, right, bottom = (int(v) for v in strike.getbbox(text, anchor="ls"))
    canvas = Image.new("RGBA", (max(1, right - left), max(1, bottom - top)), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).text((-left, -top), text, font=strike, anchor="ls",
                                embedded_color=True)
    scale = size / EMOJI_STRIKE
    shape = (max(1, round(canvas.width * scale)), max(1, round(canvas.height * scale)))
    return (canvas.resize(shape, Image.Resampling.LANCZOS), round(left * scale),
            round(top * scale))


def draw_lines(mask: Image.Image, lines: Sequence[PlacedLine]) -> list[Sticker]:
    """Draw the lines' glyphs into ``mask`` (L, 255 = ink); colour runs come back as
    stickers, their coverage drawn into the mask too (so margins and boxes see them)."""
    draw = ImageDraw.Draw(mask)
    stickers: list[Sticker] = []
    for line in lines:
        x = line.x
        for run in line.runs:
            font = run.font.at(line.size)
            if run.font.colour:
                art, dx, dy = _colour_run(run.font, run.text, line.size)
                at = (round(x) + dx, round(line.baseline) + dy)
                stickers.append(Sticker(art, at))
                alpha = art.getchannel("A")
                mask.paste(alpha, at, alpha)
            elif run.tracked and line.tracking:
                step = line.tracking * line.size
                for i, char in enumerate(run.text):
                    # Prefix lengths keep the font's kerning; tracking is added on top.
                    draw.text((x + font.getlength(run.text[:i]) + i * step, line.baseline),
                              char, font=font, fill=255, anchor="ls")
            else:
                draw.text((x, line.baseline), run.text, font=font, fill=255, anchor="ls")
            x += run_width(run, line.size, line.tracking)
    return stickers
