"""Inputs for the builder: a directory of images (with optional metadata) or rated covers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sleeve.dataset.items import SourceItem
from sleeve.db.models import Cover

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif"})
META_FIELDS = ("title", "artist", "album", "genre", "lyrics", "caption", "style")


class MetadataError(ValueError):
    """A metadata file the builder cannot use (reported as bad input)."""


def read_metadata(path: Path) -> dict[str, dict[str, str]]:
    """``file`` (a path relative to the image directory, or a bare name) → its fields."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MetadataError(f"--meta: cannot read {path}: {exc}") from exc
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
    elif path.suffix.lower() in (".jsonl", ".ndjson"):
        rows = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise MetadataError(f"--meta: line {number} is not JSON ({exc.msg})") from exc
            if not isinstance(row, dict):
                raise MetadataError(f"--meta: line {number} is not a JSON object")
            rows.append(row)
    else:
        raise MetadataError("--meta must be a .csv or .jsonl file")
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        name = str(row.get("file") or "").strip()
        if not name:
            raise MetadataError("--meta: every row needs a 'file' column")
        found[name] = {f: str(row[f]) for f in META_FIELDS if row.get(f) not in (None, "")}
    return found


def from_images(directory: Path, meta: dict[str, dict[str, str]] | None = None
                ) -> list[SourceItem]:
    meta = meta or {}
    items = []
    for path in sorted(p for p in directory.rglob("*")
                       if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES):
        relative = path.relative_to(directory).as_posix()
        fields = meta.get(relative) or meta.get(path.name) or {}
        items.append(SourceItem(relative, "file", str(path.resolve()), fields))
    return items


def from_ratings(session: Session, min_rating: float = 4.0) -> list[SourceItem]:
    """Covers people rated well: the training set for the next fine-tune."""
    covers = session.scalars(select(Cover).where(
        Cover.rating_count > 0, Cover.rating_avg >= min_rating).order_by(Cover.id))
    return [SourceItem(f"cover:{c.id}", "blob", c.blob_key, {
        "title": str(c.plan.get("title", "")), "artist": str(c.plan.get("artist", "")),
        "genre": c.genre, "style": c.style}) for c in covers]
