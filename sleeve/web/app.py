"""Mounts the page on the API app: ``/`` (the HTML shell) and ``/static/...``.

The page is a single HTML shell rendered in the visitor's language; a small JS module draws
each view (hash routes) from the ``/v1`` API, with the session cookie the API sets at login.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sleeve import __version__
from sleeve.api.deps import optional_user
from sleeve.api.session_cookie import end_session
from sleeve.core.genres import GENRE_FAMILIES
from sleeve.render.styles import STYLE_NAMES
from sleeve.service import accounts
from sleeve.web.i18n import LANGUAGE_COOKIE, LANGUAGES, UiLanguage, choose_language, messages

WEB_DIR = Path(__file__).parent
STATIC_DIR = WEB_DIR / "static"
PAGE_GENRES = tuple(g for g in GENRE_FAMILIES if g != "unknown")

# Everything the page loads comes from this origin; the catalogue travels as inert JSON.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

_templates = Environment(
    loader=FileSystemLoader(WEB_DIR / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True, lstrip_blocks=True,
)

router = APIRouter(include_in_schema=False)


class RevalidatedStaticFiles(StaticFiles):
    """Static files the browser must revalidate (a cheap 304 by ETag): the JS modules import
    each other by plain path, so a stale cached module could meet a fresh one after an upgrade."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "no-cache"
        return response


def _oauth_providers(app: FastAPI) -> list[str]:
    providers = getattr(app.state, "oauth", None)
    names = getattr(providers, "names", None)
    return sorted(names()) if callable(names) else []


def page_context(language: UiLanguage, oauth: list[str],
                 me: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the shell template and the JS module need, in one place. ``me``: the signed-in
    visitor, so the page never has to ask (and an anonymous visit makes no failing request)."""
    boot = {
        "me": me,
        "lang": language,
        "languages": list(LANGUAGES),
        "languageCookie": LANGUAGE_COOKIE,
        "messages": messages(language),
        "genres": list(PAGE_GENRES),
        "genreLabels": {g: {lang: messages(lang)[f"genre_{g}"] for lang in LANGUAGES}
                        for g in GENRE_FAMILIES},
        "styles": list(STYLE_NAMES),
        "oauth": oauth,
    }
    return {"lang": language, "t": messages(language), "boot": boot, "version": __version__}


def render_page(language: UiLanguage, oauth: list[str],
                me: dict[str, Any] | None = None) -> str:
    return _templates.get_template("index.html").render(page_context(language, oauth, me))


async def _visitor(request: Request) -> tuple[dict[str, Any] | None, bool]:
    """The signed-in visitor's account (or None), and whether a session cookie that no longer
    signs anyone in came with the request (it is then cleared)."""
    services = getattr(request.app.state, "services", None)  # None: the page alone, no API
    if services is None or not request.cookies.get(services.settings.session_cookie):
        return None, False
    user = await optional_user(request, services, None)
    if user is None:
        return None, True
    me = await run_in_threadpool(accounts.who_am_i, services, user.id)
    return me.model_dump(mode="json"), False


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    language = choose_language(request.cookies.get(LANGUAGE_COOKIE),
                               request.headers.get("accept-language"))
    me, stale = await _visitor(request)
    response = HTMLResponse(render_page(language, _oauth_providers(request.app), me), headers={
        # Private: a signed-in visitor's page carries their account.
        "Cache-Control": "private, no-cache",
        "Content-Language": language,
        "Vary": "Accept-Language, Cookie",
        # The rest of the security headers come from the request middleware, as on every
        # response; this page needs a policy that lets it load its own scripts and styles.
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    })
    if stale:
        end_session(request.app.state.services, response)
    return response


def mount(app: FastAPI) -> None:
    """Called by ``sleeve.api.app.create_app``."""
    app.mount("/static", RevalidatedStaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(router)
