"""The HTTP API: FastAPI app factory, ``/v1`` routers, auth, problem+json errors, metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sleeve.api.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the CLI imports this package for `serve` only, and
    # the app is built when it is asked for.
    if name == "create_app":
        from sleeve.api.app import create_app

        return create_app
    raise AttributeError(name)
