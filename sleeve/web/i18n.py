"""Interface language: English or Korean, from the visitor's choice (cookie) or Accept-Language."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Literal, get_args

UiLanguage = Literal["en", "ko"]
LANGUAGES: tuple[UiLanguage, ...] = get_args(UiLanguage)
DEFAULT_LANGUAGE: UiLanguage = "en"
LANGUAGE_COOKIE = "sleeve_lang"
MESSAGES_DIR = Path(__file__).parent / "messages"


@cache
def messages(language: UiLanguage) -> dict[str, str]:
    """The message catalogue for one language (``messages/<language>.json``)."""
    data = json.loads((MESSAGES_DIR / f"{language}.json").read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"messages/{language}.json must hold one object")
    return {str(key): str(value) for key, value in data.items()}


def _as_language(tag: str) -> UiLanguage | None:
    primary = tag.strip().lower().split("-")[0]
    for language in LANGUAGES:
        if primary == language:
            return language
    return None


def _weighted(accept_language: str) -> list[tuple[float, str]]:
    ranges: list[tuple[float, str]] = []
    for index, item in enumerate(accept_language.split(",")):
        tag, _, params = item.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        # Equal weights keep the order the browser sent them in.
        ranges.append((quality - index * 1e-6, tag))
    return sorted(ranges, reverse=True)


def choose_language(cookie: str | None, accept_language: str | None) -> UiLanguage:
    """A saved choice wins; then the first supported language the browser prefers."""
    if cookie:
        chosen = _as_language(cookie)
        if chosen is not None:
            return chosen
    for quality, tag in _weighted(accept_language or ""):
        chosen = _as_language(tag)
        if chosen is not None and quality > 0:
            return chosen
    return DEFAULT_LANGUAGE
