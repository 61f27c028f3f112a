"""The administrator's rules tables: dated legal values and holiday adjustments.

Law 84/2015 and its decrees change numbers on fixed dates (the base salary above all), and
law.md marks several values UNVERIFIED; workflows.md asks for those to be data an administrator
can change. Defaults live in ``workflows/law/rules.py``; the administrator adds dated rows
(``RuleValue``) and calendar adjustments (``HolidayAdjustment``), and ``load_rulebook()`` merges
them, so every calculation and every deadline computed afterwards uses the value in force on its
own date. Each change here is one transaction, with its security-audit event (who, which rule
or day, the values) in the same transaction. Rows already in force are never deleted (past
computations relied on them); a row dated in the future may be withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.clock import now, to_local
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.i18n import N_, localize
from app.models import HolidayAdjustment, RuleValue
from app.services.rulebook import load_rulebook
from app.services.security_audit import record
from app.services.unit_of_work import unit_of_work
from workflows.inputs import is_digits
from workflows.law.calendar import is_working_day
from workflows.law.rules import DEFAULT_RULES, RULE_CHOICES, RULE_DESCRIPTIONS

HOLIDAY_CHANGES = {
    "added": _l("Ngày nghỉ bổ sung"),
    "removed": _l("Ngày làm việc bù"),
}
# Sanity bounds: a value beyond these is a typing slip, not a law.
MAX_VALUE = 1_000_000_000
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)


def today_vn() -> date:
    return to_local(now()).date()


@dataclass(frozen=True)
class HistoryRow:
    valid_from: date
    value: Any
    source: str
    origin: str  # "default" (in the code) or "admin" (a database row)
    in_force: bool
    replaced: bool = False  # a default overridden by an administrator's row of the same day
    row_id: int | None = None
    withdrawable: bool = False


@dataclass(frozen=True)
class RuleRow:
    key: str
    label: str
    basis: str
    current: Any
    history: tuple[HistoryRow, ...]

    @property
    def is_money(self) -> bool:
        return self.key.endswith("_vnd")


def is_numeric(key: str) -> bool:
    """A key whose defaults are integers takes only positive whole numbers."""
    return all(isinstance(value, int) for _, value in DEFAULT_RULES.get(key, ()))


def _history(key: str, rows: list[RuleValue], today: date, current_from: date | None):
    by_day = {row.valid_from: row for row in rows}
    default_basis = localize(RULE_DESCRIPTIONS.get(key, ("", ""))[1])
    items: list[HistoryRow] = []
    for valid_from, value in DEFAULT_RULES[key]:
        replaced = valid_from in by_day
        items.append(
            HistoryRow(
                valid_from,
                value,
                default_basis,
                "default",
                in_force=not replaced and valid_from == current_from,
                replaced=replaced,
            )
        )
    for row in rows:
        items.append(
            HistoryRow(
                row.valid_from,
                _typed(key, row.value),
                row.source,
                "admin",
                in_force=row.valid_from == current_from,
                row_id=row.id,
                withdrawable=row.valid_from > today,
            )
        )
    return tuple(sorted(items, key=lambda item: (item.valid_from, item.origin == "admin")))


def _typed(key: str, value: str) -> Any:
    return int(value) if is_numeric(key) and value.strip().lstrip("-").isdigit() else value


def rules_overview(today: date | None = None) -> list[RuleRow]:
    """Every rule key with its label, legal basis, dated history and the value in force today.

    Reads only.
    """
    today = today or today_vn()
    book = load_rulebook()
    rows = db.session.scalars(select(RuleValue).order_by(RuleValue.key, RuleValue.valid_from))
    by_key: dict[str, list[RuleValue]] = {}
    for row in rows:
        by_key.setdefault(row.key, []).append(row)
    result = []
    for key in DEFAULT_RULES:
        label, basis = (localize(text) for text in RULE_DESCRIPTIONS.get(key, (key, "")))
        try:
            current = book.get(key, today)
        except LookupError:
            current = None
        past = [valid_from for valid_from, _ in book.history(key) if valid_from <= today]
        history = _history(key, by_key.get(key, []), today, max(past) if past else None)
        result.append(RuleRow(key, label, basis, current, history))
    return result


def holiday_adjustments() -> list[HolidayAdjustment]:
    """The administrator's calendar adjustments, by day. Reads only."""
    return list(db.session.scalars(select(HolidayAdjustment).order_by(HolidayAdjustment.day)))


def _check_day(day: Any, name: str, errors: dict, missing: str) -> date | None:
    if not isinstance(day, date):
        errors[name] = [missing]
        return None
    if not EARLIEST <= day <= LATEST:
        errors[name] = [
            N_(
                "Ngày phải trong khoảng năm %(start)s–%(end)s.",
                start=EARLIEST.year,
                end=LATEST.year,
            )
        ]
        return None
    return day


def _clean_text(value: Any, name: str, errors: dict, *, limit: int, required: bool) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        errors.setdefault(name, []).append(N_("Bắt buộc nhập."))
    if len(text) > limit:
        errors.setdefault(name, []).append(N_("Tối đa %(n)s ký tự.", n=limit))
    return text


def _rule_value(key: str, value: Any, errors: dict) -> str:
    text = str(value).strip() if value is not None else ""
    if not text:
        errors.setdefault("value", []).append(N_("Bắt buộc nhập."))
        return ""
    if is_numeric(key):
        digits = text.replace(".", "").replace(" ", "") if key.endswith("_vnd") else text
        if not is_digits(digits) or int(digits) <= 0:
            errors.setdefault("value", []).append(N_("Giá trị phải là số nguyên dương."))
            return ""
        if int(digits) > MAX_VALUE:
            errors.setdefault("value", []).append(N_("Giá trị quá lớn."))
            return ""
        return str(int(digits))
    if key in RULE_CHOICES and text not in RULE_CHOICES[key]:
        errors.setdefault("value", []).append(
            N_("Chỉ nhận một trong: %(values)s.", values=", ".join(RULE_CHOICES[key]))
        )
        return ""
    if len(text) > 100:
        errors.setdefault("value", []).append(N_("Tối đa %(n)s ký tự.", n=100))
    return text


def add_rule_value(user, key: Any, valid_from: Any, value: Any, source: Any) -> RuleValue:
    """Add a dated value of rule ``key`` (e.g. a new base salary from a future day).

    Allowed: a known key; a positive whole number for numeric keys; a day not already used by
    another administrator's row of the same key. A row on the same day as a built-in default
    replaces that default (how an UNVERIFIED value is corrected). One transaction.

    :raises ValidationFailed: field errors keyed ``key``, ``valid_from``, ``value``, ``source``.
    """
    errors: dict[str, list[str]] = {}
    if not isinstance(key, str) or key not in DEFAULT_RULES:
        errors["key"] = [N_("Quy định không tồn tại.")]
    day = _check_day(
        valid_from, "valid_from", errors, N_("Bắt buộc nhập ngày áp dụng (ngày/tháng/năm).")
    )
    clean_value = _rule_value(key, value, errors) if "key" not in errors else ""
    clean_source = _clean_text(source, "source", errors, limit=300, required=True)
    if not errors:
        taken = db.session.scalar(
            select(RuleValue.id).where(RuleValue.key == key, RuleValue.valid_from == day)
        )
        if taken is not None:
            errors["valid_from"] = [
                N_(
                    "Đã có giá trị của quy định này áp dụng từ ngày %(day)s.",
                    day=day.strftime("%d/%m/%Y"),
                )
            ]
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        row = RuleValue(key=key, valid_from=day, value=clean_value, source=clean_source)
        db.session.add(row)
        record(
            "rules.value_added",
            actor=user,
            target_type="rule",
            target=f"{key} {day.isoformat()}",
            after={"key": key, "valid_from": day, "value": clean_value, "source": clean_source},
        )
    return row


def withdraw_rule_value(user, row_id: int) -> None:
    """Delete an administrator's row that is not in force yet. One transaction.

    :raises NotFound: no such row. :raises ValidationFailed: the row is already in force.
    """
    with unit_of_work():
        row = db.session.get(RuleValue, row_id)
        if row is None:
            raise NotFound(N_("Không tìm thấy giá trị này."))
        if row.valid_from <= today_vn():
            raise ValidationFailed(
                {
                    "row": [
                        N_("Giá trị đã có hiệu lực; chỉ rút được giá trị áp dụng trong tương lai.")
                    ]
                }
            )
        db.session.delete(row)
        record(
            "rules.value_withdrawn",
            actor=user,
            target_type="rule",
            target=f"{row.key} {row.valid_from.isoformat()}",
            before={
                "key": row.key,
                "valid_from": row.valid_from,
                "value": row.value,
                "source": row.source,
            },
        )


def add_holiday(user, day: Any, change: Any, note: Any) -> HolidayAdjustment:
    """Add a day off the calendar library does not know (``added``) or a make-up working day
    (``removed``), with a note (e.g. the government's announcement). One transaction.

    :raises ValidationFailed: field errors keyed ``day``, ``change``, ``note``.
    """
    errors: dict[str, list[str]] = {}
    clean_day = _check_day(day, "day", errors, N_("Bắt buộc nhập ngày (ngày/tháng/năm)."))
    if change not in HOLIDAY_CHANGES:
        errors["change"] = [N_("Chọn ngày nghỉ bổ sung hoặc ngày làm việc bù.")]
    clean_note = _clean_text(note, "note", errors, limit=300, required=True)
    if not errors:
        shown = f"{clean_day:%d/%m/%Y}"
        if db.session.scalar(
            select(HolidayAdjustment.id).where(HolidayAdjustment.day == clean_day)
        ):
            errors["day"] = [N_("Ngày %(day)s đã được điều chỉnh.", day=shown)]
        elif change == "added" and not is_working_day(clean_day):
            errors["day"] = [N_("Ngày %(day)s vốn đã là ngày nghỉ.", day=shown)]
        elif change == "removed" and is_working_day(clean_day):
            errors["day"] = [N_("Ngày %(day)s vốn đã là ngày làm việc.", day=shown)]
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        row = HolidayAdjustment(day=clean_day, change=change, note=clean_note)
        db.session.add(row)
        record(
            "rules.holiday_added",
            actor=user,
            target_type="holiday",
            target=clean_day.isoformat(),
            after={"day": clean_day, "change": change, "note": clean_note},
        )
    return row


def withdraw_holiday(user, row_id: int) -> None:
    """Delete a calendar adjustment of a future day. One transaction.

    :raises NotFound: no such row. :raises ValidationFailed: the day is today or past.
    """
    with unit_of_work():
        row = db.session.get(HolidayAdjustment, row_id)
        if row is None:
            raise NotFound(N_("Không tìm thấy ngày điều chỉnh này."))
        if row.day <= today_vn():
            raise ValidationFailed(
                {"row": [N_("Chỉ rút được điều chỉnh của ngày trong tương lai.")]}
            )
        db.session.delete(row)
        record(
            "rules.holiday_withdrawn",
            actor=user,
            target_type="holiday",
            target=row.day.isoformat(),
            before={"day": row.day, "change": row.change, "note": row.note},
        )
