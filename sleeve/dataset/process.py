"""One input image: decode, check size, convert to sRGB RGB, hash, caption, stage as JPEG."""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import imagehash
from PIL import Image, UnidentifiedImageError

from sleeve.dataset.caption import read_image
from sleeve.dataset.items import BuildOptions, Outcome, SourceItem
from sleeve.photos.intake import to_srgb

Reader = Callable[[SourceItem], bytes]
UNDECODABLE, TOO_SMALL, TOO_LARGE, UNREADABLE = (
    "undecodable", "too small", "too many pixels", "unreadable")
PROXY_SIDE = 256


def staged_path(staging: Path, key: str) -> Path:
    return staging / f"{key}.jpg"


def _write_staged(path: Path, data: bytes) -> None:
    # Staging is scratch space: rename for atomicity, no fsync (the merge reads it right away).
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def process_item(item: SourceItem, options: BuildOptions, read: Reader,
                 staging: Path) -> Outcome:
    try:
        data = read(item)
    except (OSError, KeyError) as exc:
        return Outcome(item.key, item.source, rejected=f"{UNREADABLE}: {type(exc).__name__}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if min(width, height) < options.min_size:
                return Outcome(item.key, item.source, rejected=TOO_SMALL)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return Outcome(item.key, item.source, rejected=TOO_LARGE)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return Outcome(item.key, item.source, rejected=UNDECODABLE)
    rgb = to_srgb(image)
    # pHash looks at 32×32 and the palette at 64×64: both read a box-reduced proxy, which is
    # several times cheaper than filtering the full image down twice.
    proxy = rgb.reduce(max(1, min(rgb.size) // PROXY_SIDE))
    phash = str(imagehash.phash(proxy))
    reading = read_image(proxy, item.meta)
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=options.jpeg_quality, optimize=False)
    encoded = out.getvalue()
    _write_staged(staged_path(staging, item.key), encoded)
    record: dict[str, Any] = {
        "key": item.key, "source": item.source, "width": width, "height": height,
        "phash": phash, "caption": reading.caption, "genre": reading.genre,
        "mood": reading.mood, "motifs": list(reading.motifs), "palette": list(reading.palette),
        "title": item.meta.get("title", ""), "artist": item.meta.get("artist", ""),
        "bytes": len(encoded), "sha256": hashlib.sha256(encoded).hexdigest(),
    }
    return Outcome(item.key, item.source, record=record)


def reader_for(options: BuildOptions) -> Reader:
    store: Any = None

    def read(item: SourceItem) -> bytes:
        nonlocal store
        if item.kind == "file":
            return Path(item.location).read_bytes()
        if store is None:
            from sleeve.config import get_settings
            from sleeve.storage import BlobStore

            # The store's credentials stay out of the task message: a worker configured for
            # the same store uses its own.
            settings = get_settings()
            store = BlobStore(options.storage_url, settings.storage_options_dict()
                              if options.storage_url == settings.storage_url else None)
        data: bytes = store.get(item.location)
        return data

    return read


def process_chunk(items: Sequence[dict[str, Any]], options: dict[str, Any],
                  staging: str) -> list[dict[str, Any]]:
    """A chunk of inputs, as plain dicts in and out (for process pools and Celery alike)."""
    opts = BuildOptions(**options)
    read = reader_for(opts)
    where = Path(staging)
    return [process_item(SourceItem.from_dict(i), opts, read, where).to_dict() for i in items]
