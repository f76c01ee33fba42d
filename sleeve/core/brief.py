"""The song brief: what a musician types, validated and normalised."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator

from sleeve.core.text import normalize

Language = Literal["ko", "en", "ja", "auto"]


def clean_line(value: str) -> str:
    return normalize(value)


def clean_lyrics(value: str) -> str:
    return normalize(value, multiline=True)


class Brief(BaseModel):
    """A song brief. Text is normalised before length limits are checked."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)

    title: Annotated[str, AfterValidator(clean_line)]
    artist: Annotated[str, AfterValidator(clean_line)]
    album: Annotated[str, AfterValidator(clean_line)] = ""
    genre: Annotated[str, AfterValidator(clean_line)] = ""
    lyrics: Annotated[str, AfterValidator(clean_lyrics)] = ""
    language: Language = "auto"

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: object) -> object:
        # Fixture briefs and older clients say "mixed"; that is what auto-detection is for.
        if isinstance(value, str):
            value = value.strip().lower()
            if value in {"", "mixed", "multi"}:
                return "auto"
        return value

    @field_validator("title", "artist")
    @classmethod
    def _required_text(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty")
        if len(value) > 200:
            raise ValueError("must be at most 200 characters")
        return value

    @field_validator("album", "genre")
    @classmethod
    def _short_text(cls, value: str) -> str:
        if len(value) > 200:
            raise ValueError("must be at most 200 characters")
        return value

    @field_validator("lyrics")
    @classmethod
    def _lyrics_limit(cls, value: str) -> str:
        if len(value) > 10_000:
            raise ValueError("must be at most 10000 characters")
        return value

    def digest(self) -> str:
        """Stable hash of the normalised brief (cache keys, idempotency)."""
        payload = json.dumps(self.model_dump(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()
