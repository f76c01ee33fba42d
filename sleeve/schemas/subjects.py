"""``/v1/subjects``: what a client sends and gets back about a subject and its photos."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from sleeve.core.fields import Name, StrictBody
from sleeve.schemas.base import View

MAX_PHOTOS = 20
CONSENT_HELP = (
    "Must be true: the owner agrees that Sleeve stores these photos of them (cleaned of all "
    "metadata) and uses them to make their covers, until they delete the subject.")


class NewSubject(StrictBody):
    """The body of ``POST /v1/subjects``."""

    name: Annotated[Name, Field(min_length=1, max_length=100)]
    consent: Literal[True] = Field(description=CONSENT_HELP)


class SubjectPhotoView(View):
    """An accepted photo (refused uploads are answered with a problem and never stored)."""

    id: str
    subject_id: str
    verdict: Literal["accepted"]
    reason: str = Field(description="Why it was accepted, in words.")
    format: Literal["jpeg", "png", "webp"]
    width: int
    height: int
    face: tuple[int, int, int, int] = Field(
        description="The face: left, top, width, height in the stored photo's pixels.")
    thumbnail_url: str
    created_at: datetime


class TrainingView(View):
    """Whether this server can train a DreamBooth-LoRA of the subject now, and why not."""

    available: bool
    reason: str | None = Field(description="Why training cannot start here; null when it can.")


class SubjectView(View):
    id: str
    name: str
    state: str = Field(description="The subject's training state: new, training, trained, ...")
    consented_at: datetime | None
    created_at: datetime
    max_photos: int = MAX_PHOTOS
    photos: list[SubjectPhotoView]
    training: TrainingView
