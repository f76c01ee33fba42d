"""Validated field types for text and request bodies that cross a trust boundary.

Text that reaches a database must be text both databases store the same way: PostgreSQL
refuses NUL outright (a 500 if it gets that far) and SQLite keeps it, and a lone surrogate
cannot be encoded as UTF-8 at all. These types reject such input where it enters (422 naming
the field) instead of cleaning it silently, and document the rule as a ``pattern`` so generated
clients and schema checkers know it.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

# C0 controls and DEL. Multi-line text keeps tab, line feed and carriage return.
LINE_PATTERN = r"^[^\x00-\x1f\x7f]*$"
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
_LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _check(value: str, controls: re.Pattern[str]) -> str:
    if controls.search(value):
        raise ValueError("must not contain control characters")
    if _SURROGATES.search(value):
        raise ValueError("must be valid Unicode text (no lone surrogates)")
    return value


def check_line(value: str) -> str:
    """One line of text: no control characters at all, no lone surrogates."""
    return _check(value, _LINE_CONTROLS)


def check_text(value: str) -> str:
    """Free text (lyrics, comments): tab and line breaks allowed, other controls not."""
    return _check(value, _TEXT_CONTROLS)


Line = Annotated[str, AfterValidator(check_line),
                 Field(json_schema_extra={"pattern": LINE_PATTERN})]

# What Python's str.strip() removes, spelled out so the pattern means the same in ECMA-262.
_SPACE = r"\x09-\x0d\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NAME_PATTERN = rf"^[^\x00-\x1f\x7f]*[^{_SPACE}\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"


def check_name(value: str) -> str:
    """A line with something in it besides spaces (names are stored trimmed)."""
    check_line(value)
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Name = Annotated[str, AfterValidator(check_name),
                 Field(json_schema_extra={"pattern": NAME_PATTERN})]
Text = Annotated[str, AfterValidator(check_text),
                 Field(json_schema_extra={"pattern": TEXT_PATTERN})]


# An e-mail address as accounts take it. Spaces and controls are spelled out (not ``\s``) so
# the pattern means the same to Python here and to the ECMA-262 regexes of schema checkers.
_NOT_IN_EMAIL = r"@\x00-\x20\x7f-\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
EMAIL_PATTERN = rf"^[^{_NOT_IN_EMAIL}]{{1,64}}@[^{_NOT_IN_EMAIL}]+\.[^{_NOT_IN_EMAIL}]{{2,}}$"
_EMAIL = re.compile(EMAIL_PATTERN)
MAX_EMAIL = 320


def check_email(value: str) -> str:
    check_line(value)
    if len(value) > MAX_EMAIL or not _EMAIL.match(value):
        raise ValueError("not a valid email address")
    return value


Email = Annotated[str, AfterValidator(check_email), Field(
    max_length=MAX_EMAIL, json_schema_extra={"pattern": EMAIL_PATTERN})]


def _whole_number(value: object) -> object:
    # JSON has one number type: 4.0 is the integer 4 to JSON Schema, so it is to us; "4",
    # true and 4.5 are not (strict validation refuses them).
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# After the range: ``Annotated[int, Field(ge=1), WholeNumber]`` (a constraint placed after a
# validator would not reach the JSON schema).
WholeNumber = BeforeValidator(_whole_number)


class StrictBody(BaseModel):
    """Base of every request body: JSON types as sent (no "4" or true for an integer; integer
    fields take ``WholeNumber``) and unknown fields refused rather than dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)
