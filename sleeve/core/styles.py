"""The vocabulary of procedural styles art direction can ask for.

The names live in core because choosing a style is art direction; ``sleeve.render.styles``
holds one module per name that draws it.
"""

from __future__ import annotations

STYLE_NAMES: tuple[str, ...] = (
    "aurora",  # gradient mesh / aurora glow
    "swiss",  # Swiss / Bauhaus geometric blocks
    "riso",  # risograph halftone, misregistered inks
    "flowfield",  # flow-field lines
    "nebula",  # starfield / nebula
    "contours",  # topographic contour lines
    "collage",  # torn-paper collage
    "landscape",  # silhouettes: sea, mountains, skyline, road
    "glitch",  # glitch / VHS scanlines
    "minimal",  # minimal typographic, one bold form
    "sunburst",  # retro poster rays
    "synthwave",  # sun over a perspective grid
)


class UnknownStyleError(ValueError):
    pass


def check_style(name: str) -> str:
    """``name`` if it is a style; otherwise an error naming the styles there are."""
    if name not in STYLE_NAMES:
        raise UnknownStyleError(f"unknown style {name!r}; choose one of {', '.join(STYLE_NAMES)}")
    return name
