"""Use cases for covers: read, publish, images and their variants, reviews (lists of covers:
``sleeve.service.listing``).

Masters are stored as JPEG q92 at the job's size (a 3000² PNG master is ~10 MB and takes
~3.7 s to encode; see DESIGN.md). No request renders: any other size or format is a variant
made by a worker (``sleeve.jobs.variants``); a request for one that is not made yet queues it
(once, however many ask) and waits a little for it, then answers "come back later".
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sleeve.core.formats import MEDIA_TYPES, ImageFormat
from sleeve.db.engine import transaction
from sleeve.db.models import Cover, CoverVariant, Review
from sleeve.db.types import new_id, utcnow
from sleeve.jobs import lifecycle, variants
from sleeve.schemas.covers import MAX_COMMENT, ChoiceView, CoverDetailView, CoverView, ReviewView
from sleeve.service.context import Services
from sleeve.service.errors import Invalid, NotFound, Unavailable
from sleeve.service.ownership import find, get_owned
from sleeve.service.views import cover_view

log = logging.getLogger("sleeve.service")
T = TypeVar("T")
VARIANT_SIZES = (64, 128, 256, 512, 600, 1024, 1500, 2048, 3000)


@dataclass(frozen=True)
class ImageBlob:
    data: bytes
    media_type: str
    etag: str


@dataclass(frozen=True)
class Pending:
    """The variant is queued or being made: ask again after ``retry_after_s``."""

    retry_after_s: int


def visible(session: Session, user_id: str | None, cover_id: str) -> Cover:
    """The cover if ``user_id`` owns it or it is public; otherwise 404 (never 403)."""
    cover = find(session, Cover, cover_id)
    if cover is None or not (cover.is_public or cover.user_id == user_id):
        raise NotFound(f"no cover {cover_id}")
    return cover


def get_cover(services: Services, user_id: str | None, cover_id: str) -> CoverDetailView:
    with transaction(services.sessions) as session:
        cover = visible(session, user_id, cover_id)
        mine = session.scalar(select(Review).where(
            Review.cover_id == cover.id, Review.user_id == user_id)) if user_id else None
        owner = user_id is not None and cover.user_id == user_id
        return CoverDetailView(
            **cover_view(cover).model_dump(), plan=cover.plan if owner else None,
            brief_id=cover.brief_id if owner else None,
            my_review=ReviewView.of(mine) if mine else None,
            choice=ChoiceView.model_validate(cover.choice) if owner and cover.choice else None,
        )


def set_public(services: Services, user_id: str, cover_id: str, public: bool) -> CoverView:
    with transaction(services.sessions) as session:
        cover = get_owned(session, Cover, cover_id, user_id, "cover")
        cover.is_public = public
        return cover_view(cover)


def image_etag(digest: str, size: int, fmt: str) -> str:
    return f'"{digest[:24]}-{size}-{fmt}"'


def image_lookup(services: Services, user_id: str | None, cover_id: str, size: int | None,
                 fmt: ImageFormat) -> tuple[Cover, int, str]:
    """Checks access and the size; returns (cover, size, etag) without reading any blob."""
    with transaction(services.sessions) as session:
        cover = visible(session, user_id, cover_id)
    size = cover.size if size is None else size
    if size != cover.size and (size not in VARIANT_SIZES or size > cover.size):
        allowed = [s for s in VARIANT_SIZES if s < cover.size] + [cover.size]
        raise Invalid(f"size: choose one of {', '.join(map(str, allowed))}")
    return cover, size, image_etag(cover.digest, size, fmt)


def cover_image(services: Services, cover: Cover, size: int, fmt: ImageFormat
                ) -> ImageBlob | Pending:
    """The image if it is made; otherwise its variant is queued (once) and Pending returned."""
    etag = image_etag(cover.digest, size, fmt)
    if size == cover.size and fmt == "jpeg":
        return ImageBlob(services.store.get(cover.blob_key), MEDIA_TYPES[fmt], etag)
    found = made_variant(services, cover.id, size, fmt)
    if isinstance(found, Pending):
        return found
    return ImageBlob(services.store.get(found.blob_key), MEDIA_TYPES[fmt], etag)


def made_variant(services: Services, cover_id: str, size: int, kind: variants.VariantKind
                 ) -> CoverVariant | Pending:
    """The variant's row once a worker has made it; until then it is queued (once, however
    many ask; a failed one again, a few times) and Pending returned."""
    variant = _variant(services, cover_id, size, kind)
    if variant.state == lifecycle.SUCCEEDED:
        return variant
    if variant.state == lifecycle.FAILED:
        _retry(services, variant)
    return Pending(retry_after_s=1)


async def wait_until_made(services: Services, look: Callable[[], T | Pending]) -> T | Pending:
    """``look`` (run in a thread) again and again, up to ``variant_wait_s``, until a worker
    has made what it looks for."""
    deadline = time.monotonic() + services.settings.variant_wait_s
    delay = 0.02
    while True:
        found = await asyncio.to_thread(look)
        if not isinstance(found, Pending) or time.monotonic() + delay > deadline:
            return found
        await asyncio.sleep(delay)
        delay = min(0.25, delay * 1.5)


async def wait_for_image(services: Services, cover: Cover, size: int, fmt: ImageFormat
                         ) -> ImageBlob | Pending:
    """``cover_image``, waiting up to ``variant_wait_s`` for a worker to make the variant."""
    return await wait_until_made(services, lambda: cover_image(services, cover, size, fmt))


_VARIANT = select(CoverVariant).where(
    CoverVariant.cover_id == bindparam("cover_id"), CoverVariant.size == bindparam("size"),
    CoverVariant.format == bindparam("fmt"))


def _variant(services: Services, cover_id: str, size: int, kind: variants.VariantKind
             ) -> CoverVariant:
    """The variant's row; a new one is queued and handed to the workers. Of concurrent first
    requests only one inserts (the unique constraint turns the others away)."""
    params = {"cover_id": cover_id, "size": size, "fmt": kind}
    with transaction(services.sessions) as session:
        found = session.scalar(_VARIANT, params)
    if found is not None:
        return found
    row = CoverVariant(id=new_id(), cover_id=cover_id, size=size, format=kind,
                       state=lifecycle.QUEUED, attempts=0, created_at=utcnow(),
                       blob_key=variants.variant_key(cover_id, size, kind))
    try:
        with transaction(services.sessions) as session:
            session.add(row)
    except IntegrityError:
        with transaction(services.sessions) as session:
            found = session.scalar(_VARIANT, params)
        assert found is not None
        return found
    _hand_over(services, row.id)
    return row


def _retry(services: Services, variant: CoverVariant) -> None:
    """A failed variant is queued again, a few times; then it is reported as unavailable."""
    if variant.attempts >= variants.MAX_ATTEMPTS:
        raise Unavailable(f"this image could not be made: {variant.error or 'unknown error'}")
    with transaction(services.sessions) as session:
        again = session.execute(
            update(CoverVariant)
            .where(CoverVariant.id == variant.id, CoverVariant.state == lifecycle.FAILED)
            .values(state=lifecycle.QUEUED)
            .execution_options(synchronize_session=False))
    if getattr(again, "rowcount", 0):
        _hand_over(services, variant.id)


def _hand_over(services: Services, variant_id: str) -> None:
    try:
        services.queue.submit_variant(variant_id)
    except Exception:
        # The row is stored: local workers poll for it, the Celery sweeper re-sends it.
        log.exception("could not hand the variant to the queue", extra={"variant_id": variant_id})


def review_cover(services: Services, user_id: str, cover_id: str, rating: int,
                 comment: str) -> ReviewView:
    """One review per user per cover: a second replaces the first. The cover's rating summary
    changes in the same transaction."""
    if not 1 <= rating <= 5:
        raise Invalid("rating: must be 1 to 5")
    if len(comment) > MAX_COMMENT:
        raise Invalid(f"comment: must be at most {MAX_COMMENT} characters")
    with transaction(services.sessions) as session:
        cover = visible(session, user_id, cover_id)
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
        refresh_rating(session, cover)
        return ReviewView.of(review)


def refresh_rating(session: Session, cover: Cover) -> None:
    """The cover's rating summary from its reviews as they are now."""
    avg, count = session.execute(
        select(func.avg(Review.rating), func.count()).where(Review.cover_id == cover.id)
    ).one()
    cover.rating_avg, cover.rating_count = float(avg or 0.0), int(count)
