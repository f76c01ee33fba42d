"""Use cases for a cover's release kit: every format as one ZIP, and motion loops.

The formats of a procedural cover are drawn again from its stored plan and seed, re-composed
for each frame (``sleeve.render.formats``); each is kept in the blob store once made, so a
second download reads files instead of rendering. A diffusion cover has no procedural
composition to re-lay, so it has no kit (409).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

from sleeve.core.plan import CoverPlan
from sleeve.db.engine import transaction
from sleeve.db.models import Cover
from sleeve.files import slugify
from sleeve.render.export import CoverMetadata, encode
from sleeve.render.formats import FORMATS, Format, render_format
from sleeve.service.context import Services
from sleeve.service.covers import visible
from sleeve.service.errors import Conflict
from sleeve.storage import BlobNotFoundError


def kit_key(cover_id: str, fmt: Format) -> str:
    return f"covers/{cover_id}/kit/{fmt.filename('jpg')}"


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


def format_bytes(services: Services, cover: Cover, fmt: Format) -> bytes:
    """One format of the kit as JPEG: from the store, or rendered and stored."""
    key = kit_key(cover.id, fmt)
    try:
        return services.store.get(key)
    except BlobNotFoundError:
        pass
    plan = CoverPlan.model_validate(cover.plan)
    image = render_format(plan, cover.seed, fmt).image
    data = encode(image, "jpeg", CoverMetadata(title=plan.title, artist=plan.artist,
                                               seed=cover.seed, engine=cover.engine,
                                               style=cover.style))
    services.store.put(key, data)
    return data


class _Chunks:
    """A write-only file whose writes are collected and taken as chunks (zipfile streams
    into it: it never seeks, so the ZIP carries data descriptors)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def kit_zip(services: Services, cover: Cover) -> Iterator[bytes]:
    """The kit as a ZIP, streamed a format at a time (JPEGs are stored, not deflated)."""
    sink = _Chunks()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for fmt in FORMATS:
            data = format_bytes(services, cover, fmt)
            info = zipfile.ZipInfo(fmt.filename("jpg"), date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, data)
            yield sink.take()
    yield sink.take()
