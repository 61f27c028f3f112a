"""The two calculators behind ``POST /api/v1/calculations/*`` and the calculator page.

This module only checks and converts the input and picks the base salary in force; the law
itself lives in the pure functions of ``workflows/law/compensation.py`` (employer compensation,
Law 84/2015 Art. 38(4)-(5); insurance benefit, Art. 48, 49, 52, 53). Input is taken as parsed
JSON: numbers must be JSON numbers, flags JSON booleans and ``on_date`` an ISO date (the web
form converts its text fields before calling). Every problem is collected per field and raised
together as ``ValidationFailed`` (422); nothing here touches the database except reading the
rules table (``load_rulebook``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from app.errors import ValidationFailed
from app.i18n import N_
from app.services.rulebook import load_rulebook
from workflows.law.compensation import compensation, insurance_benefit
from workflows.law.rules import RuleBook

REQUIRED = N_("Bắt buộc nhập.")
BAD_PERCENT = N_("Tỷ lệ suy giảm khả năng lao động phải là số từ 0 đến 100.")
BAD_WAGE = N_("Tiền lương phải là số nguyên đồng, lớn hơn 0.")
BAD_YEARS = N_("Số năm đóng bảo hiểm phải là số nguyên từ 0 đến 60.")
BAD_BOOL = N_("Phải là true hoặc false.")
BAD_DATE = N_("Ngày không hợp lệ (YYYY-MM-DD).")
# A wage above this (VND per month) is a typing slip, not a salary; it also keeps the
# arithmetic well inside a PostgreSQL BIGINT.
MAX_WAGE_VND = 10_000_000_000
MAX_YEARS = 60


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)


def _flag(body: Mapping[str, Any], name: str, errors: _Errors) -> bool:
    """An optional JSON boolean, false when absent or null."""
    value = body.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        errors.add(name, BAD_BOOL)
        return False
    return value


def _percent(body: Mapping[str, Any], death: bool, errors: _Errors) -> int | float | None:
    """The loss of working capacity; may be left out only for a death."""
    value = body.get("capacity_loss_pct")
    if value is None:
        if not death:
            errors.add("capacity_loss_pct", REQUIRED)
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.add("capacity_loss_pct", BAD_PERCENT)
        return None
    if not math.isfinite(value) or not 0 <= value <= 100:
        errors.add("capacity_loss_pct", BAD_PERCENT)
        return None
    return int(value) if float(value).is_integer() else value


def _whole(value: Any) -> int | None:
    """A JSON integer (``10000000`` or ``10000000.0``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def _wage(body: Mapping[str, Any], name: str, errors: _Errors) -> int | None:
    value = body.get(name)
    if value is None:
        errors.add(name, REQUIRED)
        return None
    wage = _whole(value)
    if wage is None or wage <= 0:
        errors.add(name, BAD_WAGE)
        return None
    if wage > MAX_WAGE_VND:
        limit = f"{MAX_WAGE_VND:,}".replace(",", ".")
        errors.add(name, N_("Tiền lương không được vượt quá %(amount)s đồng.", amount=limit))
        return None
    return wage


def _years(body: Mapping[str, Any], errors: _Errors) -> int | None:
    value = body.get("contribution_years")
    if value is None:
        errors.add("contribution_years", REQUIRED)
        return None
    years = _whole(value)
    if years is None or not 0 <= years <= MAX_YEARS:
        errors.add("contribution_years", BAD_YEARS)
        return None
    return years


def _on_date(body: Mapping[str, Any], errors: _Errors) -> date | None:
    value = body.get("on_date")
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.add("on_date", REQUIRED)
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors.add("on_date", BAD_DATE)
    return None


def _body(raw: Any) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ValidationFailed({"body": [N_("Nội dung phải là một đối tượng JSON.")]})
    return raw


def _months(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def compensation_quote(raw: Any) -> dict[str, Any]:
    """The employer's minimum compensation (or 40 % allowance) for one worker.

    ``raw``: ``capacity_loss_pct`` (0-100; may be omitted for a death), ``monthly_wage_vnd``
    (the 6-month average wage, whole VND > 0), optional ``death`` and ``worker_at_fault``
    (booleans, default false). Returns the contract's ``{"eligible", "months", "amount_vnd",
    "basis"}``.

    :raises ValidationFailed: with an error list per field.
    """
    body = _body(raw)
    errors = _Errors()
    death = _flag(body, "death", errors)
    at_fault = _flag(body, "worker_at_fault", errors)
    pct = _percent(body, death, errors)
    wage = _wage(body, "monthly_wage_vnd", errors)
    if errors:
        raise ValidationFailed(dict(errors))
    result = compensation(pct, wage, death, at_fault)
    return {
        "eligible": result.eligible,
        "months": _months(result.months),
        "amount_vnd": result.amount_vnd,
        "basis": result.basis,
    }


def base_salary_on(rules: RuleBook, on: date) -> int:
    """The base salary in force on ``on``.

    :raises ValidationFailed: on ``on_date`` when no base salary was in force yet.
    """
    try:
        return rules.base_salary(on)
    except LookupError:
        first = rules.history("base_salary_vnd")[0][0]
        raise ValidationFailed(
            {
                "on_date": [
                    N_(
                        "Chưa có mức lương cơ sở áp dụng vào ngày này "
                        "(bảng quy định bắt đầu từ %(day)s).",
                        day=first.strftime("%d/%m/%Y"),
                    )
                ]
            }
        ) from None


def insurance_quote(raw: Any, rules: RuleBook | None = None) -> dict[str, Any]:
    """The social-insurance benefit with the base salary in force on ``on_date``.

    ``raw``: ``capacity_loss_pct`` (0-100; may be omitted for a death), ``insured_wage_vnd``
    (whole VND > 0), ``contribution_years`` (whole years 0-60; a year or less counts as one),
    ``on_date`` (ISO date: the accident day, or the day of death), optional ``death`` and
    ``serving_allowance`` (Art. 52; only with 81 % or more). The base salary comes from the
    rules table (defaults plus the administrator's dated rows). Returns the contract's
    ``{"eligible", "kind", "amount_vnd", "base_salary_vnd", "basis"}`` plus ``on_date`` and
    the parts ``lump_sum_part_vnd``, ``seniority_part_vnd``, ``serving_allowance_vnd``.

    :raises ValidationFailed: with an error list per field.
    """
    body = _body(raw)
    errors = _Errors()
    death = _flag(body, "death", errors)
    serving = _flag(body, "serving_allowance", errors)
    pct = _percent(body, death, errors)
    wage = _wage(body, "insured_wage_vnd", errors)
    years = _years(body, errors)
    on = _on_date(body, errors)
    if serving and not errors and (death or pct < 81):
        errors.add(
            "serving_allowance",
            N_(
                "Trợ cấp phục vụ chỉ áp dụng khi suy giảm khả năng lao động từ 81% trở lên "
                "(Luật ATVSLĐ Điều 52)."
            ),
        )
    if errors:
        raise ValidationFailed(dict(errors))
    base = base_salary_on(rules or load_rulebook(), on)
    result = insurance_benefit(pct, wage, years, death, base, serving_allowance=serving)
    return {
        "eligible": result.eligible,
        "kind": result.kind,
        "amount_vnd": result.amount_vnd,
        "base_salary_vnd": result.base_salary_vnd,
        "basis": result.basis,
        "on_date": on.isoformat(),
        "lump_sum_part_vnd": result.lump_sum_part_vnd,
        "seniority_part_vnd": result.seniority_part_vnd,
        "serving_allowance_vnd": result.serving_allowance_vnd,
    }
