"""Personalized covers across styles and genres in one PNG grid, to judge the portraits.

python scripts/portrait_sheet.py --out /work/wt/sheets/personalized.png
python scripts/portrait_sheet.py --subject-photo me.jpg --size 3000 --out sheet.png

Without ``--subject-photo`` the portrait is scikit-image's bundled ``astronaut`` (and its
mirror image, so a brief's covers take the photos in turn).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from contact_sheet import TILE, grid
from PIL import Image, ImageOps

from sleeve import Brief
from sleeve.pipeline import direct, face_photo, feature, render_plan

# (style, brief): every style once, with a genre that suits it and one that pulls elsewhere.
CASES: tuple[tuple[str, dict[str, str]], ...] = (
    ("swiss", {"title": "Blue Hour Session", "artist": "Mina Park", "genre": "jazz"}),
    ("riso", {"title": "Paper Planes", "artist": "The Low Tides", "genre": "indie"}),
    ("collage", {"title": "No Sleep Till Seoul", "artist": "KAYO", "genre": "hip-hop"}),
    ("glitch", {"title": "Static Heart", "artist": "NOVA", "genre": "rock"}),
    ("minimal", {"title": "Quiet", "artist": "Hana Lee", "genre": "ballad"}),
    ("landscape", {"title": "River Road", "artist": "June & The Pines", "genre": "folk"}),
    ("sunburst", {"title": "사랑의 트위스트", "artist": "김복순", "genre": "트로트"}),
    ("synthwave", {"title": "Midnight Drive", "artist": "Neon Arcade", "genre": "synthwave"}),
    ("aurora", {"title": "Northern Letters", "artist": "Solveig", "genre": "ambient"}),
    ("nebula", {"title": "Orbit", "artist": "Stellar Kid", "genre": "electronic"}),
    ("flowfield", {"title": "Currents", "artist": "Daniel Cho", "genre": "techno"}),
    ("contours", {"title": "Elevation", "artist": "Ridge Line", "genre": "jazz"}),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("sleeve-out/personalized.png"))
    parser.add_argument("--subject-photo", type=Path, action="append", default=[])
    parser.add_argument("--size", type=int, default=1024, help="render size before scaling down")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--per-style", type=int, default=1, help="covers per style")
    parser.add_argument("--styles", default="", help="comma-separated: only these styles")
    args = parser.parse_args()

    if args.subject_photo:
        images = [ImageOps.exif_transpose(Image.open(p)) for p in args.subject_photo]
    else:
        from skimage import data

        astronaut = Image.fromarray(data.astronaut())
        images = [astronaut, ImageOps.mirror(astronaut)]
    photos = [face_photo(image) for image in images]
    wanted = {s for s in args.styles.split(",") if s}
    tiles: list[tuple[Image.Image, str]] = []
    for style, fields in CASES:
        if wanted and style not in wanted:
            continue
        brief = Brief.model_validate(fields)
        plans = feature(direct(brief, count=args.per_style, seed=args.seed, style=style),
                        args.seed, len(photos))
        for index, plan in enumerate(plans):
            assert plan.portrait is not None
            cover = render_plan(plan, args.seed + index, size=args.size,
                                subject=photos[plan.portrait.photo])
            small = cover.image.resize((TILE, TILE), Image.Resampling.LANCZOS)
            tiles.append((small, f"{style} · {plan.genre_family} · {plan.portrait.treatment}"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    grid(tiles, columns=4).save(args.out)
    print(args.out)


if __name__ == "__main__":
    main()
