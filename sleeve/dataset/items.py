"""What flows through the builder: inputs, options, and the per-image outcome."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SourceKind = Literal["file", "blob"]
# Near-duplicates: perceptual hashes (64-bit pHash) at most this many bits apart. 6 of 64
# catches re-encodes, resizes and small crops of one picture without merging distinct covers
# that share a layout.
PHASH_THRESHOLD = 6
MIN_SIZE = 1024


def item_key(source: str) -> str:
    """A stable key for an input (its path, cover id or URL): names its files in the shards."""
    return hashlib.sha256(source.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class SourceItem:
    source: str  # relative path, "cover:<id>" or the URL it came from
    kind: SourceKind
    location: str  # file path or blob key
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return item_key(self.source)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceItem:
        return cls(**data)


@dataclass(frozen=True)
class BuildOptions:
    min_size: int = MIN_SIZE
    phash_threshold: int = PHASH_THRESHOLD
    shard_size: int = 1000
    jpeg_quality: int = 95
    storage_url: str = ""  # where ``blob`` items are read from

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Outcome:
    """One input after processing: a record (kept so far) or the reason it was rejected."""

    key: str
    source: str
    rejected: str | None = None
    record: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outcome:
        return cls(**data)
