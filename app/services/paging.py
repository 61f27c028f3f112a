"""Paging every list the same way (issue #14): keyset cursors and a count capped when dear.

**Cursors.** A list ordered by a sort key (cases: ``(declared_at, id)`` newest first; the
inbox: ``(undated, due_at, id)`` soonest first…) continues after the last row it showed with
``WHERE key < last`` (or ``>``) instead of ``OFFSET``: every page costs what the first does,
and a row added before the cursor (a newly declared case in a newest-first list) does not
shift the later pages, so a walk returns each row once. The cursor handed out is opaque and
signed with ``SECRET_KEY`` (itsdangerous), naming its list: a cursor edited by hand, cut short
or taken from another list is refused (``ValidationFailed`` under ``cursor``: 422 in the API,
a message on the page), never a 500.

**Counts.** Counting every matching row costs as much as reading them (120–200 ms at 10⁶
cases). :func:`capped_count` counts at most ``COUNT_CAP + 1`` rows (a ``LIMIT`` subquery
over the same index as the page): exact up to ``COUNT_CAP``, else "more than ``COUNT_CAP``".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import Select, func, literal_column, select

from app.clock import as_utc
from app.errors import ValidationFailed
from app.extensions import db
from app.i18n import N_

# Beyond this many rows a list says "more than 10,000" instead of counting them all.
COUNT_CAP = 10_000
# The API's per_page bounds and default (contract.md "Lists and paging").
PER_PAGE_DEFAULT = 20
PER_PAGE_MAX = 100
# A cursor longer than this is not one of ours (and is not worth verifying).
CURSOR_MAX_CHARS = 300

BAD_CURSOR = N_("Con trỏ trang không hợp lệ.")


@dataclass(frozen=True)
class Count:
    """How many rows a list has: ``total`` exact, or ``COUNT_CAP`` when ``capped`` (more)."""

    total: int
    capped: bool

    def pages(self, per_page: int) -> int:
        """Pages of ``per_page`` rows (when capped: the pages up to the cap, a lower bound)."""
        return max(1, math.ceil(self.total / per_page))


def capped_count(query: Select, cap: int | None = None) -> Count:
    """The rows of ``query`` (a SELECT with its WHERE; columns and order are ignored), counted
    up to ``cap + 1`` (default ``COUNT_CAP``): one statement, reading at most ``cap + 1``
    index entries."""
    cap = COUNT_CAP if cap is None else cap
    return count_of(db.session.scalar(_capped_count_select(query, cap)) or 0, cap)


def capped_count_column(query: Select, cap: int | None = None, limit=None):
    """:func:`capped_count`'s statement as a scalar subquery, to ride as a column of the
    page's own statement (PostgreSQL runs an uncorrelated subquery once: one round trip for
    the page and its count); read it back with :func:`count_of`. ``limit``: the rows read,
    ``cap + 1``, as a bound parameter of the caller's (a prepared statement's)."""
    cap = COUNT_CAP if cap is None else cap
    return _capped_count_select(query, cap, limit).scalar_subquery()


def capped_count_statement(query: Select, limit) -> Select:
    """:func:`capped_count`'s statement reading ``limit`` rows (``cap + 1``, a bound parameter
    of a prepared statement's: ``app.services.prepared``); read it back with :func:`count_of`."""
    return _capped_count_select(query, 0, limit)


def _capped_count_select(query: Select, cap: int, limit=None) -> Select:
    # maintain_column_froms: a WHERE that names no table (the inspector's ``true``) must not
    # lose the FROM of the columns replaced.
    limited = (
        query.with_only_columns(literal_column("1"), maintain_column_froms=True)
        .order_by(None)
        .limit(cap + 1 if limit is None else limit)
    )
    return select(func.count()).select_from(limited.subquery())


def count_of(found: int, cap: int | None = None) -> Count:
    """The :class:`Count` of ``found`` rows counted up to ``cap + 1``."""
    cap = COUNT_CAP if cap is None else cap
    return Count(total=min(found, cap), capped=found > cap)


def _serializer(list_name: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"safecase.cursor.{list_name}")


def encode_cursor(list_name: str, key: tuple[Any, ...]) -> str:
    """An opaque, signed cursor naming ``list_name`` and the last row's sort ``key`` (values
    None, bool, int or aware datetime)."""
    values = [
        {"t": as_utc(value).isoformat()} if isinstance(value, datetime) else value for value in key
    ]
    return _serializer(list_name).dumps(values)


def decode_cursor(list_name: str, cursor: str, shape: tuple[type, ...]) -> tuple[Any, ...]:
    """The sort key a cursor of ``list_name`` carries, each value of the type in ``shape``
    (``datetime`` may also be None when the list's key allows it: the caller checks).

    :raises ValidationFailed: under ``cursor`` — not signed by us, another list's, or not the
        shape expected.
    """
    bad = ValidationFailed({"cursor": [BAD_CURSOR]})
    if len(cursor) > CURSOR_MAX_CHARS:
        raise bad
    try:
        values = _serializer(list_name).loads(cursor)
    except BadData:
        raise bad from None
    if not isinstance(values, list) or len(values) != len(shape):
        raise bad
    key: list[Any] = []
    for value, kind in zip(values, shape, strict=True):
        if kind is datetime:
            if value is None:
                key.append(None)
                continue
            try:
                moment = datetime.fromisoformat(value["t"])
            except (TypeError, KeyError, ValueError):
                raise bad from None
            if moment.tzinfo is None:
                raise bad
            key.append(moment)
        elif kind is int:
            if type(value) is not int or not 0 <= value <= 2**63 - 1:
                raise bad
            key.append(value)
        elif kind is bool:
            if type(value) is not bool:
                raise bad
            key.append(value)
        else:  # pragma: no cover - a shape is written in code
            raise TypeError(kind)
    return tuple(key)


def check_per_page(per_page: int) -> None:
    """:raises ValidationFailed: ``per_page`` outside 1..``PER_PAGE_MAX``."""
    if not 1 <= per_page <= PER_PAGE_MAX:
        raise ValidationFailed({"per_page": [N_("per_page phải từ 1 đến 100.")]})
