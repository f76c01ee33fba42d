"""Stored rows as the response schemas of ``sleeve.schemas`` (what use cases return)."""

from __future__ import annotations

from typing import Any

from sleeve.db.models import BriefRow, Cover, Job
from sleeve.schemas.covers import CoverView
from sleeve.schemas.jobs import JobView, MotionView


def cover_view(cover: Cover) -> CoverView:
    return CoverView(
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


_KINDS = frozenset({"covers", "motion", "subject_training"})


def job_of_rows(job: Job, brief: BriefRow | None, covers: list[Cover]) -> JobView:
    motion = None
    if job.kind == "motion" and job.cover_id and job.motion_preset:
        motion = MotionView(
            cover_id=job.cover_id, preset=job.motion_preset,
            seconds=float(job.motion_seconds or 0.0),
            video_url=f"/v1/jobs/{job.id}/video" if job.result_key else None)
    return JobView(
        id=job.id, kind=job.kind if job.kind in _KINDS else "covers", motion=motion,
        state=job.state, progress=job.progress, stage=job.stage, error=job.error,
        brief=brief.to_brief() if brief is not None else None,
        count=job.count, engine=job.engine, style=job.style, seed=job.seed, size=job.size,
        subject_id=job.subject_id, created_at=job.created_at, started_at=job.started_at,
        finished_at=job.finished_at, covers=[cover_view(c) for c in covers],
    )
