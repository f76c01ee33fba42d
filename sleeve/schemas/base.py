"""The base of every response schema."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict


class View(BaseModel):
    model_config = ConfigDict(frozen=True)

    @classmethod
    def of(cls, row: Any) -> Self:
        """The view of a row that has every field as an attribute of the same name."""
        return cls.model_validate(row, from_attributes=True)
