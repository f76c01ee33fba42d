"""WCAG 2.x colour contrast, shared by the palette builder and the typesetter."""

from __future__ import annotations

from collections.abc import Sequence

RGB = Sequence[float]  # 0–255 sRGB channels


def _linear(channel: float) -> float:
    c = max(0.0, min(255.0, float(channel))) / 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: RGB) -> float:
    """WCAG relative luminance of an sRGB colour given as 0–255 channels, in [0, 1]."""
    r, g, b = (_linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio between two colours, from 1.0 (same) to 21.0 (black on white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def _hsl(rgb: RGB) -> tuple[float, float, float]:
    import colorsys

    r, g, b = (max(0.0, min(255.0, float(c))) / 255.0 for c in rgb[:3])
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
    return h * 360.0, s, lightness


_HUES = (
    (15, "red"), (40, "orange"), (65, "gold"), (160, "green"), (200, "teal"), (250, "blue"),
    (290, "violet"), (335, "magenta"), (360, "red"),
)


def color_name(rgb: RGB) -> str:
    """A plain English name for a colour ("deep blue", "cream"), for prompts and captions."""
    hue, sat, light = _hsl(rgb)
    if light < 0.1:
        return "black"
    if light > 0.93:
        return "white"
    if light > 0.82 and sat < 0.75 and 25 <= hue < 70:
        return "cream"  # HLS saturation runs high for pale colours; these read as cream
    if sat < 0.15 or (sat < 0.3 and 0.25 < light < 0.85):
        if light > 0.8:
            return "cream" if hue < 70 and sat > 0.05 else "pale grey"
        return "charcoal" if light < 0.3 else "grey"
    base = next(name for limit, name in _HUES if hue < limit)
    if base == "magenta" and light > 0.6:
        base = "pink"
    if light < 0.3:
        return f"deep {base}"
    if light > 0.75:
        return f"pale {base}"
    return base
