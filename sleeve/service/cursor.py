"""Opaque pagination cursors: URL-safe base64 of a small JSON list, signed with HMAC.

Only cursors this service made are accepted (a crafted one, say with an integer too large for
the database, is a 422 before any query runs); the values are still checked against the types
and ranges the caller expects.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from typing import Any

from sleeve.service.errors import Invalid

# What a cursor looks like (documented in the OpenAPI document as the parameter's pattern).
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"
CURSOR_HELP = "`next_cursor` of the previous page, as given (signed: any other value is a 422)."
_SIGNATURE_BYTES = 16
BAD_CURSOR = "cursor: not a cursor from this API"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorCodec:
    """Signs and checks cursors. Without a configured secret the key is per process, so
    cursors then last as long as the process (set SLEEVE_SECRET_KEY for several replicas)."""

    def __init__(self, secret: str = "") -> None:
        material = secret.encode() if secret else secrets.token_bytes(32)
        self._key = hashlib.sha256(b"sleeve-cursor\0" + material).digest()

    def _sign(self, payload: str) -> str:
        mac = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()
        return _b64(mac[:_SIGNATURE_BYTES])

    def encode(self, values: list[Any]) -> str:
        payload = _b64(json.dumps(values, separators=(",", ":")).encode())
        return f"{payload}.{self._sign(payload)}"

    def _values(self, cursor: str) -> list[Any]:
        payload, _, signature = cursor.partition(".")
        if not payload or not hmac.compare_digest(signature.encode(),
                                                  self._sign(payload).encode()):
            raise Invalid(BAD_CURSOR)
        try:
            values = json.loads(_unb64(payload))
        except (binascii.Error, ValueError) as exc:
            raise Invalid(BAD_CURSOR) from exc
        if not isinstance(values, list) or not values:
            raise Invalid(BAD_CURSOR)
        return values

    def decode_head(self, cursor: str) -> Any:
        """The first value of a cursor this service signed (what it was made for)."""
        return self._values(cursor)[0]

    def decode(self, cursor: str, types: tuple[type | tuple[type, ...], ...]) -> list[Any]:
        values = self._values(cursor)
        if len(values) != len(types) or not all(
            isinstance(v, t) and not isinstance(v, bool)
            for v, t in zip(values, types, strict=True)
        ):
            raise Invalid(BAD_CURSOR)
        return values
