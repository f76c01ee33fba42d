"""Typography on the artwork: ``typeset(art, plan)`` sets title and artist, legible and inside
the margins. One module per step, in the order a cover goes through them: ``runs``
(segmentation), ``lines`` (line breaking), ``fitting``, ``placement``, ``glyphs`` (drawing,
emoji), ``scrim`` (contrast); ``renderable`` is the one rule for text no font can draw, and
``cover`` puts the steps together."""

from sleeve.render.typeset.cover import SHRINKS, Paste, TextBox, TypesetResult, typeset
from sleeve.render.typeset.fitting import MIN_CAP, Role, SetText, fit
from sleeve.render.typeset.placement import LAYOUTS, MARGIN, SAFE, Layout, measure
from sleeve.render.typeset.renderable import (
    TYPEFACES,
    check_brief,
    check_plan,
    check_renderable,
)
from sleeve.render.typeset.runs import Run, drawable, split_runs

__all__ = [
    "LAYOUTS",
    "MARGIN",
    "MIN_CAP",
    "SAFE",
    "SHRINKS",
    "TYPEFACES",
    "Layout",
    "Paste",
    "Role",
    "Run",
    "SetText",
    "TextBox",
    "TypesetResult",
    "check_brief",
    "check_plan",
    "check_renderable",
    "drawable",
    "fit",
    "measure",
    "split_runs",
    "typeset",
]
