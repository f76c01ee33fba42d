"""Renderability: the one rule for "every character of the title and artist can be drawn".

A character is drawable when a font of the chain the typesetter will use has it — the chain of
the plan's own typeface, role and language (``FontLibrary.chain``), so the rule checked when a
job is accepted is the rule the render applies. Before there is a plan (a job being created),
``check_brief`` applies it to every chain a plan of the brief can have: any typeface, and the
brief's language as the art director will set it. A box (tofu) on a cover is never acceptable.
"""

from __future__ import annotations

from typing import get_args

from sleeve.core.brief import Brief
from sleeve.core.language import brief_language
from sleeve.core.plan import CoverPlan, Typeface
from sleeve.render.fonts import FontLibrary, UnrenderableTextError
from sleeve.render.typeset.runs import drawable, split_runs

TYPEFACES: tuple[Typeface, ...] = get_args(Typeface)


def check_renderable(title: str, artist: str, typeface: Typeface, language: str,
                     library: FontLibrary) -> None:
    """Raise UnrenderableTextError naming the characters of ``title`` or ``artist`` that no
    font of their chain (``typeface`` set in ``language``) can draw."""
    for role, text in (("title", title), ("artist", artist)):
        shown = drawable(text)
        missing = split_runs(shown, library.chain(typeface, role, shown, language))[1]
        if missing:
            raise UnrenderableTextError(role, missing)


def check_plan(plan: CoverPlan, library: FontLibrary) -> None:
    """The rule for one plan, with its own typeface and language (the render's check)."""
    check_renderable(plan.title, plan.artist, plan.type_layout.typeface, plan.language, library)


def check_brief(brief: Brief, library: FontLibrary) -> None:
    """The rule for every plan ``brief`` can get (the check when a job is created): the style,
    and so the typeface, is chosen later (by the style policy or the art director)."""
    language = brief_language(brief)
    for typeface in TYPEFACES:
        check_renderable(brief.title, brief.artist, typeface, language, library)
