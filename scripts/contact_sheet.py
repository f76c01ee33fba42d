"""Render every fixture brief into one PNG grid, to judge the covers side by side.

python scripts/contact_sheet.py --briefs fixtures/briefs.jsonl --out sleeve-out/contact-sheet.png

One style across every brief (its pale and dark palettes, Korean and English titles), small:

python scripts/contact_sheet.py --style glitch --size 512 --tile 256 --out sheets/glitch.png
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from PIL import Image, ImageDraw

from sleeve import Brief, generate
from sleeve.core.plan import TypeAnchor, TypeLayoutName
from sleeve.pipeline import Cover, render_plan
from sleeve.render.fonts import font_library

TILE = 256
LABEL = 28
ANCHORS: dict[TypeLayoutName, TypeAnchor] = {
    "top-left": "top", "top-center": "top", "split": "top", "bottom-left": "bottom",
    "bottom-center": "bottom", "band-bottom": "bottom", "center-stack": "center",
}
GAP = 12


def grid(tiles: list[tuple[Image.Image, str]], columns: int | None = None) -> Image.Image:
    """The tiles (all one size) in rows on a dark sheet, each with its label under it."""
    columns = columns or (8 if len(tiles) >= 32 else 6)
    size = tiles[0][0].width
    rows = -(-len(tiles) // columns)
    sheet = Image.new(
        "RGB", (GAP + columns * (size + GAP), GAP + rows * (size + LABEL + GAP)), "#111111"
    )
    font = font_library().file("Inter-Regular.otf").at(15)
    draw = ImageDraw.Draw(sheet)
    for i, (tile, label) in enumerate(tiles):
        x = GAP + (i % columns) * (size + GAP)
        y = GAP + (i // columns) * (size + LABEL + GAP)
        sheet.paste(tile, (x, y))
        draw.text((x, y + size + 6), label, fill="#bbbbbb", font=font)
    return sheet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--briefs", type=Path, default=Path("fixtures/briefs.jsonl"))
    parser.add_argument("--out", type=Path, default=Path("sleeve-out/contact-sheet.png"))
    parser.add_argument("--per-brief", type=int, default=2, help="covers per brief")
    parser.add_argument("--size", type=int, default=1024, help="render size before scaling down")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--style", default=None, help="force one style for every cover")
    parser.add_argument("--tile", type=int, default=360, help="side of each tile on the sheet")
    parser.add_argument("--layout", choices=sorted(ANCHORS), default=None,
                        help="force one type layout (e.g. center-stack) for every cover")
    args = parser.parse_args()

    briefs = [
        Brief.model_validate(json.loads(line))
        for line in args.briefs.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    tiles: list[tuple[Image.Image, str]] = []
    tile = args.tile
    for number, brief in enumerate(briefs):
        covers = generate(
            brief, count=args.per_brief, seed=args.seed, size=args.size, style=args.style
        )
        if args.layout is not None:
            covers = [_relaid(cover, args.layout, args.size) for cover in covers]
        for cover in covers:
            small = cover.image.resize((tile, tile), Image.Resampling.LANCZOS)
            where = cover.plan.type_layout.anchor
            tiles.append((small, f"{number} {cover.style} · {brief.genre or '-'} · {where}"))

    sheet = grid(tiles)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.out, optimize=False)
    print(args.out)


def _relaid(cover: Cover, layout: TypeLayoutName, size: int) -> Cover:
    """The same cover (plan and seed) with its type set in ``layout`` instead."""
    align = "center" if layout.endswith("center") or layout == "center-stack" else "left"
    type_layout = cover.plan.type_layout.model_copy(
        update={"name": layout, "anchor": ANCHORS[layout], "align": align})
    plan = cover.plan.model_copy(update={"type_layout": type_layout})
    return render_plan(plan, cover.seed, size=size)


if __name__ == "__main__":
    main()
