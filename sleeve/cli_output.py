"""What every CLI command shares: the consoles, exit codes and one-line errors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import NoReturn

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
