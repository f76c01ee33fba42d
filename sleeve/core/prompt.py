"""The text-to-image prompt for diffusion engines, in English whatever the brief's language."""

from __future__ import annotations

from collections.abc import Iterable

from sleeve.core.color import color_name
from sleeve.core.plan import Mood, Palette, hex_to_rgb

STYLE_WORDS: dict[str, str] = {
    "aurora": "soft aurora gradients, glowing light, film grain",
    "swiss": "swiss modernist poster, bold geometric blocks, strong grid",
    "riso": "risograph print, halftone dots, misregistered spot inks, paper texture",
    "flowfield": "generative flow field lines, fine linework",
    "nebula": "deep space nebula, starfield, soft glow",
    "contours": "topographic contour lines, generative map",
    "collage": "torn paper collage, cut-out shapes, paper grain",
    "landscape": "cinematic film photograph, silhouetted landscape, strong horizon, soft bokeh",
    "glitch": "glitch art, vhs scanlines, chromatic aberration",
    "minimal": "minimalist composition, one bold form, generous negative space",
    "sunburst": "retro poster, sunburst rays, vintage print",
    "synthwave": "synthwave, sun over a perspective grid, chrome, 1980s",
}

NEGATIVE_PROMPT = (
    "text, letters, words, typography, caption, watermark, signature, logo, blurry, lowres, "
    "jpeg artifacts, noisy, oversaturated, deformed, extra limbs, frame, border"
)


def palette_words(palette: Palette) -> str:
    names: list[str] = []
    for hex_color in palette.colors():
        name = color_name(hex_to_rgb(hex_color))
        if name not in names:
            names.append(name)
    return ", ".join(names) + " palette"


def build_prompt(
    *,
    scene: str,
    imagery: Iterable[str],
    palette: Palette,
    style: str,
    mood: Mood,
) -> tuple[str, str]:
    """(prompt, negative prompt). ``scene`` is the motifs as one picture; ``imagery`` the
    keywords as English phrases, strongest first."""
    parts = ["album cover artwork", scene]
    seen = set(scene.split())
    for phrase in imagery:
        if phrase not in seen and len(parts) < 7:
            parts.append(phrase)
            seen.add(phrase)
    parts += [
        palette_words(palette),
        STYLE_WORDS.get(style, style),
        f"{mood.label} mood",
        "square format, no text, no letters",
    ]
    return ", ".join(p for p in parts if p), NEGATIVE_PROMPT
