"""Pages of covers: the public gallery (an artist's page among them) and the user's own.

Both take the same search and filters: ``q`` (a substring of the title or the artist, any case,
any script), ``genre`` (a genre family), ``style`` and ``sort`` (``top``: rating average, then
number of ratings; ``new``: newest first). The gallery also takes ``artist`` (exact).

A cursor is signed and carries a fingerprint of the sort and filters it was made for: passed
with another sort or other filters it is refused (422), since its position means nothing in
another order (the page asks for the first page again when its filters change).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Select, or_, select, tuple_

from sleeve.db.engine import transaction
from sleeve.db.models import BriefRow, Cover
from sleeve.schemas.gallery import Page
from sleeve.service.context import Services
from sleeve.service.cursor import BAD_CURSOR
from sleeve.service.errors import Invalid
from sleeve.service.views import cover_view

Sort = Literal["top", "new"]
SORTS: tuple[Sort, ...] = ("top", "new")
MAX_PAGE = 100
MAX_QUERY = 100
MAX_INT = 2**31 - 1  # the largest value an INTEGER column holds on every database
OTHER_CURSOR = "cursor: made for another sort or other filters; ask for the first page again"


@dataclass(frozen=True)
class Filters:
    """What a list is narrowed to. Empty strings mean "any"."""

    sort: Sort = "top"
    q: str = ""
    genre: str = ""
    style: str = ""
    artist: str = ""

    @classmethod
    def of(cls, sort: Sort, q: str | None = None, genre: str | None = None,
           style: str | None = None, artist: str | None = None) -> Filters:
        if sort not in SORTS:
            raise Invalid(f"sort: choose one of {', '.join(SORTS)}")
        query = (q or "").strip()
        if len(query) > MAX_QUERY:
            raise Invalid(f"q: must be at most {MAX_QUERY} characters")
        return cls(sort=sort, q=query, genre=(genre or "").strip().lower(),
                   style=(style or "").strip().lower(), artist=(artist or "").strip())

    def fingerprint(self) -> str:
        """Names the order and filter set a cursor belongs to (stored in the cursor)."""
        text = json.dumps([self.sort, self.q, self.genre, self.style, self.artist])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def narrow(self, query: Select[Cover]) -> Select[Cover]:
        if self.genre:
            query = query.where(Cover.genre == self.genre)
        if self.style:
            query = query.where(Cover.style == self.style)
        if self.q or self.artist:
            query = query.join(BriefRow, BriefRow.id == Cover.brief_id)
        if self.q:
            # A bound parameter with LIKE's % and _ escaped: the text is matched, never parsed.
            query = query.where(or_(BriefRow.title.icontains(self.q, autoescape=True),
                                    BriefRow.artist.icontains(self.q, autoescape=True)))
        if self.artist:
            query = query.where(BriefRow.artist == self.artist)
        return query


def page_size(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit: must be 1 to {MAX_PAGE}")
    return limit


def gallery(services: Services, filters: Filters, cursor: str | None = None,
            limit: int = 24) -> Page:
    """Public covers in ``filters``' order."""
    query = select(Cover).where(Cover.is_public.is_(True))
    return _list(services, filters.narrow(query), filters, cursor, page_size(limit))


def my_covers(services: Services, user_id: str, filters: Filters, cursor: str | None = None,
              limit: int = 24) -> Page:
    """The user's own covers (public or not) in ``filters``' order."""
    query = select(Cover).where(Cover.user_id == user_id)
    return _list(services, filters.narrow(query), filters, cursor, page_size(limit))


def _list(services: Services, query: Select[Cover], filters: Filters,
          cursor: str | None, limit: int) -> Page:
    order = _ORDERS[filters.sort]
    if cursor:
        query = query.where(order.after(_cursor_values(services, cursor, filters, order)))
    query = query.order_by(*(column.desc() for column in order.columns)).limit(limit + 1)
    with transaction(services.sessions) as session:
        rows = list(session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = (services.cursors.encode([filters.fingerprint(), *order.key(rows[-1])])
                   if more else None)
    return Page(items=[cover_view(c) for c in rows], next_cursor=next_cursor)


@dataclass(frozen=True)
class _Order:
    """One sort order: its columns (each descending, the id last so the order is total), the
    cursor's values for a row, their JSON types, and the condition "after these values"."""

    columns: tuple[Any, ...]
    key: Callable[[Cover], list[Any]]
    types: tuple[type | tuple[type, ...], ...]
    parse: Callable[[list[Any]], tuple[Any, ...]]

    def after(self, values: list[Any]) -> Any:
        return tuple_(*self.columns) < tuple_(*self.parse(values))


def _parse_top(values: list[Any]) -> tuple[Any, ...]:
    avg, count, last_id = values
    if not 0 <= avg <= 5:  # a rating average
        raise Invalid(BAD_CURSOR)
    return float(avg), count, last_id


def _parse_new(values: list[Any]) -> tuple[Any, ...]:
    created, last_id = values
    try:
        when = datetime.fromisoformat(created)
    except ValueError as exc:
        raise Invalid(BAD_CURSOR) from exc
    if when.tzinfo is None:
        raise Invalid(BAD_CURSOR)
    return when, last_id


_ORDERS: dict[Sort, _Order] = {
    "top": _Order(
        columns=(Cover.rating_avg, Cover.rating_count, Cover.id),
        key=lambda c: [c.rating_avg, c.rating_count, c.id],
        types=((int, float), int, str), parse=_parse_top),
    "new": _Order(
        columns=(Cover.created_at, Cover.id),
        key=lambda c: [c.created_at.isoformat(), c.id],
        types=(str, str), parse=_parse_new),
}


def _cursor_values(services: Services, cursor: str, filters: Filters,
                   order: _Order) -> list[Any]:
    """A cursor's values, each in the range its column can hold (a cursor is signed, but the
    database must never see a value it cannot compare, whatever signed it)."""
    # The fingerprint is read first: a cursor of the other sort has other types after it.
    head = services.cursors.decode_head(cursor)
    if head != filters.fingerprint():
        raise Invalid(OTHER_CURSOR)
    values = services.cursors.decode(cursor, (str, *order.types))[1:]
    for value in values:
        if isinstance(value, float) and not math.isfinite(value):
            raise Invalid(BAD_CURSOR)
        if isinstance(value, int) and not 0 <= value <= MAX_INT:
            raise Invalid(BAD_CURSOR)
        if isinstance(value, str) and not (0 < len(value) <= 64 and value.isascii()
                                           and value.isprintable()):
            raise Invalid(BAD_CURSOR)
    return values
