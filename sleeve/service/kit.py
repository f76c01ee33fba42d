"""Use cases for a cover's release kit: every format as one ZIP.

No request renders: the kit is a cover variant (kind ``kit``, ``sleeve.jobs.variants``) that a
worker draws again from the stored plan and seed, re-composed for each frame
(``sleeve.render.formats``), and keeps in the blob store as one ZIP. The first request queues
it (once, however many ask at the same time) and waits a little; later ones stream the stored
file. A diffusion cover has no procedural composition to re-lay, so it has no kit (409).
"""

from __future__ import annotations

from collections.abc import Iterator

from sleeve.db.engine import transaction
from sleeve.db.models import Cover
from sleeve.files import slugify
from sleeve.jobs import variants
from sleeve.service.context import Services
from sleeve.service.covers import Pending, made_variant, visible, wait_until_made
from sleeve.service.errors import Conflict


def kit_lookup(services: Services, user_id: str | None, cover_id: str) -> Cover:
    """The cover whose kit ``user_id`` may download (theirs or public; else 404)."""
    with transaction(services.sessions) as session:
        cover = visible(session, user_id, cover_id)
    if cover.engine != "procedural":
        raise Conflict(f"cover {cover_id} was made by the {cover.engine} engine; the release "
                       "kit re-composes procedural covers only")
    return cover


def kit_filename(cover: Cover) -> str:
    return f"{slugify(str(cover.plan.get('title', 'cover')))}-{cover.seed}-kit.zip"


def kit_key(services: Services, cover: Cover) -> str | Pending:
    """The stored kit's blob key once a worker has made it; until then Pending (queued)."""
    found = made_variant(services, cover.id, variants.KIT_SIZE, "kit")
    return found if isinstance(found, Pending) else found.blob_key


async def wait_for_kit(services: Services, cover: Cover) -> str | Pending:
    """``kit_key``, waiting up to ``variant_wait_s`` for a worker to make the kit."""
    return await wait_until_made(services, lambda: kit_key(services, cover))


def kit_chunks(services: Services, key: str) -> Iterator[bytes]:
    """The stored ZIP in pieces, to stream without holding it whole."""
    return services.store.chunks(key)
