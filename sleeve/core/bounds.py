"""The bounds of a request for covers, one definition for the library, CLI, API and workers.

Seeds are ``0 ≤ seed < 2³¹``: every database's INTEGER column holds them, so a seed the CLI
prints can be sent to the API and stored with the cover, and cover *i* of a job uses
``cover_seed(seed, i)``, which stays in that range too.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from pydantic import Field

from sleeve.core.fields import WholeNumber

SEED_LIMIT = 2**31
MAX_SEED = SEED_LIMIT - 1
MIN_COUNT, MAX_COUNT, DEFAULT_COUNT = 1, 8, 4
MIN_SIZE, MAX_SIZE, DEFAULT_SIZE = 256, 4096, 3000

Seed = Annotated[int, Field(ge=0, le=MAX_SEED), WholeNumber]
CoverCount = Annotated[int, Field(ge=MIN_COUNT, le=MAX_COUNT), WholeNumber]
CoverSize = Annotated[int, Field(ge=MIN_SIZE, le=MAX_SIZE), WholeNumber]


def new_seed() -> int:
    """A fresh seed, for a request that names none."""
    return secrets.randbelow(SEED_LIMIT)


def cover_seed(seed: int, index: int) -> int:
    """The seed of cover ``index`` of a request seeded ``seed``: the next ones, wrapping
    at the limit."""
    return (seed + index) % SEED_LIMIT


def seed_problem(seed: int) -> str | None:
    """Why ``seed`` is out of range, or None."""
    return None if 0 <= seed < SEED_LIMIT else f"must be between 0 and {MAX_SEED}, got {seed}"


def count_problem(count: int) -> str | None:
    if MIN_COUNT <= count <= MAX_COUNT:
        return None
    return f"must be between {MIN_COUNT} and {MAX_COUNT}, got {count}"


def size_problem(size: int) -> str | None:
    if MIN_SIZE <= size <= MAX_SIZE:
        return None
    return f"must be between {MIN_SIZE} and {MAX_SIZE} pixels, got {size}"
