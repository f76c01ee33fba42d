"""One cover, every frame a release needs: the art re-composed and the type re-laid for each.

Nothing is cropped or letterboxed: each format is drawn anew from the cover's plan and seed,
with the style composing its art for the frame's window (``sleeve.render.frame``) and the
typesetter setting title and artist on that frame's own grid and safe area.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from PIL import Image

from sleeve.core.plan import CoverPlan
from sleeve.render.artwork import render_framed
from sleeve.render.export import CoverMetadata, encode
from sleeve.render.fonts import FontLibrary
from sleeve.render.typeset import TypesetResult, typeset


@dataclass(frozen=True)
class Format:
    name: str
    width: int
    height: int
    use: str

    @property
    def ratio(self) -> str:
        return {1.0: "1:1", 0.8: "4:5", 0.5625: "9:16", 1.7778: "16:9", 3.0: "3:1"}.get(
            round(self.width / self.height, 4), f"{self.width}:{self.height}")

    def filename(self, ext: str) -> str:
        return f"{self.name}-{self.width}x{self.height}.{ext}"

    def scaled(self, scale: float) -> tuple[int, int]:
        """(width, height) at ``scale`` (previews and tests), the aspect kept."""
        return max(1, round(self.width * scale)), max(1, round(self.height * scale))


FORMATS: tuple[Format, ...] = (
    Format("cover", 3000, 3000, "store cover"),
    Format("feed", 1080, 1350, "feed post"),
    Format("story", 1080, 1920, "story"),
    Format("video", 1920, 1080, "video thumbnail / banner"),
    Format("header", 1500, 500, "profile header"),
)
FORMAT_NAMES: tuple[str, ...] = tuple(f.name for f in FORMATS)


def get_format(name: str) -> Format:
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise ValueError(f"unknown format {name!r}; expected one of {', '.join(FORMAT_NAMES)}")


def render_format(plan: CoverPlan, seed: int, fmt: Format, *, scale: float = 1.0,
                  text: bool = True, fonts: FontLibrary | None = None) -> TypesetResult:
    """The cover re-composed for ``fmt`` (at ``scale`` of its size), type set on it in
    ``fonts`` (default: the system's)."""
    width, height = fmt.scaled(scale)
    art = render_framed(plan, seed, width, height)
    if not text:
        return TypesetResult(image=art, boxes=[])
    return typeset(art, plan, fonts=fonts)


def render_kit(plan: CoverPlan, seed: int, *, scale: float = 1.0,
               fonts: FontLibrary | None = None) -> dict[str, Image.Image]:
    """Every format of the kit, by format name."""
    return {fmt.name: render_format(plan, seed, fmt, scale=scale, fonts=fonts).image
            for fmt in FORMATS}


def kit_archive(plan: CoverPlan, seed: int, metadata: CoverMetadata, *,
                fonts: FontLibrary | None = None) -> bytes:
    """Every format at full size as JPEG in one ZIP, entries named by format. JPEGs are stored,
    not deflated (they do not shrink), and dated alike, so a plan and seed give the same
    bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for fmt in FORMATS:
            image = render_format(plan, seed, fmt, fonts=fonts).image
            info = zipfile.ZipInfo(fmt.filename("jpg"), date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, encode(image, "jpeg", metadata))
    return out.getvalue()
