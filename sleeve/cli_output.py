"""What every CLI command shares: the consoles, exit codes and one-line errors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sleeve.config import get_settings

out = Console()
err = Console(stderr=True)

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextlib.contextmanager
def configuration_errors_exit() -> Iterator[None]:
    """A database, storage or broker setting that cannot work is a one-line error, exit 2."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except SQLAlchemyError as exc:
        # The first line of SQLAlchemy's message names the problem; the rest is a doc link.
        fail(f"database ({get_settings().database_url.split('@')[-1]}): {str(exc).splitlines()[0]}")
    except (ValueError, ImportError, OSError) as exc:
        fail(f"configuration: {exc}")


def progress_bar(console: Console) -> Progress:
    """The bar long commands draw on stderr (gone when they finish)."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def cli_services() -> Any:
    """The use cases against the configured database and storage, without workers of their
    own (the CLI acts with operator access; jobs it queues go to the running workers)."""
    from sleeve.service.context import Services

    return Services.from_settings(get_settings(), run_workers=False)


@contextlib.contextmanager
def service_errors() -> Iterator[None]:
    """A use case's refusal as a one-line error: exit 1 when the request was fine but cannot
    be done now (a conflict, an unavailable engine), 2 when the input was wrong."""
    from sleeve.service.errors import Conflict, ServiceError, Unavailable

    with configuration_errors_exit():
        try:
            yield
        except ServiceError as exc:
            failed = isinstance(exc, Conflict | Unavailable)
            fail(exc.detail, EXIT_FAILED if failed else EXIT_BAD_INPUT)
