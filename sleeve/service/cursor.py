"""Opaque pagination cursors: URL-safe base64 of a small JSON list."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sleeve.service.errors import Invalid


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, types: tuple[type | tuple[type, ...], ...]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise Invalid("cursor: not a cursor from this API") from exc
    if not isinstance(values, list) or len(values) != len(types) or not all(
        isinstance(v, t) for v, t in zip(values, types, strict=True)
    ):
        raise Invalid("cursor: not a cursor from this API")
    return values
