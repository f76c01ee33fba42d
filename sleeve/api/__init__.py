"""The HTTP API: FastAPI app factory, ``/v1`` routers, auth, problem+json errors, metrics."""

from sleeve.api.app import create_app

__all__ = ["create_app"]
