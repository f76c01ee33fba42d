"""Use cases for covers: read, publish, images and their cached variants, reviews, gallery.

Masters are stored as JPEG q92 at the job's size (a 3000² PNG master is ~10 MB and takes
~3.7 s to encode; see DESIGN.md). Variants are made on first request and cached in the blob
store. ``format=png`` of a procedural cover is rendered again from its stored plan and seed,
which gives the original pixels bit for bit (no JPEG artefacts, and a smaller PNG than one of
the decoded JPEG); a diffusion cover's PNG is made from its master, since re-rendering would
need the GPU and the exact weights again.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from PIL import Image
from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session

from sleeve.core.plan import CoverPlan
from sleeve.db.engine import transaction
from sleeve.db.models import Cover, Review
from sleeve.db.types import utcnow
from sleeve.pipeline import render_plan
from sleeve.render.export import CoverMetadata, encode
from sleeve.service.context import Services
from sleeve.service.cursor import BAD_CURSOR
from sleeve.service.errors import Invalid, NotFound
from sleeve.service.ownership import find, get_owned
from sleeve.service.views import CoverDetailView, CoverView, Page, ReviewView
from sleeve.storage import BlobNotFoundError

ImageFormat = Literal["jpeg", "png"]
VARIANT_SIZES = (64, 128, 256, 512, 600, 1024, 1500, 2048, 3000)
MEDIA_TYPES: dict[str, str] = {"jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS: dict[str, str] = {"jpeg": "jpg", "png": "png"}
MAX_COMMENT = 2000
MAX_PAGE = 100
MAX_INT = 2**31 - 1  # the largest value an INTEGER column holds on every database


@dataclass(frozen=True)
class ImageBlob:
    data: bytes
    media_type: str
    etag: str


def _visible(session: Session, user_id: str | None, cover_id: str) -> Cover:
    """The cover if ``user_id`` owns it or it is public; otherwise 404 (never 403)."""
    cover = find(session, Cover, cover_id)
    if cover is None or not (cover.is_public or cover.user_id == user_id):
        raise NotFound(f"no cover {cover_id}")
    return cover


def get_cover(services: Services, user_id: str | None, cover_id: str) -> CoverDetailView:
    with transaction(services.sessions) as session:
        cover = _visible(session, user_id, cover_id)
        mine = session.scalar(select(Review).where(
            Review.cover_id == cover.id, Review.user_id == user_id)) if user_id else None
        owner = cover.user_id == user_id
        return CoverDetailView(
            **CoverView.of(cover).model_dump(), plan=cover.plan if owner else None,
            brief_id=cover.brief_id if owner else None,
            my_review=ReviewView.of(mine) if mine else None,
        )


def set_public(services: Services, user_id: str, cover_id: str, public: bool) -> CoverView:
    with transaction(services.sessions) as session:
        cover = get_owned(session, Cover, cover_id, user_id, "cover")
        cover.is_public = public
        return CoverView.of(cover)


def image_etag(digest: str, size: int, fmt: str) -> str:
    return f'"{digest[:24]}-{size}-{fmt}"'


def image_lookup(services: Services, user_id: str | None, cover_id: str, size: int | None,
                 fmt: ImageFormat) -> tuple[Cover, int, str]:
    """Checks access and the size; returns (cover, size, etag) without reading any blob."""
    with transaction(services.sessions) as session:
        cover = _visible(session, user_id, cover_id)
    size = cover.size if size is None else size
    if size != cover.size and (size not in VARIANT_SIZES or size > cover.size):
        allowed = [s for s in VARIANT_SIZES if s < cover.size] + [cover.size]
        raise Invalid(f"size: choose one of {', '.join(map(str, allowed))}")
    return cover, size, image_etag(cover.digest, size, fmt)


def cover_image(services: Services, cover: Cover, size: int, fmt: ImageFormat) -> ImageBlob:
    etag = image_etag(cover.digest, size, fmt)
    if size == cover.size and fmt == "jpeg":
        return ImageBlob(services.store.get(cover.blob_key), MEDIA_TYPES[fmt], etag)
    key = f"covers/{cover.id}/{size}.{EXTENSIONS[fmt]}"
    try:
        return ImageBlob(services.store.get(key), MEDIA_TYPES[fmt], etag)
    except BlobNotFoundError:
        pass
    if fmt == "png" and cover.engine == "procedural":
        plan = CoverPlan.model_validate(cover.plan)
        image = render_plan(plan, cover.seed, size=cover.size, settings=services.settings).image
    else:
        with Image.open(io.BytesIO(services.store.get(cover.blob_key))) as master:
            image = master.convert("RGB")
    if size != image.width:
        image = image.resize((size, size), Image.Resampling.LANCZOS)
    data = encode(image, fmt, CoverMetadata(
        title=str(cover.plan.get("title", "")), artist=str(cover.plan.get("artist", "")),
        seed=cover.seed, engine=cover.engine, style=cover.style,
    ))
    services.store.put(key, data)
    return ImageBlob(data, MEDIA_TYPES[fmt], etag)


def review_cover(services: Services, user_id: str, cover_id: str, rating: int,
                 comment: str) -> ReviewView:
    """One review per user per cover: a second replaces the first. The cover's rating summary
    changes in the same transaction."""
    if not 1 <= rating <= 5:
        raise Invalid("rating: must be 1 to 5")
    if len(comment) > MAX_COMMENT:
        raise Invalid(f"comment: must be at most {MAX_COMMENT} characters")
    with transaction(services.sessions) as session:
        cover = _visible(session, user_id, cover_id)
        review = session.scalar(select(Review).where(
            Review.cover_id == cover.id, Review.user_id == user_id).with_for_update())
        now = utcnow()
        if review is None:
            review = Review(cover_id=cover.id, user_id=user_id, rating=rating, comment=comment,
                            created_at=now, updated_at=now)
            session.add(review)
        else:
            review.rating, review.comment, review.updated_at = rating, comment, now
        session.flush()
        avg, count = session.execute(
            select(func.avg(Review.rating), func.count()).where(Review.cover_id == cover.id)
        ).one()
        cover.rating_avg, cover.rating_count = float(avg or 0.0), int(count)
        return ReviewView.of(review)


def _page_size(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit: must be 1 to {MAX_PAGE}")
    return limit


def _page(services: Services, query: Select[Cover], limit: int,
          cursor_of: Callable[[Cover], list[Any]]) -> Page:
    """Runs ``query`` (ordered, limited to limit + 1) and cuts one page with its cursor."""
    with transaction(services.sessions) as session:
        rows = list(session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=[CoverView.of(c) for c in rows],
                next_cursor=services.cursors.encode(cursor_of(rows[-1])) if more else None)


def _cursor_values(services: Services, cursor: str,
                   types: tuple[type | tuple[type, ...], ...]) -> list[Any]:
    """A cursor's values, each in the range its column can hold (a cursor is signed, but the
    database must never see a value it cannot compare, whatever signed it)."""
    values = services.cursors.decode(cursor, types)
    for value in values:
        if isinstance(value, float) and not math.isfinite(value):
            raise Invalid(BAD_CURSOR)
        if isinstance(value, int) and not 0 <= value <= MAX_INT:
            raise Invalid(BAD_CURSOR)
        if isinstance(value, str) and not (0 < len(value) <= 64 and value.isascii()
                                           and value.isprintable()):
            raise Invalid(BAD_CURSOR)
    return values


def gallery(services: Services, cursor: str | None, limit: int = 24,
            genre: str | None = None) -> Page:
    """Public covers, top-rated first (average, then number of ratings), newest id last."""
    limit = _page_size(limit)
    query: Select[Cover] = select(Cover).where(Cover.is_public.is_(True))
    if genre:
        query = query.where(Cover.genre == genre.strip().lower())
    if cursor:
        avg, count, last_id = _cursor_values(services, cursor, ((int, float), int, str))
        if not 0 <= avg <= 5:  # a rating average
            raise Invalid(BAD_CURSOR)
        query = query.where(tuple_(Cover.rating_avg, Cover.rating_count, Cover.id)
                            < tuple_(float(avg), count, last_id))
    query = query.order_by(Cover.rating_avg.desc(), Cover.rating_count.desc(),
                           Cover.id.desc()).limit(limit + 1)
    return _page(services, query, limit,
                 lambda last: [last.rating_avg, last.rating_count, last.id])


def my_covers(services: Services, user_id: str, cursor: str | None, limit: int = 24) -> Page:
    """The user's covers, newest first."""
    limit = _page_size(limit)
    query: Select[Cover] = select(Cover).where(Cover.user_id == user_id)
    if cursor:
        created, last_id = _cursor_values(services, cursor, (str, str))
        try:
            when = datetime.fromisoformat(created)
        except ValueError as exc:
            raise Invalid(BAD_CURSOR) from exc
        if when.tzinfo is None:
            raise Invalid(BAD_CURSOR)
        query = query.where(tuple_(Cover.created_at, Cover.id) < tuple_(when, last_id))
    query = query.order_by(Cover.created_at.desc(), Cover.id.desc()).limit(limit + 1)
    return _page(services, query, limit, lambda last: [last.created_at.isoformat(), last.id])
