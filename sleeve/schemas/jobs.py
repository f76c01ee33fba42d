"""``/v1/jobs``: the body that asks for covers, and the job as it is read back."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, field_validator

from sleeve.core.bounds import DEFAULT_COUNT, DEFAULT_SIZE, CoverCount, CoverSize, Seed
from sleeve.core.brief import Brief, clean_line, clean_lyrics
from sleeve.core.engine_names import EngineName
from sleeve.core.fields import Line, StrictBody, Text
from sleeve.core.job_states import JobStage, JobState
from sleeve.core.styles import STYLE_NAMES, check_style
from sleeve.schemas.base import View
from sleeve.schemas.covers import CoverView

# Set on the cover: it must keep something visible after normalisation (not only spaces or
# invisible, unassigned or private-use characters) and an installed font must draw every
# character; both are checked when the job is created (422).
COVER_TEXT = {"format": "cover-text", "description": (
    "Printed on the cover: at least one visible character, all drawable by the server's fonts "
    "(Latin, Greek, Cyrillic, Hangul, kana, CJK, Thai, Arabic, Hebrew, emoji, …).")}


class BriefBody(Brief):
    """A brief as the API takes it: the same rules as ``Brief``, but text with control
    characters is refused (422) rather than cleaned, and JSON types are strict."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    # The limits hold before and after normalisation (which only removes characters).
    title: Annotated[Line, Field(min_length=1, max_length=200, json_schema_extra=COVER_TEXT),
                     AfterValidator(clean_line)]
    artist: Annotated[Line, Field(min_length=1, max_length=200, json_schema_extra=COVER_TEXT),
                      AfterValidator(clean_line)]
    album: Annotated[Line, Field(max_length=200), AfterValidator(clean_line)] = ""
    genre: Annotated[Line, Field(max_length=200), AfterValidator(clean_line)] = ""
    lyrics: Annotated[Text, Field(max_length=10_000), AfterValidator(clean_lyrics)] = ""


def _from_brief(value: object) -> object:
    # Python callers (the CLI, workers, tests) hand over a Brief they already validated.
    if isinstance(value, Brief) and not isinstance(value, BriefBody):
        return value.model_dump()
    return value


class JobRequest(StrictBody):
    """The body of ``POST /v1/jobs``."""

    brief: Annotated[BriefBody, BeforeValidator(_from_brief)]
    count: CoverCount = DEFAULT_COUNT
    engine: EngineName = "procedural"
    style: Annotated[str, Field(json_schema_extra={"enum": list(STYLE_NAMES)})] | None = None
    seed: Seed | None = None
    size: CoverSize = DEFAULT_SIZE
    subject_id: Annotated[Line, Field(min_length=1, max_length=32)] | None = None

    @field_validator("style")
    @classmethod
    def _known_style(cls, value: str | None) -> str | None:
        return None if value is None else check_style(value)

    def digest(self) -> str:
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


class MotionView(View):
    """What a ``motion`` job makes: a loop of one cover."""

    cover_id: str
    preset: str
    seconds: float
    video_url: str | None = Field(description="The MP4, once the job has succeeded.")


class JobView(View):
    id: str
    kind: Literal["covers", "motion", "subject_training"] = "covers"
    state: JobState
    progress: int = Field(ge=0, le=100)
    stage: JobStage | None = Field(default=None, description=(
        "What a running job is doing now: planning, then per cover artwork, typography and "
        "saving (a motion job: frames, then saving); null unless running."))
    error: str | None
    brief: Brief | None = Field(description="What the covers are made from; null for a "
                                             "`subject_training` job, which makes none.")
    count: int
    engine: str
    style: str | None
    seed: int
    size: int
    subject_id: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    covers: list[CoverView]
    motion: MotionView | None = None
