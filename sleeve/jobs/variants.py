"""Cover variants: the images of a cover other than its master, made by workers.

The master (JPEG at the job's size) and the sizes the web page shows (``AT_JOB_TIME``) are
made with the cover. Any other size or format is asked for by a request, which stores a
``queued`` row (unique per cover, size and format, so concurrent requests share one) and hands
its id to the queue; a worker claims the row with a conditional UPDATE, so a variant is
rendered once, however many requests and queue messages ask for it. A worker that dies
mid-render leaves the row ``running``; once its claim is older than the lease another worker
may claim it. Local workers also make waiting variants between the covers of a long job.

The release kit (``kit``: every format of ``sleeve.render.formats`` re-composed, as one ZIP) is
a variant too, of procedural covers only, with one row per cover.

``png`` of a procedural cover is rendered again from its stored plan and seed, which gives the
original pixels bit for bit (no JPEG artefacts, and a smaller PNG than one of the decoded
JPEG); a diffusion cover's PNG is made from its master, since re-rendering would need the GPU
and the exact weights again.
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from typing import Final, Literal

from PIL import Image
from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from sleeve.core.formats import EXTENSIONS as IMAGE_EXTENSIONS
from sleeve.core.formats import ImageFormat
from sleeve.core.plan import CoverPlan
from sleeve.db.engine import transaction
from sleeve.db.models import Cover, CoverVariant
from sleeve.db.types import new_id, utcnow
from sleeve.jobs import lifecycle
from sleeve.jobs.context import JobContext
from sleeve.pipeline import Cover as Rendered
from sleeve.pipeline import fonts_for, render_plan
from sleeve.render.export import CoverMetadata, encode
from sleeve.render.formats import FORMATS, kit_archive

log = logging.getLogger("sleeve.jobs")

# What a variant row holds: an image format, or the release kit's ZIP.
VariantKind = Literal["jpeg", "png", "kit"]
EXTENSIONS: Final[dict[str, str]] = {**IMAGE_EXTENSIONS, "kit": "zip"}
# The kit's row is keyed by the edge of its square, its largest frame.
KIT_SIZE: Final = FORMATS[0].width
# Made with every cover, largest first, each from the one before: the sizes the web page shows
# (the cover at 1024, cards at 512, the job's other covers at 128), so it never waits.
AT_JOB_TIME: Final[tuple[tuple[int, ImageFormat], ...]] = (
    (1024, "jpeg"), (512, "jpeg"), (128, "jpeg"))
MAX_ATTEMPTS: Final = 3


def variant_key(cover_id: str, size: int, kind: VariantKind) -> str:
    if kind == "kit":
        return f"covers/{cover_id}/kit-{size}.{EXTENSIONS[kind]}"
    return f"covers/{cover_id}/{size}.{EXTENSIONS[kind]}"


def job_time_variants(rendered: Rendered, cover_id: str, size: int
                      ) -> list[tuple[CoverVariant, bytes]]:
    """The variants made with a cover (only those smaller than it), as finished rows."""
    now = utcnow()
    made = []
    image = rendered.image
    for variant_size, fmt in AT_JOB_TIME:
        if variant_size >= size:
            continue
        image = image.resize((variant_size, variant_size), Image.Resampling.LANCZOS)
        row = CoverVariant(
            id=new_id(), cover_id=cover_id, size=variant_size, format=fmt,
            state=lifecycle.SUCCEEDED, blob_key=variant_key(cover_id, variant_size, fmt),
            attempts=1, created_at=now, claimed_at=now, finished_at=now)
        made.append((row, encode(image, fmt, rendered.metadata())))
    return made


def _claimable(lease_s: float) -> ColumnElement[bool]:
    stale = utcnow() - timedelta(seconds=lease_s)
    return or_(CoverVariant.state == lifecycle.QUEUED,
               and_(CoverVariant.state == lifecycle.RUNNING, CoverVariant.claimed_at < stale))


def claim_variant(session: Session, variant_id: str, lease_s: float) -> bool:
    result = session.execute(
        update(CoverVariant)
        .where(CoverVariant.id == variant_id, _claimable(lease_s))
        .values(state=lifecycle.RUNNING, claimed_at=utcnow(),
                attempts=CoverVariant.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def claim_next_variant(session: Session, lease_s: float) -> str | None:
    candidates = session.scalars(
        select(CoverVariant.id).where(_claimable(lease_s))
        .order_by(CoverVariant.created_at).limit(5)).all()
    for variant_id in candidates:
        if claim_variant(session, variant_id, lease_s):
            return variant_id
    return None


def orphan_variants(session: Session, lease_s: float, resend_after_s: float) -> list[str]:
    """Variants a broker may have lost: queued for long, or claimed by a worker that died."""
    waited = utcnow() - timedelta(seconds=resend_after_s)
    return list(session.scalars(
        select(CoverVariant.id).where(or_(
            and_(CoverVariant.state == lifecycle.QUEUED, CoverVariant.created_at < waited),
            and_(_claimable(lease_s), CoverVariant.state == lifecycle.RUNNING)))
        .order_by(CoverVariant.created_at).limit(500)))


def run_next_variant(ctx: JobContext) -> str | None:
    """Claim and render the oldest waiting variant; its id, or None when none waits."""
    with transaction(ctx.sessions) as session:
        variant_id = claim_next_variant(session, ctx.settings.job_lease_s)
    if variant_id is not None:
        _render_claimed(ctx, variant_id)
    return variant_id


def run_variant(ctx: JobContext, variant_id: str) -> str | None:
    """Claim and render one variant (a queue message); its final state, None if not ours."""
    with transaction(ctx.sessions) as session:
        if not claim_variant(session, variant_id, ctx.settings.job_lease_s):
            return None
    return _render_claimed(ctx, variant_id)


def _render_claimed(ctx: JobContext, variant_id: str) -> str | None:
    with transaction(ctx.sessions) as session:
        variant = session.get(CoverVariant, variant_id)
        cover = session.get(Cover, variant.cover_id) if variant is not None else None
        session.expunge_all()
    if variant is None or cover is None:
        return None  # deleted with its cover (the owner deleted the account) meanwhile
    try:
        data = variant_bytes(ctx, cover, variant.size, variant.format)  # type: ignore[arg-type]
        ctx.store.put(variant.blob_key, data)
        state, error = lifecycle.SUCCEEDED, None
    except Exception as exc:  # a broken master fails this variant, never the worker
        log.exception("variant failed", extra={"variant_id": variant_id})
        state, error = lifecycle.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
    with transaction(ctx.sessions) as session:
        session.execute(
            update(CoverVariant)
            .where(CoverVariant.id == variant_id, CoverVariant.state == lifecycle.RUNNING)
            .values(state=state, error=error, finished_at=utcnow())
            .execution_options(synchronize_session=False))
    return state


def variant_bytes(ctx: JobContext, cover: Cover, size: int, kind: VariantKind) -> bytes:
    metadata = CoverMetadata(
        title=str(cover.plan.get("title", "")), artist=str(cover.plan.get("artist", "")),
        seed=cover.seed, engine=cover.engine, style=cover.style,
    )
    if kind == "kit":
        if cover.engine != "procedural":
            raise ValueError(f"a {cover.engine} cover has no release kit")
        return kit_archive(CoverPlan.model_validate(cover.plan), cover.seed, metadata,
                           fonts=fonts_for(ctx.settings))
    # A cover featuring the musician is not re-rendered: its photos live with the subject
    # (and may since have been deleted); its master is scaled instead.
    if kind == "png" and cover.engine == "procedural" and not cover.plan.get("portrait"):
        plan = CoverPlan.model_validate(cover.plan)
        image = render_plan(plan, cover.seed, size=cover.size, settings=ctx.settings).image
    else:
        with Image.open(io.BytesIO(ctx.store.get(cover.blob_key))) as master:
            image = master.convert("RGB")
    if size != image.width:
        image = image.resize((size, size), Image.Resampling.LANCZOS)
    return encode(image, kind, metadata)
