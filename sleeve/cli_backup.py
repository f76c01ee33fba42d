"""`sleeve backup` and `sleeve restore`: the database and its blobs in one file, and back."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import TaskID

from sleeve.cli_output import (
    EXIT_FAILED,
    configuration_errors_exit,
    err,
    fail,
    out,
    progress_bar,
)
from sleeve.config import get_settings

JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
_STAGES = {"blobs": "copying blobs", "archive": "writing archive", "verify": "checking archive",
           "rows": "loading rows"}


@contextlib.contextmanager
def _stores() -> Iterator[tuple[Any, Any]]:
    from sleeve.db.engine import make_engine
    from sleeve.storage import BlobStore

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        yield engine, BlobStore(settings.storage_url, settings.storage_options_dict())
    finally:
        engine.dispose()


@contextlib.contextmanager
def _bar(quiet: bool) -> Iterator[Any]:
    """A progress callback drawing one bar per stage (nothing when output is JSON)."""
    if quiet:
        yield None
        return
    tasks: dict[str, TaskID] = {}
    with progress_bar(err) as progress:
        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(_STAGES.get(stage, stage), total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield report


@contextlib.contextmanager
def _backup_errors() -> Iterator[None]:
    from sleeve.ops.backup import BackupError

    with configuration_errors_exit():
        try:
            yield
        except BackupError as exc:
            fail(str(exc), EXIT_FAILED)


def backup(
    out_file: Annotated[Path, typer.Option("--out", help="The backup file to write.",
                                           dir_okay=False)],
    as_json: JsonOption = False,
) -> None:
    """Copy the database and every blob it names into one file, while the server runs."""
    from sleeve.ops.backup import backup as run_backup

    with _backup_errors(), _stores() as (engine, store), _bar(as_json) as report:
        summary = run_backup(engine, store, out_file, report)
    if as_json:
        sys.stdout.write(json.dumps(asdict(summary)) + "\n")
        return
    out.print(f"backed up {sum(summary.rows.values())} rows and {summary.blobs} blobs "
              f"({summary.bytes / 1e6:.1f} MB) at schema {summary.revision} to {summary.path}",
              highlight=False)
    for key in summary.missing_blobs:
        err.print(f"[yellow]warning:[/] {key} is named in the database but missing from storage",
                  highlight=False)


def restore(
    file: Annotated[Path, typer.Argument(help="A file made by `sleeve backup`.", dir_okay=False)],
    force: Annotated[bool, typer.Option(
        "--force", help="Replace the data already in the database and storage.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Load a backup into the configured database and storage (stop the server first)."""
    from sleeve.ops.backup import restore as run_restore

    with _backup_errors(), _stores() as (engine, store), _bar(as_json) as report:
        summary = run_restore(engine, store, file, force=force, progress=report)
    if as_json:
        sys.stdout.write(json.dumps(asdict(summary)) + "\n")
        return
    out.print(f"restored {sum(summary.rows.values())} rows and {summary.blobs} blobs "
              f"(schema {summary.revision}, now upgraded to this version's)", highlight=False)
