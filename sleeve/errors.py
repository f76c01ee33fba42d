"""Turning validation errors into messages a musician can act on."""

from __future__ import annotations

from pydantic import ValidationError


def field_name(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "input"


def field_message(error: dict[str, object]) -> str:
    ctx = error.get("ctx")
    # Text limits read the same whichever layer applied them ("Value should have at least 1
    # item" is what a constraint after a validator says).
    if error.get("type") in {"string_too_short", "too_short"} and isinstance(ctx, dict):
        least = ctx.get("min_length")
        return "must not be empty" if least == 1 else f"must be at least {least} characters"
    if error.get("type") in {"string_too_long", "too_long"} and isinstance(ctx, dict):
        return f"must be at most {ctx.get('max_length')} characters"
    message = str(error.get("msg", "invalid"))
    # pydantic prefixes messages raised by our validators with "Value error, ".
    return message.removeprefix("Value error, ")


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming every bad field, e.g. ``title: must not be empty``."""
    parts = [f"{field_name(tuple(e['loc']))}: {field_message(dict(e))}" for e in exc.errors()]
    return "; ".join(parts)
