"""The `sleeve` command line: thin commands over the library."""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Any, NoReturn, get_type_hints

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sleeve.config import get_settings

try:  # Typer 0.26 and later carry their own copy of Click.
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover - older Typer on the real Click
    from click.exceptions import UsageError  # type: ignore[assignment]

from sleeve.core.brief import Brief
from sleeve.errors import describe_validation_error
from sleeve.render.export import ImageFormat, thumbnail

app = typer.Typer(
    help="Sleeve: album covers from a song brief.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
THUMBNAIL_SIZE = 600
EXTENSIONS: dict[str, str] = {"jpeg": "jpg", "png": "png"}


class BadInput(Exception):
    """Input the user can fix: reported in one line, exit code 2."""


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@dataclass(frozen=True)
class BriefOptions:
    """The options that describe a brief, shared by `generate` and `plan`."""

    title: str | None
    artist: str | None
    album: str
    genre: str
    lyrics: str | None
    lyrics_file: Path | None
    language: str
    style: str | None
    count: int
    seed: int | None

    def brief(self) -> Brief:
        return _brief_from_options(
            self.title,
            self.artist,
            self.album,
            self.genre,
            self.lyrics,
            self.lyrics_file,
            self.language,
        )


def _brief_parameters(count: int, seed: int | None) -> list[inspect.Parameter]:
    def option(name: str, kind: Any, default: Any, flag: str, text: str) -> inspect.Parameter:
        annotation = Annotated[kind, typer.Option(flag, help=text)]
        return inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
        )

    return [
        option("title", str | None, None, "--title", "Song title, exactly as released."),
        option("artist", str | None, None, "--artist", "Artist name, exactly as released."),
        option("album", str, "", "--album", "Album or single name."),
        option("genre", str, "", "--genre", "Genre, English or Korean (e.g. 발라드)."),
        option("lyrics", str | None, None, "--lyrics", "Lyrics text."),
        option("lyrics_file", Path | None, None, "--lyrics-file", "Read lyrics from a file."),
        option("language", str, "auto", "--language", "ko, en, ja or auto."),
        option("style", str | None, None, "--style", "Force one style (see `sleeve styles`)."),
        option("count", int, count, "--count", "Covers per brief, 1–8."),
        option("seed", int | None, seed, "--seed", "Seed for reproducible covers."),
    ]


Command = Callable[..., None]


def with_brief_options(count: int, seed: int | None) -> Callable[[Command], Command]:
    """Give a command the brief options; it receives them as one ``options: BriefOptions``."""
    names = [field.name for field in fields(BriefOptions)]

    def decorate(command: Command) -> Command:
        hints = get_type_hints(command, include_extras=True)
        own = [
            parameter.replace(annotation=hints[parameter.name])
            for parameter in inspect.signature(command).parameters.values()
            if parameter.name != "options"
        ]

        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> None:
            options = BriefOptions(**{name: kwargs.pop(name) for name in names})
            command(options=options, **kwargs)

        signature = inspect.Signature([*own, *_brief_parameters(count, seed)])
        wrapper.__signature__ = signature  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
        return wrapper

    return decorate


def _read_text(path: Path, option: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BadInput(f"{option}: {path} does not exist") from exc
    except UnicodeDecodeError as exc:
        raise BadInput(f"{option}: {path} is not UTF-8 text") from exc
    except OSError as exc:
        raise BadInput(f"{option}: cannot read {path}: {exc.strerror}") from exc


def _read_lyrics(lyrics: str | None, lyrics_file: Path | None) -> str:
    if lyrics is not None and lyrics_file is not None:
        raise BadInput("give either --lyrics or --lyrics-file, not both")
    if lyrics_file is None:
        return lyrics or ""
    return _read_text(lyrics_file, "--lyrics-file")


def _brief(fields: dict[str, Any]) -> Brief:
    try:
        return Brief.model_validate(fields)
    except ValidationError as exc:
        raise BadInput(describe_validation_error(exc)) from exc


def _brief_from_options(
    title: str | None,
    artist: str | None,
    album: str,
    genre: str,
    lyrics: str | None,
    lyrics_file: Path | None,
    language: str,
) -> Brief:
    if title is None or artist is None:
        raise BadInput("--title and --artist are required (or use --brief-file)")
    text = _read_lyrics(lyrics, lyrics_file)
    return _brief(
        {
            "title": title,
            "artist": artist,
            "album": album,
            "genre": genre,
            "lyrics": text,
            "language": language,
        }
    )


def _check_ranges(count: int, size: int | None = None, seed: int | None = None) -> None:
    from sleeve.pipeline import MAX_COUNT
    from sleeve.render.artwork import MAX_SIZE, MIN_SIZE

    if not 1 <= count <= MAX_COUNT:
        raise BadInput(f"--count must be between 1 and {MAX_COUNT}, got {count}")
    if size is not None and not MIN_SIZE <= size <= MAX_SIZE:
        raise BadInput(f"--size must be between {MIN_SIZE} and {MAX_SIZE}, got {size}")
    if seed is not None and not 0 <= seed < 2**32:
        raise BadInput(f"--seed must be between 0 and {2**32 - 1}, got {seed}")


def _check_style(style: str | None) -> None:
    from sleeve.core.styles import UnknownStyleError, check_style

    if style is not None:
        try:
            check_style(style)
        except UnknownStyleError as exc:
            raise BadInput(str(exc)) from exc


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


@contextlib.contextmanager
def bad_input_exits() -> Iterator[None]:
    try:
        yield
    except BadInput as exc:
        fail(str(exc))


@dataclass(frozen=True)
class BatchLine:
    number: int
    brief: Brief | None
    error: str | None


def _read_brief_file(path: Path) -> list[BatchLine]:
    raw = _read_text(path, "--brief-file")
    lines: list[BatchLine] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            fields = json.loads(line)
        except json.JSONDecodeError as exc:
            lines.append(BatchLine(number, None, f"not valid JSON ({exc.msg})"))
            continue
        if not isinstance(fields, dict):
            lines.append(BatchLine(number, None, "expected a JSON object with title and artist"))
            continue
        try:
            lines.append(BatchLine(number, _brief(fields), None))
        except BadInput as exc:
            lines.append(BatchLine(number, None, str(exc)))
    if not lines:
        raise BadInput(f"--brief-file: {path} holds no briefs")
    return lines


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _write_covers(covers: list[Any], out_dir: Path, fmt: ImageFormat) -> list[dict[str, Any]]:
    """Write every cover and its thumbnail; on any failure remove what this call wrote."""
    from sleeve.files import slugify, write_atomic
    from sleeve.render.export import encode

    written: list[Path] = []
    records: list[dict[str, Any]] = []
    ext = EXTENSIONS[fmt]
    try:
        for cover in covers:
            stem = f"{slugify(cover.plan.title)}-{cover.seed}-{cover.style}"
            path = out_dir / f"{stem}.{ext}"
            thumb = out_dir / f"{stem}-{THUMBNAIL_SIZE}.{ext}"
            write_atomic(path, cover.encode(fmt))
            written.append(path)
            small = thumbnail(cover.image, min(THUMBNAIL_SIZE, cover.image.width))
            write_atomic(thumb, encode(small, fmt, cover.metadata()))
            written.append(thumb)
            records.append(
                {
                    "path": str(path),
                    "thumbnail": str(thumb),
                    "seed": cover.seed,
                    "engine": cover.engine,
                    "style": cover.style,
                    "size": cover.image.width,
                    "format": fmt,
                    "plan": cover.plan.model_dump(mode="json"),
                }
            )
    except BaseException:
        for done in written:
            done.unlink(missing_ok=True)
        raise
    return records


def _emit(records: list[dict[str, Any]], as_json: bool) -> None:
    for record in records:
        if as_json:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            out.print(
                f"{record['path']}  [dim]{record['style']} · seed {record['seed']}[/]",
                highlight=False,
            )
    sys.stdout.flush()


@app.command()
@with_brief_options(count=4, seed=None)
def generate(
    options: BriefOptions,
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for the covers.")],
    size: Annotated[int, typer.Option("--size", help="Square size in pixels, 256–4096.")] = 3000,
    fmt: Annotated[str, typer.Option("--format", help="jpeg or png.")] = "jpeg",
    engine: Annotated[
        str, typer.Option("--engine", help="procedural or diffusion.")
    ] = "procedural",
    brief_file: Annotated[
        Path | None, typer.Option("--brief-file", help="JSON Lines, one brief a line.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per cover on stdout.")
    ] = False,
    no_text: Annotated[
        bool, typer.Option("--no-text", help="Artwork only, no title or artist.")
    ] = False,
) -> None:
    """Render covers for one brief (options) or many (--brief-file)."""
    from sleeve.engines import EngineUnavailableError, UnknownEngineError, get_engine
    from sleeve.pipeline import generate as make_covers
    from sleeve.render.fonts import FontsMissingError, UnrenderableTextError

    with bad_input_exits():
        _check_ranges(options.count, size, options.seed)
        _check_style(options.style)
        if fmt not in EXTENSIONS:
            raise BadInput(f"--format must be jpeg or png, got {fmt!r}")
        if brief_file is not None:
            if options.title is not None or options.artist is not None:
                raise BadInput("give either --brief-file or --title/--artist, not both")
            batch = _read_brief_file(brief_file)
        else:
            brief = options.brief()
            batch = [BatchLine(0, brief, None)]
        try:
            get_engine(engine)
        except (UnknownEngineError, EngineUnavailableError) as exc:
            raise BadInput(str(exc)) from exc
        if out_dir.exists() and not out_dir.is_dir():
            raise BadInput(f"--out: {out_dir} exists and is not a directory")

    failures = 0
    image_format: ImageFormat = "png" if fmt == "png" else "jpeg"
    with _progress(err) as progress:
        task = progress.add_task("Rendering covers", total=len(batch) * options.count)
        for line in batch:
            where = f"line {line.number}: " if brief_file is not None else ""
            if line.brief is None:
                failures += 1
                err.print(f"[bold red]error:[/] {where}{line.error}", highlight=False)
                progress.advance(task, options.count)
                continue
            try:
                covers = make_covers(
                    line.brief,
                    count=options.count,
                    seed=options.seed,
                    style=options.style,
                    size=size,
                    engine=engine,
                    text=not no_text,
                    progress=lambda _done, _total: progress.advance(task),
                )
                records = _write_covers(covers, out_dir, image_format)
            except FontsMissingError as exc:
                fail(str(exc))
            except OSError as exc:
                fail(f"cannot write to {out_dir}: {exc.strerror or exc}")
            except UnrenderableTextError as exc:
                if brief_file is None:  # one brief: the input itself is what cannot be made
                    fail(str(exc))
                failures += 1
                err.print(f"[bold red]error:[/] {where}{exc}", highlight=False)
                continue
            except (ValueError, RuntimeError) as exc:  # bad brief, engine failure (e.g. GPU OOM)
                failures += 1
                err.print(f"[bold red]error:[/] {where}{exc}", highlight=False)
                continue
            _emit(records, as_json)
    if failures:
        err.print(f"{failures} of {len(batch)} briefs failed", highlight=False)
        raise typer.Exit(EXIT_FAILED)


@app.command()
@with_brief_options(count=1, seed=0)
def plan(options: BriefOptions) -> None:
    """Print the art direction (CoverPlan JSON) for a brief, without rendering."""
    from sleeve.core.art_direction import plan_covers

    with bad_input_exits():
        _check_ranges(options.count, seed=options.seed)
        _check_style(options.style)
        brief = options.brief()
    plans = plan_covers(brief, count=options.count, seed=options.seed or 0, style=options.style)
    payload: Any = [p.model_dump(mode="json") for p in plans]
    sys.stdout.write(
        json.dumps(payload[0] if options.count == 1 else payload, ensure_ascii=False, indent=2)
    )
    sys.stdout.write("\n")


@app.command()
def styles(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List the procedural styles."""
    from sleeve.render.styles import STYLE_NAMES, describe

    rows = [{"name": name, "description": describe(name)} for name in STYLE_NAMES]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return
    table = Table("style", "what it looks like", box=None)
    for row in rows:
        table.add_row(row["name"], row["description"])
    out.print(table)


@app.command()
def engines(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Which engines can run on this host, and why not."""
    from sleeve.engines import engine_status

    status = engine_status()
    if as_json:
        rows = {name: {"available": s.available, "reason": s.reason} for name, s in status.items()}
        sys.stdout.write(json.dumps(rows) + "\n")
        return
    table = Table("engine", "available", "why", box=None)
    for name, s in status.items():
        table.add_row(name, "[green]yes[/]" if s.available else "[red]no[/]", s.reason)
    out.print(table)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
) -> None:
    """Run the HTTP API (and, with SLEEVE_QUEUE=local, its job workers)."""
    from sleeve.api.server import serve as run_server

    with configuration_errors_exit():
        run_server(host, port)


@app.command()
def worker(
    queues: Annotated[str, typer.Option("--queues", help="Comma-separated: cpu,gpu.")] = "cpu,gpu",
) -> None:
    """Run jobs without the API (Celery worker with SLEEVE_QUEUE=celery)."""
    from sleeve.api.server import run_worker

    with configuration_errors_exit():
        run_worker(tuple(q.strip() for q in queues.split(",") if q.strip()))


db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database named by SLEEVE_DATABASE_URL to the latest schema."""
    from sleeve.api.server import upgrade_database

    with configuration_errors_exit():
        upgrade_database()
    out.print("database is up to date")


users_app = typer.Typer(help="Accounts and roles (run against SLEEVE_DATABASE_URL).",
                        no_args_is_help=True)
app.add_typer(users_app, name="users")


def _operator() -> str:
    """Who ran a role change, as the record keeps it: the OS account and host."""
    import getpass
    import socket

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return f"cli:{who}@{socket.gethostname()}"


def _change_role(email: str, role: str, as_json: bool) -> None:
    from sleeve.db.engine import make_engine, make_session_factory
    from sleeve.service.errors import NotFound
    from sleeve.service.roles import ADMIN, USER, set_role

    with configuration_errors_exit():
        engine = make_engine(get_settings().database_url)
        try:
            change = set_role(make_session_factory(engine), email,
                              ADMIN if role == ADMIN else USER, _operator())
        except NotFound as exc:
            fail(exc.detail)
        finally:
            engine.dispose()
    if as_json:
        sys.stdout.write(json.dumps({"email": change.email, "old_role": change.old_role,
                                     "role": change.new_role, "changed": change.changed}) + "\n")
    elif change.changed:
        out.print(f"{change.email}: {change.old_role} → {change.new_role} (recorded)")
    else:
        out.print(f"{change.email} is already {change.new_role}")


@users_app.command("grant-admin")
def grant_admin(
    email: Annotated[str, typer.Argument(help="The account's e-mail address.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Make an account an administrator (recorded with who and when)."""
    _change_role(email, "admin", as_json)


@users_app.command("revoke-admin")
def revoke_admin(
    email: Annotated[str, typer.Argument(help="The account's e-mail address.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Make an administrator an ordinary user again (recorded with who and when)."""
    _change_role(email, "user", as_json)


def main() -> None:
    """The console entry point: usage errors in one line, exit code 2, like every bad input."""
    try:
        code = app(standalone_mode=False)
    except UsageError as exc:
        # `sleeve` alone prints its help and raises a usage error with no message.
        if message := exc.format_message():
            where = exc.ctx.command_path if exc.ctx else "sleeve"
            err.print(
                f"[bold red]error:[/] {message} (see `{where} --help`)",
                highlight=False,
                soft_wrap=True,
            )
        sys.exit(EXIT_BAD_INPUT)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
