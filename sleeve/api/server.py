"""The server entry point the CLI calls: ``serve`` (the worker's is ``sleeve.jobs.worker``).

``python -m sleeve.api.server [--host H] [--port P]`` is ``sleeve serve`` without the CLI.
"""

from __future__ import annotations

import argparse
import gc
import sys

import uvicorn
from sqlalchemy.engine import make_url

from sleeve.api.app import create_app
from sleeve.api.protocol import BoundedHeadProtocol
from sleeve.config import Settings, get_settings
from sleeve.db.migrate import upgrade_database
from sleeve.jobs.context import JobContext
from sleeve.jobs.schedule import EmbeddedScheduler, scheduled_tasks
from sleeve.logs import configure_logging

__all__ = ["serve"]


def serve(host: str = "127.0.0.1", port: int = 8000, settings: Settings | None = None) -> None:
    """Run the API (and, with the local queue, its worker threads) until interrupted."""
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)
    if make_url(settings.database_url).get_backend_name() == "sqlite":
        # The embedded default is one process: it can migrate its own database safely.
        upgrade_database(settings)
    app = create_app(settings)
    # Everything imported so far lives for the whole process: keep it out of GC passes, which
    # otherwise show up as multi-millisecond pauses in request latency.
    gc.collect()
    gc.freeze()
    # Request handlers hop between the event loop and worker threads; with the default 5 ms
    # GIL switch interval a hop can wait that long behind a busy thread (a render, say).
    sys.setswitchinterval(0.001)
    scheduler = embedded_scheduler(settings)
    if scheduler is not None:
        scheduler.start()
    try:
        uvicorn.run(app, host=host, port=port, log_config=None, access_log=False,
                    timeout_graceful_shutdown=10, http=BoundedHeadProtocol)
    finally:
        if scheduler is not None:
            scheduler.stop()


def embedded_scheduler(settings: Settings) -> EmbeddedScheduler | None:
    """The scheduled tasks run inside the server, unless Celery beat runs them."""
    if settings.queue == "celery" or not settings.scheduler_enabled:
        return None
    return EmbeddedScheduler(JobContext.from_settings(settings), scheduled_tasks(settings))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sleeve.api.server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    serve(args.host, args.port)


if __name__ == "__main__":
    main()
