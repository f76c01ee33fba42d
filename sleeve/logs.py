"""Log lines, each carrying the request id of the request that wrote it: JSON for machines,
one readable line per record for a person at a terminal (``SLEEVE_LOG_FORMAT``)."""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

request_id: ContextVar[str] = ContextVar("request_id", default="")
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}


_factory_installed = False


def install_request_ids() -> None:
    """Every log record made while a request is handled carries its id (``record.request_id``),
    stamped when the record is made, so handlers that format later still get it right."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        rid = request_id.get()
        if rid:
            record.request_id = rid
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``12:04:05 WARNING sleeve.api: message  key=value ...`` for a person reading stderr."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        line = f"{when} {record.levelname:<7} {record.name}: {record.getMessage()}"
        extra = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        if extra:
            line += "  " + " ".join(f"{k}={v}" for k, v in extra.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def wants_text(log_format: str = "auto", stream: TextIO | None = None) -> bool:
    """``text`` and ``json`` say so; ``auto`` means text only when the stream is a terminal."""
    if log_format != "auto":
        return log_format == "text"
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


def configure_logging(level: str = "INFO", log_format: str = "auto") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(TextFormatter() if wants_text(log_format) else JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Alembic narrates every step at INFO ("Context impl SQLiteImpl."); Sleeve logs the one
    # line that matters (which revision the schema moved to) itself.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # APScheduler narrates adding and running each job at INFO; the schedule's own runs are
    # recorded (and logged when they fail) by sleeve.jobs.schedule.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # uvicorn's own access log would duplicate ours, in another format.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
