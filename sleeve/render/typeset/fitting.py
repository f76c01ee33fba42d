"""Fitting: a role's text wrapped into balanced lines and sized as large as its layout allows,
never below a cap height legible on a 300 px thumbnail unless the margins demand it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from sleeve.render.fonts import FontFile, is_joiner
from sleeve.render.typeset.lines import balanced, clusters, tokens
from sleeve.render.typeset.runs import Run, drawable, line_width, split_runs

Role = Literal["title", "artist"]

MIN_CAP = 0.023  # title cap height ≥ 2.3% of the cover: ~7 px on a 300 px thumbnail
REF_SIZE = 200  # widths are measured once at this size and scaled
SHORT_TITLE_GROWTH = 1.7  # how much larger than the layout's size a short title may grow
SHORT_TITLE_FILL = 0.4  # … until its line fills this much of the column
TITLE_STRETCH = 0.6  # the most of the height a title may take to stay legible


@dataclass(frozen=True)
class SetText:
    """One role's text fitted: its lines (as runs), size, leading and tracking."""

    role: Role
    text: str
    lines: tuple[str, ...]
    runs: tuple[tuple[Run, ...], ...]
    size: int
    leading: float  # baseline-to-baseline, in em
    tracking: float
    chain: tuple[FontFile, ...]
    uncovered: tuple[str, ...]

    def widths(self) -> list[float]:
        return [line_width(r, self.size, self.tracking) for r in self.runs]

    def cap_height(self) -> int:
        """Height of a capital (or a Hangul/kana glyph when the text has no Latin)."""
        first = [r.font for r in (self.runs[0] if self.runs else ()) if not r.font.colour]
        font = first[0] if first else self.chain[0]
        letters = [c for line in self.runs for run in line for c in run.text
                   if run.font == font and not is_joiner(c)]
        probe = ("H" if font == self.chain[0] else "国" if font.covers("国")
                 else letters[0] if letters else "H")
        box = font.at(self.size).getbbox(probe, anchor="ls")
        return int(-box[1])

    def resized(self, size: int) -> SetText:
        return replace(self, size=size)


def _leading(text: str, role: Role) -> float:
    cjk = any(ord(c) >= 0x1100 for c in text)
    base = 1.06 if role == "title" else 1.2
    return base + (0.2 if cjk else 0.0)


MOST_LINES = 12  # only a very long text with no break reaches this many


def _piece_width(piece: str, chain: Sequence[FontFile], tracking: float) -> float:
    return line_width(split_runs(piece, chain)[0], REF_SIZE, tracking)


def fit(role: Role, text: str, chain: tuple[FontFile, ...], tracking: float, desired: float,
        min_size: float, max_width: float, max_height: float, max_lines: int,
        stretch_height: float | None = None, growth: float = SHORT_TITLE_GROWTH) -> SetText:
    """Wrap ``text`` into balanced lines and size it as large as ``desired`` allows.

    Up to ``max_lines`` lines in ``max_height``; when that cannot reach ``min_size``, more
    lines, up to ``stretch_height``. A word too long for a line at ``min_size`` is cut
    between characters as a last resort."""
    shown = drawable(text)
    pieces = tokens(shown) or [shown]
    longest_piece = max_width / max(min_size, 1.0) * REF_SIZE
    pieces = [cut for p in pieces for cut in (
        clusters(p) if _piece_width(p.rstrip(), chain, tracking) > longest_piece else [p])]
    leading = _leading(shown, role)
    widths = [_piece_width(p, chain, tracking) for p in pieces]
    spaces = [_piece_width(p[len(p.rstrip()):], chain, tracking) if p != p.rstrip() else 0.0
              for p in pieces]

    def size_for(lines: list[str], height: float, fill: float = 1.0) -> float:
        longest = max(_piece_width(line, chain, tracking) for line in lines)
        by_width = max_width * fill / max(longest, 1.0) * REF_SIZE
        by_height = height / (1.0 + leading * (len(lines) - 1))
        return min(desired if fill == 1.0 else by_width, by_width, by_height)

    def options_in(height: float, most: int) -> list[tuple[float, list[str]]]:
        out: list[tuple[float, list[str]]] = []
        limit = min(len(pieces), max_lines)
        for count in range(1, min(len(pieces), most) + 1):
            lines = balanced(pieces, widths, spaces, count)
            out.append((size_for(lines, height), lines))
            if out[-1][0] >= desired or (count >= limit and max(o[0] for o in out) >= min_size):
                break
        return out

    options = options_in(max_height, 8)
    if max(o[0] for o in options) < min_size and stretch_height:
        options = options_in(max(stretch_height, max_height), MOST_LINES)
    best = max(size for size, _ in options)
    # Fewer lines when they cost little size: a title reads better in fewer, larger lines —
    # but never fewer at the price of falling under the legible minimum.
    size, lines = next(o for o in options if o[0] >= max(best * 0.94, min(best, min_size)))
    if role == "title" and len(lines) == 1:
        # A word or two set at the body size looks lost: let short titles grow into the grid.
        size = max(size, min(desired * growth,
                             size_for(lines, max_height, SHORT_TITLE_FILL)))
    runs, uncovered = [], []
    for line in lines:
        line_runs, missing = split_runs(line, chain)
        runs.append(tuple(line_runs))
        uncovered.extend(missing)
    return SetText(role, text, tuple(lines), tuple(runs), max(1, int(size)), leading, tracking,
                   chain, tuple(uncovered))
