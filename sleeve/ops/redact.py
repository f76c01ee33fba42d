"""Keeping secrets out of what an operator sees: URLs with passwords, secret settings."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from pydantic import SecretStr

from sleeve.config import Settings

MASK = "***"


def mask_url(url: str) -> str:
    """``scheme://user:***@host:port/path``: the password (and nothing else) hidden."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # not a URL at all: show nothing that might be a secret
        return MASK
    if not password:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:{MASK}@{host}"))


def where(url: str) -> str:
    """``host:port`` of a URL, for messages that must name them ("?" when absent)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "?"
    host = parts.hostname or "localhost"
    return f"{host}:{port}" if port else host


def is_secret(field: str) -> bool:
    """Settings typed ``SecretStr`` hold credentials (keys, webhook URLs, OAuth secrets)."""
    annotation = Settings.model_fields[field].annotation
    return annotation is SecretStr or SecretStr in getattr(annotation, "__args__", ())
