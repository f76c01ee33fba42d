"""Render every fixture brief into one PNG grid, to judge the covers side by side.

python scripts/contact_sheet.py --briefs fixtures/briefs.jsonl --out sleeve-out/contact-sheet.png
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from PIL import Image, ImageDraw

from sleeve import Brief, generate
from sleeve.render.fonts import font_library

TILE = 360
LABEL = 28
GAP = 12


def grid(tiles: list[tuple[Image.Image, str]], columns: int | None = None) -> Image.Image:
    """The tiles in rows on a dark sheet, each with its label under it."""
    columns = columns or (8 if len(tiles) >= 32 else 6)
    rows = -(-len(tiles) // columns)
    sheet = Image.new(
        "RGB", (GAP + columns * (TILE + GAP), GAP + rows * (TILE + LABEL + GAP)), "#111111"
    )
    font = font_library().file("Inter-Regular.otf").at(15)
    draw = ImageDraw.Draw(sheet)
    for i, (tile, label) in enumerate(tiles):
        x = GAP + (i % columns) * (TILE + GAP)
        y = GAP + (i // columns) * (TILE + LABEL + GAP)
        sheet.paste(tile, (x, y))
        draw.text((x, y + TILE + 6), label, fill="#bbbbbb", font=font)
    return sheet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--briefs", type=Path, default=Path("fixtures/briefs.jsonl"))
    parser.add_argument("--out", type=Path, default=Path("sleeve-out/contact-sheet.png"))
    parser.add_argument("--per-brief", type=int, default=2, help="covers per brief")
    parser.add_argument("--size", type=int, default=1024, help="render size before scaling down")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--style", default=None, help="force one style for every cover")
    args = parser.parse_args()

    briefs = [
        Brief.model_validate(json.loads(line))
        for line in args.briefs.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    tiles: list[tuple[Image.Image, str]] = []
    for brief in briefs:
        for cover in generate(
            brief, count=args.per_brief, seed=args.seed, size=args.size, style=args.style
        ):
            small = cover.image.resize((TILE, TILE), Image.Resampling.LANCZOS)
            tiles.append((small, f"{cover.style} · {brief.genre or 'no genre'}"))

    sheet = grid(tiles)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.out, optimize=False)
    print(args.out)


if __name__ == "__main__":
    main()
