"""The FastAPI app factory."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from starlette.middleware.sessions import SessionMiddleware

from sleeve import __version__
from sleeve.api.deps import single_query_values
from sleeve.api.metrics import app_registry
from sleeve.api.middleware import RequestMiddleware
from sleeve.api.oauth import load_providers
from sleeve.api.openapi import install_openapi
from sleeve.api.problems import install_problem_handlers
from sleeve.api.routes import (
    auth,
    check,
    covers,
    gallery,
    health,
    jobs,
    me,
    models,
    oauth,
    reports,
    runs,
    subjects,
)
from sleeve.api.uploads import MULTIPART_OVERHEAD
from sleeve.audio import AUDIO_LIMITS
from sleeve.config import Settings, get_settings
from sleeve.logs import install_request_ids
from sleeve.photos import PHOTO_LIMITS
from sleeve.service.context import Services

log = logging.getLogger("sleeve.api")
WEB_MODULE = "sleeve.web.app"


def _mount_web(app: FastAPI) -> None:
    """The web page (``sleeve.web``, built separately) mounts itself at ``/`` when present."""
    if importlib.util.find_spec(WEB_MODULE) is None:
        return
    module = importlib.import_module(WEB_MODULE)
    mount = getattr(module, "mount", None)
    if callable(mount):
        mount(app)


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    settings = settings or get_settings()
    services = services or Services.from_settings(settings)
    install_request_ids()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        services.queue.start()
        try:
            yield
        finally:
            services.queue.stop()

    app = FastAPI(
        title="Sleeve", version=__version__, lifespan=lifespan,
        dependencies=[Depends(single_query_values)],
        description="Album covers from a song brief: jobs, covers, reviews, accounts.",
    )
    app.state.services = services
    app.state.metrics_registry = app_registry(services)
    app.state.oauth = load_providers(settings)
    install_problem_handlers(app)
    for module in (auth, oauth, me, jobs, covers, gallery, subjects, models, check, runs,
                   reports, health):
        app.include_router(module.router)
    _mount_web(app)
    install_openapi(app, settings.max_body_bytes)
    if app.state.oauth.names():
        secret = settings.secret_key.get_secret_value()
        if not secret:
            log.warning("SLEEVE_SECRET_KEY is empty; OAuth state cookies use a per-process key")
            secret = secrets.token_urlsafe(32)
        # Holds only the OAuth state between /login and /callback.
        app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie="sleeve_oauth",
                           max_age=600, same_site="lax", https_only=settings.cookie_secure)
    app.add_middleware(RequestMiddleware, max_body_bytes=settings.max_body_bytes,
                       uploads=_upload_limits(settings))
    return app


def _upload_limits(settings: Settings) -> dict[str, int]:
    """The paths that take multipart uploads, each with the body size its file allows."""
    return {
        "/v1/check": PHOTO_LIMITS.max_bytes + MULTIPART_OVERHEAD,
        "/v1/subjects/{subject_id}/photos": PHOTO_LIMITS.max_bytes + MULTIPART_OVERHEAD,
        "/v1/jobs": AUDIO_LIMITS.max_bytes + settings.max_body_bytes + MULTIPART_OVERHEAD,
    }
