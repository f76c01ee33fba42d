"""What use cases return: plain, serialisable views (the API uses them as response models)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from sleeve.core.brief import Brief
from sleeve.db.models import BriefRow, Cover, Job

JobState = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class View(BaseModel):
    model_config = ConfigDict(frozen=True)

    @classmethod
    def of(cls, row: Any) -> Self:
        """The view of a row that has every field as an attribute of the same name."""
        return cls.model_validate(row, from_attributes=True)


class UserView(View):
    id: str
    email: str | None
    display_name: str
    role: Literal["user", "admin"]
    created_at: datetime


class TokenView(View):
    id: str
    name: str
    prefix: str = Field(description="The first characters of the token, to recognise it.")
    created_at: datetime
    expires_at: datetime | None


class NewTokenView(TokenView):
    token: str = Field(description="The secret; shown only once.")


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

    @classmethod
    def of(cls, cover: Cover) -> CoverView:
        return cls(
            id=cover.id, job_id=cover.job_id, position=cover.position,
            title=str(cover.plan.get("title", "")), artist=str(cover.plan.get("artist", "")),
            genre=cover.genre, engine=cover.engine, style=cover.style, seed=cover.seed,
            size=cover.size, is_public=cover.is_public, palette=_palette(cover.plan),
            rating_avg=round(cover.rating_avg, 3),
            rating_count=cover.rating_count, model_version_id=cover.model_version_id,
            image_url=f"/v1/covers/{cover.id}/image", created_at=cover.created_at,
        )


def _palette(plan: dict[str, Any]) -> dict[str, str]:
    palette = plan.get("palette")
    if not isinstance(palette, dict):
        return {}
    return {str(k): str(v) for k, v in palette.items() if isinstance(v, str)}


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


class MotionView(View):
    """What a ``motion`` job makes: a loop of one cover."""

    cover_id: str
    preset: str
    seconds: float
    video_url: str | None = Field(description="The MP4, once the job has succeeded.")


class JobView(View):
    id: str
    kind: Literal["covers", "motion"] = "covers"
    state: JobState
    progress: int = Field(ge=0, le=100)
    error: str | None
    brief: Brief
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

    @classmethod
    def of_rows(cls, job: Job, brief: BriefRow, covers: list[Cover]) -> JobView:
        motion = None
        if job.kind == "motion" and job.cover_id and job.motion_preset:
            motion = MotionView(
                cover_id=job.cover_id, preset=job.motion_preset,
                seconds=float(job.motion_seconds or 0.0),
                video_url=f"/v1/jobs/{job.id}/video" if job.result_key else None)
        return cls(
            id=job.id, kind="motion" if job.kind == "motion" else "covers", motion=motion,
            state=job.state, progress=job.progress, error=job.error,
            brief=brief.to_brief(),
            count=job.count, engine=job.engine, style=job.style, seed=job.seed, size=job.size,
            subject_id=job.subject_id, created_at=job.created_at, started_at=job.started_at,
            finished_at=job.finished_at, covers=[CoverView.of(c) for c in covers],
        )


class Page(View):
    items: list[CoverView]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")
