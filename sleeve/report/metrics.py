"""The report's numbers for a period and the one before it, read from the database.

Everything is computed from plain rows in Python: a week of activity is small, and the same
code then gives the same answers on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from sleeve.core.job_states import FAILED, SUCCEEDED
from sleeve.db.models import Cover, Job, ModelVersion, Review

WEEKS_OF_RATINGS = 8
TOP_REASONS = 5
BEST_COVERS = 6
# A style × genre cell needs this many reviews before its mean is shown.
MIN_CELL_REVIEWS = 1


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Pair(Frozen):
    """A number this period and in the previous one."""

    current: float
    previous: float

    @property
    def change(self) -> float | None:
        """Relative change; ``None`` when there was nothing before."""
        return None if self.previous == 0 else (self.current - self.previous) / self.previous


class Latency(Frozen):
    p50_s: float | None
    p95_s: float | None
    jobs: int


class WeekRating(Frozen):
    week: date  # Monday
    mean: float | None
    reviews: int


class BestCover(Frozen):
    id: str
    title: str
    artist: str
    genre: str
    style: str
    rating_avg: float
    rating_count: int
    blob_key: str


class ModelEvent(Frozen):
    id: str
    kind: str
    version: str
    state: str  # the version's state now
    action: str  # "promoted", or "rolled back" when an older version came back
    at: datetime


class Period(Frozen):
    """What happened in one period."""

    since: datetime
    until: datetime
    jobs_per_day: list[int]
    covers_per_day: list[int]
    covers_by_genre: dict[str, int]
    covers_by_engine: dict[str, int]
    rating_histogram: list[int]  # reviews with 1…5 stars
    mean_rating: float | None
    style_genre_mean: dict[str, dict[str, float]]
    style_genre_count: dict[str, dict[str, int]]
    latency: dict[str, Latency]  # per engine, queued → finished, successful jobs
    finished_jobs: int
    failed_jobs: int
    failure_reasons: dict[str, int]
    best_covers: list[BestCover]
    model_events: list[ModelEvent]

    @property
    def failure_rate(self) -> float:
        return self.failed_jobs / self.finished_jobs if self.finished_jobs else 0.0


class ReportData(Frozen):
    current: Period
    previous: Period
    weekly_ratings: list[WeekRating]
    rating_trend_per_week: float | None  # least-squares slope of the weekly means

    def headline(self) -> dict[str, Pair]:
        c, p = self.current, self.previous
        return {
            "jobs": Pair(current=sum(c.jobs_per_day), previous=sum(p.jobs_per_day)),
            "covers": Pair(current=sum(c.covers_per_day), previous=sum(p.covers_per_day)),
            "reviews": Pair(current=sum(c.rating_histogram), previous=sum(p.rating_histogram)),
            "mean_rating": Pair(current=c.mean_rating or 0.0, previous=p.mean_rating or 0.0),
            "failure_rate": Pair(current=c.failure_rate, previous=p.failure_rate),
        }

    def to_json(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["headline"] = {
            name: {"current": pair.current, "previous": pair.previous, "change": pair.change}
            for name, pair in self.headline().items()
        }
        for key in ("current", "previous"):
            period = getattr(self, key)
            data[key]["failure_rate"] = period.failure_rate
        return data


def _days(since: datetime, until: datetime) -> int:
    return max(1, int(np.ceil((until - since) / timedelta(days=1))))


def _per_day(times: Iterable[datetime], since: datetime, until: datetime) -> list[int]:
    counts = [0] * _days(since, until)
    for at in times:
        if since <= at < until:
            counts[min(len(counts) - 1, (at - since) // timedelta(days=1))] += 1
    return counts


def _reason(error: str | None) -> str:
    lines = (error or "").strip().splitlines()
    return (lines[0] if lines else "unknown error")[:120]


def _percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


def _mean(values: Sequence[int]) -> float | None:
    return float(np.mean(values)) if values else None


def _period(session: Session, since: datetime, until: datetime) -> Period:
    jobs = list(session.scalars(select(Job).where(Job.created_at >= since,
                                                  Job.created_at < until)))
    covers = list(session.scalars(select(Cover).where(Cover.created_at >= since,
                                                      Cover.created_at < until)))
    reviews = list(session.execute(
        select(Review.rating, Cover.style, Cover.genre).join(Cover, Review.cover_id == Cover.id)
        .where(Review.updated_at >= since, Review.updated_at < until)))
    histogram = [0] * 5
    cells: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for rating, style, genre in reviews:
        histogram[rating - 1] += 1
        cells[style][genre or "unknown"].append(rating)
    latencies: dict[str, list[float]] = defaultdict(list)
    for job in jobs:
        if job.state == SUCCEEDED and job.finished_at is not None:
            latencies[job.engine].append((job.finished_at - job.created_at).total_seconds())
    finished = [j for j in jobs if j.state in (SUCCEEDED, FAILED)]
    failed = [j for j in finished if j.state == FAILED]
    best = sorted((c for c in covers if c.is_public and c.rating_count > 0),
                  key=lambda c: (-c.rating_avg, -c.rating_count, c.id))[:BEST_COVERS]
    promoted = list(session.scalars(select(ModelVersion).where(
        ModelVersion.promoted_at >= since, ModelVersion.promoted_at < until)
        .order_by(ModelVersion.promoted_at)))
    return Period(
        since=since, until=until,
        jobs_per_day=_per_day((j.created_at for j in jobs), since, until),
        covers_per_day=_per_day((c.created_at for c in covers), since, until),
        covers_by_genre=dict(Counter(c.genre or "unknown" for c in covers).most_common()),
        covers_by_engine=dict(Counter(c.engine for c in covers).most_common()),
        rating_histogram=histogram,
        mean_rating=_mean([r for r, _, _ in reviews]),
        style_genre_mean={s: {g: round(float(np.mean(v)), 3) for g, v in by_genre.items()
                              if len(v) >= MIN_CELL_REVIEWS} for s, by_genre in cells.items()},
        style_genre_count={s: {g: len(v) for g, v in by_genre.items()}
                           for s, by_genre in cells.items()},
        latency={engine: Latency(p50_s=_percentile(v, 50), p95_s=_percentile(v, 95),
                                 jobs=len(v)) for engine, v in sorted(latencies.items())},
        finished_jobs=len(finished), failed_jobs=len(failed),
        failure_reasons=dict(Counter(_reason(j.error) for j in failed).most_common(TOP_REASONS)),
        best_covers=[BestCover(
            id=c.id, title=str(c.plan.get("title", "")), artist=str(c.plan.get("artist", "")),
            genre=c.genre, style=c.style, rating_avg=round(c.rating_avg, 2),
            rating_count=c.rating_count, blob_key=c.blob_key) for c in best],
        model_events=[ModelEvent(id=m.id, kind=m.kind, version=m.version, state=m.state,
                                 action=_action(session, m), at=m.promoted_at)
                      for m in promoted if m.promoted_at],
    )


def _action(session: Session, model: ModelVersion) -> str:
    """Rolling back is promoting again a version older than one already promoted before."""
    newer = session.scalar(select(ModelVersion.id).where(
        ModelVersion.kind == model.kind, ModelVersion.created_at > model.created_at,
        ModelVersion.promoted_at.is_not(None), ModelVersion.promoted_at <= model.promoted_at
    ).limit(1))
    return "rolled back" if newer else "promoted"


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weekly_ratings(session: Session, until: datetime) -> list[WeekRating]:
    last = _monday((until - timedelta(microseconds=1)).date())
    weeks = [last - timedelta(weeks=n) for n in reversed(range(WEEKS_OF_RATINGS))]
    start = datetime.combine(weeks[0], datetime.min.time(), tzinfo=until.tzinfo)
    by_week: dict[date, list[int]] = defaultdict(list)
    for rating, at in session.execute(select(Review.rating, Review.updated_at).where(
            Review.updated_at >= start, Review.updated_at < until)):
        by_week[_monday(at.date())].append(rating)
    return [WeekRating(week=w, mean=_mean(by_week[w]), reviews=len(by_week[w])) for w in weeks]


def _trend(weeks: Sequence[WeekRating]) -> float | None:
    points = [(i, w.mean) for i, w in enumerate(weeks) if w.mean is not None]
    if len(points) < 2:
        return None
    x, y = np.array([p[0] for p in points], float), np.array([p[1] for p in points], float)
    return round(float(np.polyfit(x, y, 1)[0]), 4)


def collect(session: Session, since: datetime, until: datetime) -> ReportData:
    """The numbers for [since, until) and for the period of the same length before it."""
    if until <= since:
        raise ValueError("the report period must end after it starts")
    length = until - since
    weekly = _weekly_ratings(session, until)
    return ReportData(current=_period(session, since, until),
                      previous=_period(session, since - length, since),
                      weekly_ratings=weekly, rating_trend_per_week=_trend(weekly))
