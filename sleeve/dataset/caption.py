"""A caption per image: its metadata plus Sleeve's own reading (genre, mood, motifs, palette)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PIL import Image

from sleeve.core.art_direction import analyze
from sleeve.core.brief import Brief
from sleeve.core.color import color_name

PALETTE_COLOURS = 5


@dataclass(frozen=True)
class Reading:
    caption: str
    genre: str
    mood: str
    motifs: tuple[str, ...]
    palette: tuple[str, ...]


def palette_names(image: Image.Image, colours: int = PALETTE_COLOURS) -> tuple[str, ...]:
    """The image's dominant colours by name, most common first."""
    small = image.convert("RGB").resize((64, 64), Image.Resampling.BILINEAR)
    quantized = small.quantize(colours, method=Image.Quantize.MEDIANCUT)
    palette = quantized.getpalette() or []
    counts = sorted(quantized.getcolors() or [], reverse=True)
    names: list[str] = []
    for _, index in counts:
        at = 3 * int(index)  # type: ignore[call-overload]
        name = color_name(palette[at: at + 3])
        if name not in names:
            names.append(name)
    return tuple(names)


def read_image(image: Image.Image, meta: Mapping[str, str]) -> Reading:
    title = meta.get("title", "").strip()
    artist = meta.get("artist", "").strip()
    brief = Brief(title=title[:200] or "untitled", artist=artist[:200] or "unknown",
                  album=meta.get("album", "")[:200], genre=meta.get("genre", "")[:200],
                  lyrics=meta.get("lyrics", "")[:10_000])
    analysis = analyze(brief)
    colours = palette_names(image)
    parts = ["album cover art"]
    if title:
        parts.append(f'"{title}"' + (f" by {artist}" if artist else ""))
    if meta.get("caption"):
        parts.append(meta["caption"].strip())
    if analysis.genre_family != "unknown":
        parts.append(f"{analysis.genre_family} genre")
    parts.append(f"{analysis.mood.label} mood")
    if analysis.motifs_from_text:
        parts.append("motifs: " + ", ".join(analysis.motifs[:3]))
    if meta.get("style"):
        parts.append(f"{meta['style']} style")
    parts.append(", ".join(colours[:4]) + " palette")
    return Reading(caption=", ".join(parts), genre=analysis.genre_family,
                   mood=analysis.mood.label, motifs=analysis.motifs[:3], palette=colours)
