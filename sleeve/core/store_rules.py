"""The names of the store rules a cover is checked against, in the order reports list them:
the checker applies them, the API's check report names them."""

from __future__ import annotations

STORE_RULES: tuple[str, ...] = (
    "square", "dimensions", "format", "color-mode", "file-size", "text-margin",
    "forbidden-text", "qr-code", "metadata-text",
)
