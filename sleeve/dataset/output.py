"""The builder's outputs: near-duplicate removal, WebDataset shards, Parquet manifest, stats."""

from __future__ import annotations

import io
import json
import tarfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sleeve.dataset.items import BuildOptions, Outcome

MANIFEST = "manifest.parquet"
STATS = "stats.json"
SCHEMA = pa.schema([
    ("key", pa.string()), ("source", pa.string()), ("shard", pa.string()),
    ("width", pa.int32()), ("height", pa.int32()), ("phash", pa.string()),
    ("caption", pa.string()), ("genre", pa.string()), ("mood", pa.string()),
    ("motifs", pa.list_(pa.string())), ("palette", pa.list_(pa.string())),
    ("title", pa.string()), ("artist", pa.string()), ("bytes", pa.int64()),
    ("sha256", pa.string()),
])


def _popcount(values: np.ndarray) -> np.ndarray:
    """Set bits per uint64 (``np.bitwise_count`` needs NumPy 2)."""
    return np.unpackbits(values.view(np.uint8).reshape(-1, 8), axis=1).sum(axis=1)


def near_duplicates(records: Sequence[dict[str, Any]], threshold: int) -> dict[str, str]:
    """Duplicate key → the kept key it repeats. Of a group the largest image is kept (then the
    largest file, the least compressed), then the first key: the answer does not depend on
    which worker saw what first."""
    ordered = sorted(records, key=lambda r: (-r["width"] * r["height"], -r["bytes"], r["key"]))
    hashes = np.array([int(r["phash"], 16) for r in ordered], dtype=np.uint64)
    kept_idx: list[int] = []
    dupes: dict[str, str] = {}
    kept_hashes = np.empty(0, dtype=np.uint64)
    for i, value in enumerate(hashes):
        if kept_hashes.size:
            distance = _popcount(np.bitwise_xor(kept_hashes, value))
            nearest = int(np.argmin(distance))
            if int(distance[nearest]) <= threshold:
                dupes[ordered[i]["key"]] = ordered[kept_idx[nearest]]["key"]
                continue
        kept_idx.append(i)
        kept_hashes = np.append(kept_hashes, value)
    return dupes


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), 0, 0o644  # same bytes on every build
    tar.addfile(info, io.BytesIO(data))


def write_shards(records: Sequence[dict[str, Any]], staging: Path, out: Path,
                 shard_size: int) -> list[dict[str, Any]]:
    """WebDataset tars (``{key}.jpg``, ``.txt`` caption, ``.json`` metadata per sample)."""
    rows: list[dict[str, Any]] = []
    for start in range(0, len(records), shard_size):
        name = f"shard-{start // shard_size:06d}.tar"
        with tarfile.open(out / name, "w", format=tarfile.USTAR_FORMAT) as tar:
            for record in records[start: start + shard_size]:
                key = record["key"]
                _add(tar, f"{key}.jpg", (staging / f"{key}.jpg").read_bytes())
                _add(tar, f"{key}.txt", record["caption"].encode())
                meta = {k: record[k] for k in ("source", "width", "height", "genre", "mood",
                                               "motifs", "palette", "phash", "title", "artist")}
                _add(tar, f"{key}.json", json.dumps(meta, ensure_ascii=False).encode())
                rows.append({**record, "shard": name})
    return rows


def write_manifest(rows: Sequence[dict[str, Any]], path: Path) -> None:
    table = pa.Table.from_pylist([{f: r[f] for f in SCHEMA.names} for r in rows], schema=SCHEMA)
    pq.write_table(table, path)


def read_manifest(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


def merge(outcomes: Iterable[Outcome], out: Path, staging: Path, options: BuildOptions,
          rejected_before: Counter[str] | None = None) -> dict[str, Any]:
    """Deduplicate, write shards + manifest + stats; returns the stats."""
    outcomes = list(outcomes)
    rejected: Counter[str] = Counter(rejected_before or {})
    rejected.update(o.rejected for o in outcomes if o.rejected)
    records = [o.record for o in outcomes if o.record is not None]
    dupes = near_duplicates(records, options.phash_threshold)
    kept = sorted((r for r in records if r["key"] not in dupes), key=lambda r: r["key"])
    for old in out.glob("shard-*.tar"):
        old.unlink()
    rows = write_shards(kept, staging, out, options.shard_size)
    write_manifest(rows, out / MANIFEST)
    stats = {
        "inputs": len(outcomes) + sum((rejected_before or Counter()).values()),
        "kept": len(rows), "duplicates": len(dupes), "rejected": dict(sorted(rejected.items())),
        "shards": len({r["shard"] for r in rows}), "min_size": options.min_size,
        "phash_threshold_bits": options.phash_threshold,
        "genres": dict(Counter(r["genre"] for r in rows).most_common()),
        "moods": dict(Counter(r["mood"] for r in rows).most_common()),
    }
    (out / STATS).write_text(json.dumps(stats, indent=2, ensure_ascii=False) + "\n")
    for record in records:
        (staging / f"{record['key']}.jpg").unlink(missing_ok=True)
    return stats
