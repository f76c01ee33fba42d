"""Owned rows: anyone but the owner is told the row does not exist (404, never 403)."""

from __future__ import annotations

from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from sleeve.db.models import ID
from sleeve.service.errors import NotFound


class Owned(Protocol):
    user_id: str


T = TypeVar("T", bound=Owned)
R = TypeVar("R")


def could_be_id(row_id: str) -> bool:
    # Longer strings cannot be ids; PostgreSQL would reject them rather than find nothing.
    return len(row_id) <= (ID.length or 32)


def find(session: Session, model: type[R], row_id: str) -> R | None:
    return session.get(model, row_id) if could_be_id(row_id) else None


def get_owned(session: Session, model: type[T], row_id: str, user_id: str, label: str) -> T:
    row = find(session, model, row_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f"no {label} {row_id}")
    return row
