"""The one place that reads the clock, so tests can freeze time.

All times in SafeCase are timezone-aware. Stored times are UTC; pages show them in
Vietnam time (UTC+7) as dd/mm/yyyy.
"""

from __future__ import annotations

from datetime import UTC, datetime

from workflows.law.calendar import VN_TZ

_frozen: datetime | None = None


def now() -> datetime:
    """The current time, aware, in UTC (or the frozen time in tests)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def freeze(at: datetime | None) -> None:
    """Freeze ``now()`` at ``at`` (aware) or unfreeze with None. For tests and ``--as-of``."""
    global _frozen
    if at is not None and at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = at.astimezone(UTC) if at is not None else None


def as_utc(value: datetime | None) -> datetime | None:
    """Make a datetime read back from SQLite (naive, stored as UTC) aware again."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_local(value: datetime | None) -> datetime | None:
    """A stored time in Vietnam local time, for display."""
    value = as_utc(value)
    return value.astimezone(VN_TZ) if value is not None else None
