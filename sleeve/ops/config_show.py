"""``sleeve config show``: the effective settings, where each came from, secrets masked."""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import SecretStr

from sleeve.config import PREFIX, Settings, Source, setting_sources, unknown_variables
from sleeve.ops.redact import MASK, is_secret, mask_url


@dataclass(frozen=True)
class SettingView:
    variable: str  # SLEEVE_DATABASE_URL
    value: Any  # as Settings holds it (JSON types), masked where secret
    source: Source
    secret: bool


@dataclass(frozen=True)
class UnknownVariable:
    variable: str
    suggestion: str | None  # the setting it probably meant


def shown(field: str, value: Any) -> Any:
    """The value safe to print: secrets masked (empty ones shown as empty, so an operator can
    tell "unset" from "set"), passwords in URLs masked."""
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if is_secret(field):
        return MASK if value else value
    if isinstance(value, str) and "://" in value:
        return mask_url(value)
    return value


def effective_settings(settings: Settings) -> list[SettingView]:
    sources = setting_sources()
    return [
        SettingView(f"{PREFIX}{field.upper()}", shown(field, getattr(settings, field)),
                    sources[field], is_secret(field))
        for field in Settings.model_fields
    ]


def unknown() -> list[UnknownVariable]:
    names = [f"{PREFIX}{field.upper()}" for field in Settings.model_fields]
    return [
        UnknownVariable(name, next(iter(difflib.get_close_matches(name.upper(), names, 1)), None))
        for name in unknown_variables()
    ]


def as_json(views: list[SettingView], strays: list[UnknownVariable]) -> dict[str, Any]:
    return {
        "settings": {v.variable: {"value": v.value, "source": v.source, "secret": v.secret}
                     for v in views},
        "unknown_variables": [asdict(u) for u in strays],
    }
