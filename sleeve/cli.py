"""The `sleeve` command line: thin commands over the library."""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, get_type_hints

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sleeve.cli_backup import backup, restore
from sleeve.cli_models import models_app, retrain
from sleeve.cli_output import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    configuration_errors_exit,
    err,
    fail,
    out,
    progress_bar,
)
from sleeve.cli_subjects import subjects_app
from sleeve.config import Settings, get_settings

try:  # Typer 0.26 and later carry their own copy of Click.
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover - older Typer on the real Click
    from click.exceptions import UsageError  # type: ignore[assignment]

from sleeve.core.bounds import (
    DEFAULT_SIZE,
    MAX_COUNT,
    MAX_SEED,
    MAX_SIZE,
    MIN_COUNT,
    MIN_SIZE,
    count_problem,
    seed_problem,
    size_problem,
)
from sleeve.core.brief import Brief
from sleeve.core.formats import EXTENSIONS, ImageFormat
from sleeve.core.plan import AudioFeatures
from sleeve.errors import describe_validation_error
from sleeve.render.export import thumbnail

app = typer.Typer(
    help="Sleeve: album covers from a song brief.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
THUMBNAIL_SIZE = 600
AUDIO_HELP = "The track (WAV, FLAC, MP3, OGG): its tempo, energy and mode steer the art."
SUBJECT_HELP = ("A photo of you (JPEG, PNG or WebP, one clear face) to feature on every cover; "
                "repeat for more photos, taken in turn.")


class BadInput(Exception):
    """Input the user can fix: reported in one line, exit code 2."""


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
        option("count", int, count, "--count", f"Covers per brief, {MIN_COUNT}–{MAX_COUNT}."),
        option("seed", int | None, seed, "--seed",
               f"Seed for reproducible covers, 0–{MAX_SEED}."),
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
    problems = [("--count", count_problem(count)),
                ("--size", None if size is None else size_problem(size)),
                ("--seed", None if seed is None else seed_problem(seed))]
    for option, problem in problems:
        if problem is not None:
            raise BadInput(f"{option} {problem}")


def _track_features(path: Path | None) -> AudioFeatures | None:
    """The features of the track at ``path`` (``--audio``), or None without one."""
    if path is None:
        return None
    from sleeve.audio import AUDIO_LIMITS, AudioRejected, AudioUnavailable, analyze_file

    try:
        with path.open("rb") as f:
            data = f.read(AUDIO_LIMITS.max_bytes + 1)  # one byte over says "too big"
        return analyze_file(data)
    except FileNotFoundError as exc:
        raise BadInput(f"--audio: {path} does not exist") from exc
    except OSError as exc:
        raise BadInput(f"--audio: cannot read {path}: {exc.strerror or exc}") from exc
    except (AudioRejected, AudioUnavailable) as exc:
        raise BadInput(f"--audio: {path}: {exc}") from exc


def _subject_photos(paths: list[Path] | None) -> list[Any]:
    """The ``--subject-photo`` files taken in as photos go into Sleeve: checked by content,
    turned upright, stripped of metadata, exactly one clear face."""
    if not paths:
        return []
    from sleeve.photos.faces import the_face
    from sleeve.photos.intake import (
        PHOTO_LIMITS,
        PhotoRejected,
        open_photo,
        strip_metadata,
        upright,
    )
    from sleeve.pipeline import face_photo

    photos = []
    for path in paths:
        try:
            with path.open("rb") as f:
                data = f.read(PHOTO_LIMITS.max_bytes + 1)  # one byte over says "too big"
            image = strip_metadata(upright(open_photo(data).image)).convert("RGB")
            photos.append(face_photo(image, the_face(image).to_list()))
        except FileNotFoundError as exc:
            raise BadInput(f"--subject-photo: {path} does not exist") from exc
        except OSError as exc:
            raise BadInput(f"--subject-photo: cannot read {path}: {exc.strerror or exc}") from exc
        except PhotoRejected as exc:
            raise BadInput(f"--subject-photo: {path}: {exc}") from exc
    return photos


def _check_style(style: str | None) -> None:
    from sleeve.core.styles import UnknownStyleError, check_style

    if style is not None:
        try:
            check_style(style)
        except UnknownStyleError as exc:
            raise BadInput(str(exc)) from exc


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
    size: Annotated[int, typer.Option(
        "--size", help=f"Square size in pixels, {MIN_SIZE}–{MAX_SIZE}.")] = DEFAULT_SIZE,
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
    audio_file: Annotated[
        Path | None, typer.Option("--audio", help=AUDIO_HELP)
    ] = None,
    subject_photo: Annotated[
        list[Path] | None, typer.Option("--subject-photo", help=SUBJECT_HELP)
    ] = None,
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
        if audio_file is not None and brief_file is not None:
            raise BadInput("--audio goes with one brief (--title/--artist), not --brief-file")
        audio = _track_features(audio_file)
        if subject_photo and engine != "procedural":
            raise BadInput("--subject-photo goes with the procedural engine (the diffusion "
                           "engine features a subject through its trained LoRA)")
        photos = _subject_photos(subject_photo)

    failures = 0
    image_format: ImageFormat = "png" if fmt == "png" else "jpeg"
    with progress_bar(err) as progress:
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
                    audio=audio,
                    subject_photos=photos,
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
def plan(
    options: BriefOptions,
    audio_file: Annotated[
        Path | None, typer.Option("--audio", help=AUDIO_HELP)
    ] = None,
) -> None:
    """Print the art direction (CoverPlan JSON) for a brief, without rendering."""
    from sleeve.core.art_direction import plan_covers

    with bad_input_exits():
        _check_ranges(options.count, seed=options.seed)
        _check_style(options.style)
        brief = options.brief()
        audio = _track_features(audio_file)
    plans = plan_covers(brief, count=options.count, seed=options.seed or 0, style=options.style,
                        audio=audio)
    payload: Any = [p.model_dump(mode="json") for p in plans]
    sys.stdout.write(
        json.dumps(payload[0] if options.count == 1 else payload, ensure_ascii=False, indent=2)
    )
    sys.stdout.write("\n")


PlanArgument = Annotated[
    Path, typer.Argument(metavar="PLAN.json", help="A plan as `sleeve plan` prints it.")]


def _read_plan(path: Path) -> Any:
    """A CoverPlan from PLAN.json (as `sleeve plan` prints it)."""
    from sleeve.core.plan import CoverPlan

    text = _read_text(path, "PLAN.json")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"PLAN.json: {path} is not JSON ({exc.msg}, line {exc.lineno})") from exc
    if isinstance(data, list):
        raise BadInput(f"PLAN.json: {path} holds {len(data)} plans; give one "
                       "(sleeve plan --count 1)")
    try:
        return CoverPlan.model_validate(data)
    except ValidationError as exc:
        raise BadInput(f"PLAN.json: {describe_validation_error(exc)}") from exc


def _check_seed(seed: int) -> None:
    problem = seed_problem(seed)
    if problem is not None:
        raise BadInput(f"--seed {problem}")


@app.command()
def kit(
    plan_file: PlanArgument,
    seed: Annotated[int, typer.Option("--seed", help="The cover's seed.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for the formats.")],
    fmt: Annotated[str, typer.Option("--format", help="jpeg or png.")] = "jpeg",
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per format on stdout.")
    ] = False,
) -> None:
    """Every format of the release kit from one cover's plan and seed, re-composed for each
    (1:1 cover, 4:5 feed, 9:16 story, 16:9 video, 3:1 header)."""
    from sleeve.files import write_atomic
    from sleeve.pipeline import fonts_for
    from sleeve.render.export import CoverMetadata, encode
    from sleeve.render.fonts import FontsMissingError, UnrenderableTextError
    from sleeve.render.formats import FORMATS, render_format

    with bad_input_exits():
        _check_seed(seed)
        if fmt not in EXTENSIONS:
            raise BadInput(f"--format must be jpeg or png, got {fmt!r}")
        cover_plan = _read_plan(plan_file)
        _check_style(cover_plan.style)
        if out_dir.exists() and not out_dir.is_dir():
            raise BadInput(f"--out: {out_dir} exists and is not a directory")
    image_format: ImageFormat = "png" if fmt == "png" else "jpeg"
    meta = CoverMetadata(title=cover_plan.title, artist=cover_plan.artist, seed=seed,
                         engine="procedural", style=cover_plan.style)
    written: list[Path] = []
    fonts = fonts_for(get_settings())
    try:
        for spec in FORMATS:
            image = render_format(cover_plan, seed, spec, fonts=fonts).image
            path = out_dir / spec.filename(EXTENSIONS[fmt])
            write_atomic(path, encode(image, image_format, meta))
            written.append(path)
            _emit([{"path": str(path), "format": spec.name, "ratio": spec.ratio,
                    "width": spec.width, "height": spec.height, "use": spec.use,
                    "seed": seed, "style": cover_plan.style}], as_json)
    except (FontsMissingError, UnrenderableTextError) as exc:
        fail(str(exc))
    except OSError as exc:
        for done in written:
            done.unlink(missing_ok=True)
        fail(f"cannot write to {out_dir}: {exc.strerror or exc}")


@app.command()
def motion(
    plan_file: PlanArgument,
    seed: Annotated[int, typer.Option("--seed", help="The cover's seed.")],
    preset: Annotated[
        str, typer.Option("--preset", help="canvas, apple-square or apple-portrait.")
    ],
    out_file: Annotated[Path, typer.Option("--out", help="The MP4 to write.")],
    seconds: Annotated[
        float | None, typer.Option("--seconds", help="Loop length (canvas 3–8, apple 8–20); "
                                   "whole beats when the plan has a tempo.")
    ] = None,
    scale: Annotated[
        float, typer.Option("--scale", help="Draft at this fraction of the size (0.1–1).")
    ] = 1.0,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON summary on stdout.")] = False,
) -> None:
    """A seamless motion loop (H.264 MP4, no audio) of one cover's art."""
    from sleeve.core.motion_presets import get_preset
    from sleeve.files import write_atomic
    from sleeve.pipeline import fonts_for
    from sleeve.render.fonts import FontsMissingError, UnrenderableTextError
    from sleeve.render.motion import frames
    from sleeve.render.video import encode_mp4

    with bad_input_exits():
        _check_seed(seed)
        try:
            spec = get_preset(preset)
            length = spec.check_seconds(spec.seconds if seconds is None else seconds)
        except ValueError as exc:
            raise BadInput(f"--preset/--seconds: {exc}") from exc
        cover_plan = _read_plan(plan_file)
        _check_style(cover_plan.style)
        if out_file.is_dir():
            raise BadInput(f"--out: {out_file} is a directory; give a file name")
        if not 0.1 <= scale <= 1.0:
            raise BadInput(f"--scale must be between 0.1 and 1, got {scale:g}")
    # With the track's tempo in the plan, the loop lasts a whole number of beats.
    length = spec.loop_seconds(length, cover_plan.motion_tempo_bpm)
    total = spec.frame_count(length)
    width, height = spec.size(scale)
    try:
        with progress_bar(err) as progress:
            task = progress.add_task("Rendering frames", total=total)
            data = encode_mp4(
                frames(cover_plan, seed, spec, length, scale=scale,
                       on_frame=lambda _done, _total: progress.advance(task),
                       fonts=fonts_for(get_settings())),
                width, height, spec.fps)
        write_atomic(out_file, data)
    except (FontsMissingError, UnrenderableTextError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write {out_file}: {exc.strerror or exc}")
    record = {"path": str(out_file), "preset": spec.name, "width": width,
              "height": height, "fps": spec.fps, "seconds": length, "frames": total,
              "tempo_bpm": cover_plan.motion_tempo_bpm,
              "bytes": len(data), "seed": seed, "style": cover_plan.style}
    if as_json:
        sys.stdout.write(json.dumps(record) + "\n")
    else:
        out.print(f"{out_file}  [dim]{spec.name} · {length:g} s · {total} frames[/]",
                  highlight=False)


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


MIGRATE_HELP = "Bring a PostgreSQL schema to the latest migration first (SQLite always is)."


def _start(role: Literal["serve", "worker"], migrate: bool) -> Settings:
    """The startup checks: a failure is one line on stderr (and a log event), exit 2 or 3."""
    from sleeve.ops.startup import StartupError, start

    try:
        return start(role, migrate=migrate)
    except StartupError as exc:
        if exc.logged_readably:
            raise typer.Exit(exc.exit_code) from None
        fail(exc.finding.line, exc.exit_code)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    migrate: Annotated[bool, typer.Option("--migrate", help=MIGRATE_HELP)] = False,
) -> None:
    """Run the HTTP API (and, with SLEEVE_QUEUE=local, its job workers)."""
    settings = _start("serve", migrate)
    from sleeve.api.server import serve as run_server

    with configuration_errors_exit():
        run_server(host, port, settings)


@app.command()
def worker(
    queues: Annotated[str, typer.Option("--queues", help="Comma-separated: cpu,gpu.")] = "cpu,gpu",
    migrate: Annotated[bool, typer.Option("--migrate", help=MIGRATE_HELP)] = False,
    beat: Annotated[bool, typer.Option(
        "--beat", help="Also run Celery beat (the weekly report); in one worker only.")] = False,
    concurrency: Annotated[int | None, typer.Option(
        "--concurrency", min=1, max=64,
        help="Jobs run at once (default: SLEEVE_CONCURRENCY).")] = None,
) -> None:
    """Run jobs without the API (Celery worker with SLEEVE_QUEUE=celery)."""
    settings = _start("worker", migrate)
    if concurrency is not None:
        settings = settings.model_copy(update={"concurrency": concurrency})
    from sleeve.jobs.worker import run_worker

    with configuration_errors_exit():
        run_worker(tuple(q.strip() for q in queues.split(",") if q.strip()), settings,
                   beat=beat)


db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database named by SLEEVE_DATABASE_URL to the latest schema."""
    from sleeve.db.migrate import upgrade_database

    with configuration_errors_exit():
        upgrade_database()
    out.print("database is up to date")


def _wide() -> Console:
    """``out``, or, when stdout is a pipe or file, one wide enough that rows never wrap."""
    return out if out.is_terminal else Console(width=400)


@app.command()
def doctor(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Check everything Sleeve depends on; exit 1 when anything required fails."""
    from sleeve.ops.doctor import diagnose
    from sleeve.ops.probes import settings_finding

    try:
        findings = diagnose(get_settings())
    except ValidationError as exc:
        findings = [settings_finding(exc)]
    failed = any(f.failed for f in findings)
    if as_json:
        rows = [{"check": f.check, "status": f.status, "detail": f.detail, "fix": f.fix}
                for f in findings]
        sys.stdout.write(json.dumps({"ok": not failed, "checks": rows}, ensure_ascii=False) + "\n")
    else:
        colour = {"ok": "green", "warn": "yellow", "fail": "bold red"}
        table = Table("check", "status", "detail", "fix", box=None)
        for f in findings:
            table.add_row(f.check, f"[{colour[f.status]}]{f.status}[/]", escape(f.detail),
                          escape(f.fix))
        _wide().print(table)
    if failed:
        raise typer.Exit(EXIT_FAILED)


config_app = typer.Typer(help="Settings.", no_args_is_help=True)
app.add_typer(config_app, name="config")


@config_app.command("show")
def config_show(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The effective settings, where each came from (default, environment, .env), secrets
    masked."""
    from sleeve.ops.config_show import as_json as settings_json
    from sleeve.ops.config_show import effective_settings, unknown

    views, strays = effective_settings(get_settings()), unknown()
    if as_json:
        sys.stdout.write(json.dumps(settings_json(views, strays), ensure_ascii=False) + "\n")
        return
    table = Table("setting", "value", "from", box=None)
    for view in views:
        value = "" if view.value is None else str(view.value)
        style = "dim" if view.source == "default" else "bold"
        table.add_row(view.variable, escape(value), f"[{style}]{view.source}[/]")
    _wide().print(table)
    for stray in strays:
        hint = f" (did you mean {stray.suggestion}?)" if stray.suggestion else ""
        err.print(f"[yellow]warning:[/] {stray.variable} is not a Sleeve setting, ignored{hint}",
                  highlight=False, soft_wrap=True)


def _print_version(show: bool) -> None:
    if show:
        from sleeve.version import __version__

        out.print(f"sleeve {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def options(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.",
                                          callback=_print_version, is_eager=True)] = False,
) -> None:
    """Sleeve: album covers from a song brief."""


def _day(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time.min, tzinfo=UTC)
    except ValueError as exc:
        raise BadInput(f"{option} must be a date like 2026-11-30, got {value!r}") from exc


def report_period(since: str | None, until: str | None,
                  today: date | None = None) -> tuple[datetime, datetime]:
    """[since, until + 1 day): both dates inclusive; by default the 7 days up to today."""
    end_day = _day(until, "--until")
    start = _day(since, "--since")
    end = (end_day if end_day is not None else datetime.combine(
        today or datetime.now(UTC).date(), time.min, tzinfo=UTC)) + timedelta(days=1)
    start = start if start is not None else end - timedelta(days=7)
    if start >= end:
        raise BadInput("--since must not be after --until")
    return start, end


@app.command()
def report(
    since: Annotated[str | None, typer.Option("--since", help="First day (UTC), YYYY-MM-DD.")]
    = None,
    until: Annotated[str | None, typer.Option(
        "--until", help="Last day (UTC, inclusive); default today.")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="Also write report.html and the charts here.")] = None,
    to_slack: Annotated[bool, typer.Option(
        "--slack", help="Post the summary to SLEEVE_SLACK_WEBHOOK_URL.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The numbers as JSON.")] = False,
) -> None:
    """Build the report (charts, HTML page) from the database, store it, optionally post it."""
    from sleeve.files import write_atomic
    from sleeve.jobs.context import JobContext
    from sleeve.service.reports import make_report

    with bad_input_exits():
        start, end = report_period(since, until)
        if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
            raise BadInput(f"--out: {out_dir} exists and is not a directory")
    settings = get_settings()
    if to_slack and settings.slack_webhook_url is None:
        fail("--slack needs SLEEVE_SLACK_WEBHOOK_URL")
    with configuration_errors_exit():
        built = make_report(JobContext.from_settings(settings), start, end, to_slack)
        if out_dir is not None:
            write_atomic(out_dir / "report.html", built.html.encode())
            for name, png in built.charts.items():
                write_atomic(out_dir / f"{name}.png", png)
    if as_json:
        payload = {"id": built.id, "slack": built.slack, **built.data.to_json()}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    table = Table("", "this period", "previous", box=None)
    for name, pair in built.data.headline().items():
        table.add_row(name.replace("_", " "), f"{pair.current:g}", f"{pair.previous:g}")
    out.print(table)
    out.print(f"report {built.id}" + (f" → {out_dir / 'report.html'}" if out_dir else "")
              + (f"; Slack: {built.slack}" if to_slack else ""), highlight=False)
    if to_slack and built.slack != "sent":
        err.print(f"[yellow]warning:[/] Slack: {built.slack}", highlight=False)


dataset_app = typer.Typer(help="Training sets for fine-tuning.", no_args_is_help=True)
app.add_typer(dataset_app, name="dataset")


def _dataset_inputs(from_ratings: bool, images: Path | None, meta: Path | None,
                    urls: Path | None) -> None:
    if sum((from_ratings, images is not None, urls is not None)) != 1:
        raise BadInput("give exactly one of --from-ratings, --images DIR or --urls FILE")
    if meta is not None and images is None:
        raise BadInput("--meta goes with --images")
    if images is not None and not images.is_dir():
        raise BadInput(f"--images: {images} is not a directory")
    for path, option in ((meta, "--meta"), (urls, "--urls")):
        if path is not None and not path.is_file():
            raise BadInput(f"{option}: {path} does not exist")


@dataset_app.command("build")
def dataset_build(
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for shards and manifest.")],
    from_ratings: Annotated[bool, typer.Option(
        "--from-ratings", help="Covers rated at least --min-rating.")] = False,
    images: Annotated[Path | None, typer.Option("--images", help="A directory of images.")]
    = None,
    meta: Annotated[Path | None, typer.Option(
        "--meta", help="CSV or JSON Lines with a 'file' column and title, artist, genre…")]
    = None,
    urls: Annotated[Path | None, typer.Option(
        "--urls", help="Image URLs, one a line (or JSON Lines with 'url').")] = None,
    min_size: Annotated[int, typer.Option("--min-size", help="Smallest side, pixels.")] = 1024,
    phash_threshold: Annotated[int, typer.Option(
        "--phash-threshold", help="Near-duplicate distance, bits of 64.")] = 6,
    shard_size: Annotated[int, typer.Option("--shard-size", help="Samples per tar.")] = 1000,
    min_rating: Annotated[float, typer.Option("--min-rating", help="For --from-ratings.")]
    = 4.0,
    workers: Annotated[int | None, typer.Option(
        "--workers", help="Processes (default: all cores); ignored with SLEEVE_QUEUE=celery.")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="The stats as JSON.")] = False,
) -> None:
    """Build a deduplicated, captioned training set: WebDataset shards + Parquet manifest."""
    from collections import Counter

    try:
        from sleeve.dataset.build import build_locally, build_on_celery
    except ImportError as exc:
        fail(f"sleeve dataset needs the dataset extra (pip install 'sleeve[dataset]'): {exc}")
    from sleeve.dataset.items import BuildOptions, SourceItem
    from sleeve.dataset.sources import MetadataError, from_images, read_metadata
    from sleeve.dataset.sources import from_ratings as rated

    with bad_input_exits():
        _dataset_inputs(from_ratings, images, meta, urls)
        if min_size < 1 or shard_size < 1 or not 0 <= phash_threshold <= 64:
            raise BadInput("--min-size and --shard-size must be positive, --phash-threshold 0–64")
        if workers is not None and workers < 1:
            raise BadInput("--workers must be at least 1")
        if out_dir.exists() and not out_dir.is_dir():
            raise BadInput(f"--out: {out_dir} exists and is not a directory")
        try:
            metadata = read_metadata(meta) if meta is not None else None
        except MetadataError as exc:
            raise BadInput(str(exc)) from exc
    settings = get_settings()
    options = BuildOptions(min_size=min_size, phash_threshold=phash_threshold,
                           shard_size=shard_size, storage_url=settings.storage_url)
    failed_downloads: Counter[str] = Counter()
    items: list[SourceItem]
    with configuration_errors_exit():
        out_dir.mkdir(parents=True, exist_ok=True)
        if images is not None:
            items = from_images(images, metadata)
        elif urls is not None:
            items = _download(urls, out_dir, failed_downloads)
        else:
            from sleeve.db.engine import make_engine, make_session_factory, transaction

            with transaction(make_session_factory(make_engine(settings.database_url))) as s:
                items = rated(s, min_rating)
    with progress_bar(err) as progress:
        task = progress.add_task("Validating, hashing, captioning", total=len(items))

        def advance(n: int) -> None:
            progress.advance(task, n)

        with configuration_errors_exit():
            if settings.queue == "celery":
                from sleeve.jobs.celery_app import make_celery, queue_name

                stats = build_on_celery(make_celery(settings), queue_name(settings, "cpu"),
                                        items, out_dir, options, advance, failed_downloads)
            else:
                stats = build_locally(items, out_dir, options, workers, advance,
                                      failed_downloads)
    if as_json:
        sys.stdout.write(json.dumps(stats, ensure_ascii=False) + "\n")
        return
    out.print(f"kept {stats['kept']} of {stats['inputs']} images in {stats['shards']} shards; "
              f"{stats['duplicates']} near-duplicates (≤ {phash_threshold} bits) removed",
              highlight=False)
    for reason, count in stats["rejected"].items():
        out.print(f"  rejected, {reason}: {count}", highlight=False)
    out.print(f"manifest: {out_dir / 'manifest.parquet'}", highlight=False)


def _download(urls: Path, out_dir: Path, failed: Any) -> list[Any]:
    from sleeve.dataset.download import DownloadOptions, download, read_url_list

    with bad_input_exits():
        try:
            entries = read_url_list(urls)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadInput(str(exc)) from exc
    with progress_bar(err) as progress:
        task = progress.add_task("Downloading", total=len(entries))
        items, failures = download(entries, out_dir / "downloads", DownloadOptions(),
                                   lambda _fetched: progress.advance(task))
    failed.update(f"download: {reason}" for reason in failures.values())
    return items


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


# `retrain`, `models …`, `subjects …`, `backup` and `restore` live in their own modules.
app.command()(retrain)
app.add_typer(models_app, name="models")
app.add_typer(subjects_app, name="subjects")
app.command()(backup)
app.command()(restore)


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
    except ValidationError as exc:
        if exc.title != Settings.__name__:
            raise
        # A bad SLEEVE_* variable met by a command that reads settings: one line, like any
        # other bad input (serve and worker report it in their startup checks).
        from sleeve.ops.probes import describe_settings_error

        err.print(f"[bold red]error:[/] {escape(describe_settings_error(exc))}",
                  highlight=False, soft_wrap=True)
        sys.exit(EXIT_BAD_INPUT)
    sys.exit(code if isinstance(code, int) else 0)


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="The cover image (JPEG or PNG) to check.")],
    title: Annotated[
        str | None, typer.Option("--title", help="Release title: the words must match.")
    ] = None,
    artist: Annotated[
        str | None, typer.Option("--artist", help="Release artist: the words must match.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The report as JSON.")] = False,
) -> None:
    """Check a cover against the stores' artwork rules (exit 0 pass, 1 fail, 2 unusable)."""
    from sleeve.check import FILE_LIMITS, OcrUnavailable, check_cover
    from sleeve.photos import PhotoRejected

    with bad_input_exits():
        try:
            with file.open("rb") as f:
                data = f.read(FILE_LIMITS.max_bytes + 1)  # one byte over says "too big"
            report = check_cover(data, title, artist)
        except FileNotFoundError as exc:
            raise BadInput(f"{file} does not exist") from exc
        except OSError as exc:
            raise BadInput(f"cannot read {file}: {exc.strerror or exc}") from exc
        except (PhotoRejected, OcrUnavailable) as exc:
            raise BadInput(f"{file}: {exc}") from exc
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    else:
        _print_report(file, report)
    if not report.passed:
        raise typer.Exit(EXIT_FAILED)


def _print_report(file: Path, report: Any) -> None:
    verdict = "[green]passes[/]" if report.passed else "[red]fails[/]"
    out.print(f"{file}: {verdict} ({report.width}×{report.height} {report.format.upper()} "
              f"{report.mode}, {report.byte_size / 1e6:.1f} MB)", highlight=False)
    for finding in report.findings:
        mark = "[red]fail[/]" if finding.status == "fail" else "[yellow]warn[/]"
        where = f" at {finding.box}" if finding.box else ""
        out.print(f"  {mark} {finding.rule}: {finding.reason}{where}", highlight=False)
