"""What ``sleeve serve`` and ``sleeve worker`` check before they accept work.

In order: the settings are valid; the database answers and its schema is at the latest
migration (SQLite, the embedded default, is migrated here; any other database only with
``--migrate``); the blob store takes a write; the broker answers (Celery mode); the fonts are
installed (where covers are rendered). The first failure stops the start: it is logged as one
structured event (``event=startup_failed``) and raised as ``StartupError`` carrying the exit
code: 2 for configuration, 3 for a dependency that does not answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal

from pydantic import ValidationError

from sleeve.config import Settings, get_settings
from sleeve.logs import configure_logging, wants_text
from sleeve.ops import probes
from sleeve.ops.probes import Finding
from sleeve.ops.redact import mask_url

log = logging.getLogger("sleeve.startup")
Role = Literal["serve", "worker"]


class StartupError(Exception):
    def __init__(self, finding: Finding, *, logged_readably: bool) -> None:
        super().__init__(finding.line)
        self.finding = finding
        # The log line already went to stderr as readable text: printing it again would
        # only repeat it.
        self.logged_readably = logged_readably

    @property
    def exit_code(self) -> int:
        return self.finding.exit_code


def start(role: Role, *, migrate: bool = False) -> Settings:
    """Settings loaded, logging configured, every check passed; else ``StartupError``."""
    try:
        settings = get_settings()
    except ValidationError as exc:
        configure_logging()
        raise _stop(role, probes.settings_finding(exc), "auto") from None
    configure_logging(settings.log_level, settings.log_format)
    for finding in _checks(role, settings, migrate):
        if finding.failed:
            raise _stop(role, finding, settings.log_format)
    log.info("startup checks passed", extra={"event": "startup_ok", "role": role})
    return settings


def _stop(role: Role, finding: Finding, log_format: str) -> StartupError:
    log.error(finding.line, extra={"event": "startup_failed", "role": role,
                                     "check": finding.check, "exit_code": finding.exit_code})
    return StartupError(finding, logged_readably=wants_text(log_format))


def _checks(role: Role, settings: Settings, migrate: bool) -> list[Finding]:
    """In order; a check runs only when every one before it passed."""
    steps: list[Callable[[], Finding]] = [
        lambda: database(settings, migrate),
        lambda: probes.storage_finding(settings.storage_url, create=True,
                                       options=settings.storage_options_dict()),
    ]
    if settings.queue == "celery":
        steps.append(lambda: probes.broker_finding(settings.broker_url))
    # Covers are rendered by workers, and by `serve` itself with the embedded queue.
    if role == "worker" or settings.queue == "local":
        steps.append(lambda: probes.fonts_finding(settings))
    findings = []
    for step in steps:
        try:
            findings.append(step())
        except Exception as exc:  # a probe's own bug: still one line, the trace in the log
            log.debug("startup check crashed", exc_info=True)
            findings.append(Finding("startup", "fail", f"a startup check failed unexpectedly: "
                                    f"{type(exc).__name__}: {exc}"))
        if findings[-1].failed:
            break
    return findings


def database(settings: Settings, migrate: bool) -> Finding:
    """Reachable, and at the latest revision (migrating it when that is allowed)."""
    from sqlalchemy.exc import SQLAlchemyError

    from sleeve.db.migrate import upgrade_database

    url = settings.database_url
    problem = probes.database_problem(url)
    if problem is not None:
        return problem
    sqlite = probes.is_sqlite(url)
    try:
        path = probes.sqlite_path(url) if sqlite else None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        state = probes.schema_state(url)
        if state.up_to_date or state.unknown or not (sqlite or migrate):
            return probes.schema_finding(state)
        # The embedded SQLite database belongs to this one host: migrating it here is safe.
        upgrade_database(settings)
    except OSError as exc:
        return Finding("database", "fail", f"cannot create the SQLite database "
                       f"{mask_url(url)}: {exc.strerror or exc}",
                       "check SLEEVE_DATABASE_URL and the directory's rights")
    except SQLAlchemyError as exc:
        return probes.unreachable(url, exc)
    log.info("database migrated", extra={"event": "database_migrated",
                                         "from_revision": ",".join(state.current) or None,
                                         "to_revision": ",".join(state.heads)})
    return probes.ok("migrations", "migrated to " + ", ".join(state.heads))
