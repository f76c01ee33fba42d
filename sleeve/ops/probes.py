"""Probes of what Sleeve depends on, shared by the startup checks and ``sleeve doctor``.

Each probe answers with a ``Finding`` (ok, warn or fail; one line of detail; the command that
fixes it) instead of raising: an operator gets one line per problem, never a traceback.
Probes take the settings they need; they read no environment.
"""

from __future__ import annotations

import re
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from sleeve.config import Settings
from sleeve.ops.redact import MASK, is_secret, mask_url, where

Status = Literal["ok", "warn", "fail"]
# Exit codes of `sleeve serve` and `sleeve worker` when a startup check fails.
CONFIGURATION = 2
UNREACHABLE = 3
MACOS = sys.platform == "darwin"


@dataclass(frozen=True)
class Finding:
    check: str
    status: Status
    detail: str
    fix: str = ""
    # What a failing startup check exits with: the operator must change the configuration (2),
    # or a dependency is not answering (3).
    exit_code: int = CONFIGURATION

    @property
    def failed(self) -> bool:
        return self.status == "fail"

    @property
    def line(self) -> str:
        """The detail with the fix, for a one-line message."""
        return self.detail if not self.fix or self.fix in self.detail else (
            f"{self.detail} — fix: {self.fix}")


def ok(check: str, detail: str) -> Finding:
    return Finding(check, "ok", detail)


# --- settings -----------------------------------------------------------------------------

_CHOICES = re.compile(r"^\^\((?:\?i:)?([\w|-]+)\)\$$")


def _allowed(error: Any) -> str:
    """What the setting accepts, in words: "one of local, celery", "greater than 0"."""
    pattern = (error.get("ctx") or {}).get("pattern", "")
    choices = _CHOICES.match(str(pattern))
    if error.get("type") == "string_pattern_mismatch" and choices:
        return "must be one of " + ", ".join(choices.group(1).split("|"))
    return str(error.get("msg", "invalid")).replace("Input should be", "must be")


def describe_settings_error(exc: ValidationError) -> str:
    """One line naming every invalid ``SLEEVE_*`` variable, its value and what is allowed."""
    parts = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        shown = MASK if field in Settings.model_fields and is_secret(field) else repr(
            error.get("input"))
        parts.append(f"SLEEVE_{field.upper()}={shown}: {_allowed(error)}")
    return "invalid settings: " + "; ".join(parts)


def settings_finding(exc: ValidationError) -> Finding:
    # The detail already says what each variable accepts.
    return Finding("settings", "fail", describe_settings_error(exc))


# --- database -----------------------------------------------------------------------------

DB_UPGRADE = "sleeve db upgrade"


@dataclass(frozen=True)
class SchemaState:
    current: tuple[str, ...]  # revisions recorded in the database (empty: never migrated)
    heads: tuple[str, ...]  # the latest revisions this Sleeve ships
    unknown: tuple[str, ...]  # recorded revisions this Sleeve does not know (a newer Sleeve's)

    @property
    def up_to_date(self) -> bool:
        return set(self.current) == set(self.heads)


def _cause(exc: BaseException) -> str:
    """The driver's own words, one line: "Connection refused", "database "x" does not exist"."""
    origin = getattr(exc, "orig", None) or exc
    first = (str(origin).strip().splitlines() or [type(origin).__name__])[0]
    # libpq: 'connection to server at "127.0.0.1", port 5999 failed: Connection refused'
    return first.rsplit("failed: ", 1)[-1].strip() or type(origin).__name__


def database_problem(url: str) -> Finding | None:
    """A database URL that cannot work, whatever is running: None when it may."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return Finding("database", "fail", f"SLEEVE_DATABASE_URL={mask_url(url)!r} is not a "
                       "database URL", "e.g. sqlite:///./sleeve-data/sleeve.db or "
                       "postgresql+psycopg://user:password@host:5432/sleeve")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        return Finding("database", "fail", f"SLEEVE_DATABASE_URL: {parsed.get_backend_name()} "
                       "is not supported (sqlite or postgresql)", "")
    return None


def is_sqlite(url: str) -> bool:
    from sqlalchemy.engine import make_url

    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for an in-memory database)."""
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    return Path(database) if database and database != ":memory:" else None


def schema_state(url: str) -> SchemaState:
    """Connects (raising SQLAlchemy's error when it cannot) and compares revisions."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    from sleeve.db.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config(url))
    known = {revision.revision for revision in script.walk_revisions()}
    args = {} if is_sqlite(url) else {"connect_timeout": 3}
    engine = create_engine(url, connect_args=args)
    try:
        with engine.connect() as connection:
            current = tuple(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
    heads = tuple(script.get_heads())
    return SchemaState(current, heads, tuple(r for r in current if r not in known))


def unreachable(url: str, exc: BaseException) -> Finding:
    """One line naming host, port and the cause, the password masked."""
    if is_sqlite(url):
        return Finding("database", "fail", f"cannot open the SQLite database {mask_url(url)}: "
                       f"{_cause(exc)}", "check SLEEVE_DATABASE_URL and the directory's rights")
    return Finding("database", "fail", f"database unreachable at {where(url)} "
                   f"({mask_url(url)}): {_cause(exc)}",
                   "start PostgreSQL or correct SLEEVE_DATABASE_URL", UNREACHABLE)


def schema_finding(state: SchemaState) -> Finding:
    latest = ", ".join(state.heads)
    if state.up_to_date:
        return ok("migrations", f"at the latest revision ({latest})")
    if state.unknown:
        return Finding("migrations", "fail",
                       f"database is at revision {', '.join(state.unknown)}, which this Sleeve "
                       f"does not know (a newer Sleeve migrated it; this one ships {latest})",
                       "upgrade Sleeve, or restore the matching backup")
    at = (f"at revision {', '.join(state.current)}" if state.current
          else "empty (never migrated)")
    return Finding("migrations", "fail", f"database schema is {at}; this Sleeve needs revision "
                   f"{latest}: run `{DB_UPGRADE}` (or start with --migrate)", DB_UPGRADE)


# --- storage ------------------------------------------------------------------------------

def storage_finding(url: str, *, create: bool,
                    options: dict[str, Any] | None = None) -> Finding:
    """Writes, reads and deletes a probe blob. ``create=False`` (doctor) leaves a local root
    that does not exist yet alone and only checks that it could be made."""
    import fsspec

    from sleeve.storage import BlobStore

    shown = mask_url(url)
    fix = "point SLEEVE_STORAGE_URL at a directory Sleeve may write, or fix its rights"
    try:
        fs, root = fsspec.core.url_to_fs(url, **(options or {}))
    except (ImportError, ValueError, TypeError) as exc:
        return Finding("storage", "fail", f"SLEEVE_STORAGE_URL={shown!r} cannot be used: {exc}",
                       "pip install s3fs (s3://) or gcsfs (gs://)")
    local = "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))
    if local and not create and not Path(root).exists():
        parent = next((p for p in Path(root).resolve().parents if p.exists()), Path("/"))
        if parent.is_dir() and _writable(parent):
            return ok("storage", f"{root} will be created on first start")
        return Finding("storage", "fail", f"{root} does not exist and {parent} is not writable",
                       fix)
    key = f"sleeve-probe/{uuid.uuid4().hex}"
    try:
        store = BlobStore(url, options)
        store.put(key, b"probe")
        store.get(key)
        store.delete(key)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        name = getattr(exc, "filename", None) or root
        if local:
            return Finding("storage", "fail", f"storage is not writable: {name}: {reason}", fix)
        return Finding("storage", "fail", f"storage unreachable at {shown}: {reason}",
                       "check the bucket, the credentials and the network", UNREACHABLE)
    except Exception as exc:  # object-store clients raise their own types
        return Finding("storage", "fail", f"storage unreachable at {shown}: {_cause(exc)}",
                       "check the bucket, the credentials and the network", UNREACHABLE)
    return ok("storage", f"{shown} is writable")


def _writable(directory: Path) -> bool:
    probe = directory / f".sleeve-probe-{uuid.uuid4().hex}"
    try:
        probe.write_bytes(b"")
    except OSError:
        return False
    probe.unlink(missing_ok=True)
    return True


# --- broker -------------------------------------------------------------------------------

def broker_finding(url: str) -> Finding:
    """Connects to the Celery broker (Redis or RabbitMQ) once, for at most ~2 s."""
    from kombu import Connection

    shown = mask_url(url)
    try:
        with Connection(url, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0,
                                         timeout=2)
    except (KeyError, ValueError, ImportError) as exc:  # unknown transport, malformed URL
        return Finding("broker", "fail", f"SLEEVE_BROKER_URL={shown!r} cannot be used: "
                       f"{_cause(exc)}", "use redis://host:6379/0 or amqp://user:pass@host//")
    except Exception as exc:
        return Finding("broker", "fail", f"broker unreachable at {where(url)} ({shown}): "
                       f"{_cause(exc)}", "start Redis/RabbitMQ or correct SLEEVE_BROKER_URL",
                       UNREACHABLE)
    return ok("broker", f"{shown} answers")


# --- fonts --------------------------------------------------------------------------------

# One sample per script the typesetter must draw, with the brief language that picks the face.
SCRIPTS: tuple[tuple[str, str, str], ...] = (
    ("Latin", "Aa", "en"),
    ("Cyrillic", "Жж", "en"),
    ("Hangul", "한글", "ko"),
    ("kana/kanji", "かなカナ漢字", "ja"),
    ("emoji", "\U0001f3b5", "en"),
)


def font_install_hint(packages: str) -> str:
    if MACOS:
        return ("brew install --cask font-noto-sans-cjk font-noto-serif-cjk font-inter "
                "font-bebas-neue font-eb-garamond font-league-spartan font-dejavu "
                "font-noto-color-emoji (docs/operations.md: macOS)")
    return f"sudo apt-get install {packages}"


def fonts_finding(settings: Settings) -> Finding:
    from sleeve.pipeline import font_config
    from sleeve.render.fonts import ALL_PACKAGES, PACKAGE_OF, FontLibrary

    # A fresh library, not the cached one: the doctor reports what is on disk now.
    library = FontLibrary(font_config(settings).search_dirs())
    missing = library.missing()
    if missing:
        named = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if missing[6:] else "")
        searched = ", ".join(str(d) for d in library.search_dirs) or "no directories"
        packages = sorted({PACKAGE_OF[name] for name in missing})
        return Finding("fonts", "fail", f"font files not found: {named} (searched {searched}); "
                       "install them or point SLEEVE_FONT_DIR at a directory holding them",
                       font_install_hint(" ".join(packages or ALL_PACKAGES)))
    return ok("fonts", f"every typeface file found ({len(library.search_dirs)} directories "
              "searched)")


def script_findings(settings: Settings) -> list[Finding]:
    """Which installed font draws each script (the typesetter's own fallback chain)."""
    from sleeve.pipeline import font_config
    from sleeve.render.fonts import (
        FontLibrary,
        FontsMissingError,
        is_joiner,
        pick_font,
    )

    library = FontLibrary(font_config(settings).search_dirs())
    findings = []
    for script, sample, language in SCRIPTS:
        name = f"fonts: {script}"
        try:
            chain = library.chain("grotesk", "title", sample, language)
        except FontsMissingError:
            findings.append(Finding(name, "fail", "the typeface files are missing (see fonts)",
                                    font_install_hint("fonts-noto-cjk")))
            continue
        drawn = [pick_font(c, chain) for c in sample if not is_joiner(c)]
        fonts = sorted({font.path.name for font in drawn if font is not None})
        if None in drawn:
            package = "fonts-noto-color-emoji" if script == "emoji" else "fonts-noto-core"
            findings.append(Finding(name, "fail", f"no installed font draws {sample}",
                                    font_install_hint(package)))
        elif script == "emoji" and not any(font.colour for font in drawn if font):
            findings.append(Finding(name, "warn", f"monochrome only ({', '.join(fonts)})",
                                    font_install_hint("fonts-noto-color-emoji")))
        else:
            findings.append(ok(name, ", ".join(fonts)))
    return findings
