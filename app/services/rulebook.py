"""The rules in force: defaults from ``workflows/law/rules.py`` plus the administrator's rows."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import HolidayAdjustment, RuleValue
from workflows.law.rules import RuleBook


def _coerce(value: str) -> int | str:
    text = value.strip()
    return int(text) if text.lstrip("-").isdigit() else text


def load_rulebook() -> RuleBook:
    """A RuleBook over the defaults with every dated row and holiday adjustment applied."""
    rows = db.session.execute(select(RuleValue.key, RuleValue.valid_from, RuleValue.value)).all()
    adjustments = db.session.execute(select(HolidayAdjustment.day, HolidayAdjustment.change)).all()
    return RuleBook.with_rows(
        [(key, valid_from, _coerce(value)) for key, valid_from, value in rows],
        holidays_added=frozenset(day for day, change in adjustments if change == "added"),
        holidays_removed=frozenset(day for day, change in adjustments if change == "removed"),
    )
