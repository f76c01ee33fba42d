"""``/v1/covers``: a cover, its reviews, publishing, and the motion loop asked of it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from sleeve.core.fields import StrictBody, Text, WholeNumber
from sleeve.core.motion_presets import PRESET_NAMES, get_preset
from sleeve.schemas.base import View

MAX_COMMENT = 2000


class CoverView(View):
    id: str
    job_id: str
    position: int
    title: str
    artist: str
    genre: str
    engine: str
    style: str
    seed: int
    size: int
    is_public: bool
    palette: dict[str, str] = Field(
        description="The cover's colours (background, primary, secondary, accent, ink).")
    rating_avg: float
    rating_count: int
    model_version_id: str | None
    image_url: str
    created_at: datetime


class ReviewView(View):
    id: str
    cover_id: str
    rating: int
    comment: str
    created_at: datetime
    updated_at: datetime


class ChoiceBucket(View):
    genre_family: str
    mood: str


class ChoiceAction(View):
    style: str
    palette_family: str


class ChoiceView(View):
    """How the cover's style was chosen: the log off-policy evaluation learns from."""

    policy_id: str | None = Field(description="The registry id of the policy; null: the table.")
    policy_version: str = Field(description="`fixed` when the user named the style.")
    bucket: ChoiceBucket
    action: ChoiceAction
    propensity: float = Field(ge=0.0, le=1.0, description="P(this style at this position).")
    fixed: bool = Field(description="The user fixed the style; not used for learning.")


class CoverDetailView(CoverView):
    # The plan carries what was made from the owner's lyrics (keywords, motifs, concept,
    # prompt): only the owner sees it. Everyone else gets what was published.
    plan: dict[str, Any] | None = Field(description="The art direction; the owner's only.")
    brief_id: str | None = Field(description="The owner's only.")
    my_review: ReviewView | None = None
    choice: ChoiceView | None = Field(
        default=None, description="The logged style decision; shown to the owner only.")


class CoverUpdate(StrictBody):
    is_public: bool


class ReviewBody(StrictBody):
    rating: Annotated[int, Field(ge=1, le=5), WholeNumber]
    comment: Annotated[Text, Field(max_length=MAX_COMMENT)] = ""


# The two bodies below name every preset, and the Apple presets share one range.
assert set(PRESET_NAMES) == {"canvas", "apple-square", "apple-portrait"}
_CANVAS, _APPLE = get_preset("canvas"), get_preset("apple-square")
assert (_APPLE.min_seconds, _APPLE.max_seconds) == (
    get_preset("apple-portrait").min_seconds, get_preset("apple-portrait").max_seconds)


class CanvasMotion(StrictBody):
    """A Spotify Canvas loop (9:16, no text)."""

    preset: Literal["canvas"]
    seconds: float | None = Field(default=None, ge=_CANVAS.min_seconds, le=_CANVAS.max_seconds,
                                  description="Loop length in seconds (default "
                                              f"{_CANVAS.seconds:g}).")


class AppleMotion(StrictBody):
    """Apple Music motion artwork (1:1 or 3:4; its first frame is the still cover)."""

    preset: Literal["apple-square", "apple-portrait"]
    seconds: float | None = Field(default=None, ge=_APPLE.min_seconds, le=_APPLE.max_seconds,
                                  description="Loop length in seconds (default "
                                              f"{_APPLE.seconds:g}).")


# The body of ``POST /v1/covers/{id}/motion``: each preset's own length range, so the
# OpenAPI document states it (one definition: the presets in sleeve.core.motion_presets).
MotionRequest = Annotated[CanvasMotion | AppleMotion, Field(discriminator="preset")]
