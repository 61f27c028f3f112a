"""The rules in force: defaults from ``workflows/law/rules.py`` plus the administrator's rows."""

from __future__ import annotations

from sqlalchemy import String, literal, null, select, union_all

from app.extensions import db
from app.models import HolidayAdjustment, RuleValue
from workflows.law.rules import RuleBook

# The administrator's dated rule values and holiday adjustments in one round trip (every
# transition and every page that asks the engine reads them): (table, key or change, day,
# value). Built once.
_ROWS = union_all(
    select(
        literal("rule").label("source"),
        RuleValue.key.label("name"),
        RuleValue.valid_from.label("day"),
        RuleValue.value.label("value"),
    ),
    select(
        literal("holiday"),
        HolidayAdjustment.change,
        HolidayAdjustment.day,
        null().cast(String),
    ),
)


def _coerce(value: str) -> int | str:
    text = value.strip()
    return int(text) if text.lstrip("-").isdigit() else text


def load_rulebook() -> RuleBook:
    """A RuleBook over the defaults with every dated row and holiday adjustment applied."""
    rules, added, removed = [], set(), set()
    for source, name, day, value in db.session.execute(_ROWS):
        if source == "rule":
            rules.append((name, day, _coerce(value)))
        elif name == "added":
            added.add(day)
        elif name == "removed":
            removed.add(day)
    return RuleBook.with_rows(
        rules, holidays_added=frozenset(added), holidays_removed=frozenset(removed)
    )
