"""Run the builder: chunks of inputs processed in a process pool or as Celery tasks (a chord
whose callback merges), then one merge into shards, manifest and stats."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from sleeve.dataset.items import BuildOptions, Outcome, SourceItem
from sleeve.dataset.output import merge
from sleeve.dataset.process import process_chunk

CHUNK_SIZE = 16
STAGING = ".staging"
Progress = Callable[[int], None]


def split(items: Sequence[SourceItem], size: int = CHUNK_SIZE) -> list[list[dict[str, Any]]]:
    return [[i.to_dict() for i in items[n: n + size]] for n in range(0, len(items), size)]


def staging_dir(out: Path) -> Path:
    path = out / STAGING
    path.mkdir(parents=True, exist_ok=True)
    return path


def _finish(out: Path) -> None:
    shutil.rmtree(out / STAGING, ignore_errors=True)


def process_locally(chunks: Sequence[list[dict[str, Any]]], options: BuildOptions,
                    staging: Path, workers: int, progress: Progress | None = None
                    ) -> list[Outcome]:
    """All chunks in this process (``workers`` 1) or in a pool of worker processes."""
    outcomes: list[Outcome] = []
    if workers <= 1:
        for chunk in chunks:
            outcomes.extend(map(Outcome.from_dict, process_chunk(chunk, options.to_dict(),
                                                                 str(staging))))
            if progress:
                progress(len(chunk))
        return outcomes
    # spawn: the parent may hold database connections and threads that must not be forked.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = {pool.submit(process_chunk, chunk, options.to_dict(), str(staging)): len(chunk)
                   for chunk in chunks}
        for future in as_completed(futures):
            outcomes.extend(map(Outcome.from_dict, future.result()))
            if progress:
                progress(futures[future])
    return outcomes


def build_locally(items: Sequence[SourceItem], out: Path, options: BuildOptions,
                  workers: int | None = None, progress: Progress | None = None,
                  rejected_before: Counter[str] | None = None) -> dict[str, Any]:
    staging = staging_dir(out)
    outcomes = process_locally(split(items), options, staging, workers or os.cpu_count() or 1,
                               progress)
    stats = merge(outcomes, out, staging, options, rejected_before)
    _finish(out)
    return stats


def merge_results(results: Sequence[Sequence[dict[str, Any]]], out: str,
                  options: dict[str, Any], rejected_before: dict[str, int]) -> dict[str, Any]:
    """The chord's callback: every chunk's outcomes → shards, manifest, stats."""
    target = Path(out)
    outcomes = [Outcome.from_dict(o) for chunk in results for o in chunk]
    stats = merge(outcomes, target, staging_dir(target), BuildOptions(**options),
                  Counter(rejected_before))
    _finish(target)
    return stats


def build_on_celery(app: Any, queue: str, items: Sequence[SourceItem], out: Path,
                    options: BuildOptions, progress: Progress | None = None,
                    rejected_before: Counter[str] | None = None,
                    timeout_s: float = 24 * 3600) -> dict[str, Any]:
    """Chunks as tasks on the ``cpu`` queue, merged by a chord callback; ``out`` must be a
    directory every worker can write (a shared volume)."""
    from celery import chord

    from sleeve.dataset.task_names import DATASET_CHUNK_TASK, DATASET_MERGE_TASK

    staging = staging_dir(out.resolve())
    chunks = split(items)
    header = [app.signature(DATASET_CHUNK_TASK, args=(c, options.to_dict(), str(staging)),
                            queue=queue) for c in chunks]
    body = app.signature(DATASET_MERGE_TASK, args=(
        str(out.resolve()), options.to_dict(), dict(rejected_before or {})), queue=queue)
    result = chord(header, app=app)(body)
    done = 0
    deadline = time.monotonic() + timeout_s
    while not result.ready():
        if time.monotonic() > deadline:
            raise TimeoutError("the dataset build did not finish in time")
        if result.parent is not None and progress is not None:
            finished = result.parent.completed_count()
            if finished > done:
                progress(sum(len(c) for c in chunks[done:finished]))
                done = finished
        time.sleep(0.2)
    stats: dict[str, Any] = result.get(timeout=60)
    if progress is not None and done < len(chunks):
        progress(sum(len(c) for c in chunks[done:]))
    return stats
