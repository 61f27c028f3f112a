"""Rules tables an administrator can extend: dated legal values and holiday adjustments.

Values the law (or law.md's UNVERIFIED marks) may change — the base salary, the
investigation limits, payment windows — live here as dated rows over the defaults in
``workflows/law/rules.py``; the value in force on the relevant date is used.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.mixins import TimestampMixin


class RuleValue(TimestampMixin, db.Model):
    __tablename__ = "rule_value"
    __table_args__ = (UniqueConstraint("key", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60))
    valid_from: Mapped[date] = mapped_column()
    value: Mapped[str] = mapped_column(String(100))
    # Legal basis of this value (decree, circular) as the administrator entered it.
    source: Mapped[str] = mapped_column(String(300), default="")


class HolidayAdjustment(TimestampMixin, db.Model):
    """A day off the library does not know (added) or a make-up working day (removed)."""

    __tablename__ = "holiday_adjustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    # "added": not a working day; "removed": a working day despite the calendar.
    change: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(300), default="")
