"""The two calculators behind ``POST /api/v1/calculations/*`` and the calculator page.

This module only checks and converts the input and picks the base salary in force; the law
itself lives in the pure functions of ``workflows/law/compensation.py`` (employer compensation,
Law 84/2015 Art. 38(4)-(5), 39(1); insurance benefit, Art. 48, 49, 52, 53) and
``workflows/law/benefits.py`` (the Art. 50 start month, convalescence Art. 54, assistive devices
Art. 51, retraining Art. 55, the lump sum on settling abroad Art. 49). Input is taken
as parsed JSON: numbers must be JSON numbers, flags JSON booleans and dates ISO dates (the web
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
from workflows.inputs import MAX_AMOUNT_VND, MAX_WAGE_VND, day_in_range, day_out_of_range
from workflows.law.benefits import (
    MonthlyBenefit,
    assistive_device,
    benefit_start_month,
    convalescence,
    insurance_benefit_from,
    retraining_support,
    settling_abroad_lump_sum,
)
from workflows.law.compensation import (
    ACCIDENT_TYPES,
    compensation,
    employer_top_up,
    insurance_benefit,
)
from workflows.law.rules import RuleBook

REQUIRED = N_("Bắt buộc nhập.")
BAD_PERCENT = N_("Tỷ lệ suy giảm khả năng lao động phải là số từ 0 đến 100.")
BAD_WAGE = N_("Tiền lương phải là số nguyên đồng, lớn hơn 0.")
BAD_YEARS = N_("Số năm đóng bảo hiểm phải là số nguyên từ 0 đến 60.")
BAD_BOOL = N_("Phải là true hoặc false.")
BAD_DATE = N_("Ngày không hợp lệ (YYYY-MM-DD).")
BAD_AMOUNT = N_("Số tiền phải là số nguyên đồng, không âm.")
ONLY_LIVING = N_("Chỉ áp dụng cho người lao động còn sống; bỏ mục này khi tính trợ cấp chết.")
BAD_ACCIDENT_TYPE = N_(
    "Loại tai nạn phải là at_work (tại nơi làm việc) hoặc commuting (trên đường đi và về)."
)
# The caps of a wage and of any other amount (insurer's payment, device cost and cap,
# tuition) are the ones every input shares (``workflows.inputs``: a victim's declared wage is
# capped like the calculator's).
MAX_YEARS = 60
# The optional Law 84/2015 Art. 50 inputs of the insurance calculator.
_ART50_FIELDS = ("treatment_ended_on", "outpatient", "council_concluded_on")
# The optional claim items of the insurance calculator (Art. 51, 55, 49).
_ITEM_FIELDS = ("device_cost_vnd", "device_cap_vnd", "tuition_vnd", "settling_abroad")


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)


def _given(value: Any) -> bool:
    """Whether an optional input was given: not absent, null, false or blank text."""
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None and value is not False


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


def _vnd(value: Any, name: str, errors: _Errors, *, low: int, high: int, bad, too_big):
    """A whole-VND amount (int) from ``low`` to ``high`` — one place for the bounds of every
    amount the calculators take — or None with an error on ``name``; ``too_big(limit_text)``
    gives the message for an amount above ``high``."""
    amount = _whole(value)
    if amount is None or amount < low:
        errors.add(name, bad)
        return None
    if amount > high:
        errors.add(name, too_big(f"{high:,}".replace(",", ".")))
        return None
    return amount


def _wage(body: Mapping[str, Any], name: str, errors: _Errors) -> int | None:
    value = body.get(name)
    if value is None:
        errors.add(name, REQUIRED)
        return None
    return _vnd(
        value, name, errors, low=1, high=MAX_WAGE_VND, bad=BAD_WAGE,
        too_big=lambda limit: N_("Tiền lương không được vượt quá %(amount)s đồng.", amount=limit),
    )  # fmt: skip


def _amount(body: Mapping[str, Any], name: str, errors: _Errors) -> int | None:
    """An optional amount of whole VND, 0 or more; None when absent."""
    value = body.get(name)
    if value is None:
        return None
    return _vnd(
        value, name, errors, low=0, high=MAX_AMOUNT_VND, bad=BAD_AMOUNT,
        too_big=lambda limit: N_("Số tiền không được vượt quá %(amount)s đồng.", amount=limit),
    )  # fmt: skip


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


def _date(
    body: Mapping[str, Any], name: str, errors: _Errors, *, required: bool = True
) -> date | None:
    """An ISO date (``"2026-05-10"``); absent or blank is an error only when ``required``."""
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(name, REQUIRED)
        return None
    day = value if isinstance(value, date) else None
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            pass
    if day is None:
        errors.add(name, BAD_DATE)
    elif not day_in_range(day):
        errors.add(name, day_out_of_range())
        day = None
    return day


def _accident_type(body: Mapping[str, Any], errors: _Errors) -> str:
    value = body.get("accident_type")
    if value is None:
        return "at_work"
    if value not in ACCIDENT_TYPES:
        errors.add("accident_type", BAD_ACCIDENT_TYPE)
        return "at_work"
    return value


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
    (booleans, default false), ``accident_type`` (``"at_work"``, the default, or
    ``"commuting"``) and ``third_party`` (boolean: a third party or an unknown person caused
    it; a commuting accident is then owed the Art. 39(1) allowance of 40 %) and
    ``insurer_paid_vnd`` (whole VND ≥ 0: what a commercial accident insurer already paid).
    Returns the contract's ``{"eligible", "months", "amount_vnd", "basis"}``, plus, when
    ``insurer_paid_vnd`` is given, ``top_up``: ``{"amount_vnd", "basis"}``, what the employer
    still owes so the worker gets at least the minimum (Art. 39(2)).

    :raises ValidationFailed: with an error list per field.
    """
    body = _body(raw)
    errors = _Errors()
    death = _flag(body, "death", errors)
    at_fault = _flag(body, "worker_at_fault", errors)
    third_party = _flag(body, "third_party", errors)
    accident_type = _accident_type(body, errors)
    pct = _percent(body, death, errors)
    wage = _wage(body, "monthly_wage_vnd", errors)
    insurer_paid = _amount(body, "insurer_paid_vnd", errors)
    if third_party and at_fault:
        errors.add(
            "third_party",
            N_(
                "Tai nạn do người khác gây ra thì không thể hoàn toàn do lỗi của người lao "
                "động; chỉ chọn một trong hai."
            ),
        )
    if errors:
        raise ValidationFailed(dict(errors))
    result = compensation(
        pct, wage, death, at_fault, accident_type=accident_type, third_party=third_party
    )
    answer: dict[str, Any] = {
        "eligible": result.eligible,
        "months": _months(result.months),
        "amount_vnd": result.amount_vnd,
        "basis": result.basis,
    }
    if insurer_paid is not None:
        answer["top_up"] = {
            "amount_vnd": employer_top_up(result.amount_vnd, insurer_paid),
            "basis": TOP_UP_BASIS,
        }
    return answer


TOP_UP_BASIS = (
    "Luật ATVSLĐ 84/2015 Điều 39 khoản 2: doanh nghiệp mua bảo hiểm tai nạn mà số tiền "
    "bảo hiểm chi trả thấp hơn mức bồi thường, trợ cấp tối thiểu thì người sử dụng lao động "
    "trả phần còn thiếu"
)


def base_salary_on(rules: RuleBook, on: date, field: str = "on_date") -> int:
    """The base salary in force on ``on``.

    :raises ValidationFailed: on ``field`` when no base salary was in force yet.
    """
    try:
        return rules.base_salary(on)
    except LookupError:
        first = rules.history("base_salary_vnd")[0][0]
        raise ValidationFailed(
            {
                field: [
                    N_(
                        "Chưa có mức lương cơ sở áp dụng vào ngày này "
                        "(bảng quy định bắt đầu từ %(day)s).",
                        day=first.strftime("%d/%m/%Y"),
                    )
                ]
            }
        ) from None


def _start_month(
    body: Mapping[str, Any], death: bool, on: date | None, errors: _Errors
) -> tuple[date, str, str] | None:
    """The Art. 50 start month when the body gives any of its inputs, else None.

    Returns ``(first day of the month, reason, the field that decided it)``.
    """
    ended = _date(body, "treatment_ended_on", errors, required=False)
    concluded = _date(body, "council_concluded_on", errors, required=False)
    outpatient = _flag(body, "outpatient", errors)
    if ended is None and concluded is None and not outpatient:
        return None
    if death:
        errors.add(
            "death",
            N_(
                "Trợ cấp khi chết tính theo mức lương cơ sở tháng người lao động chết (Luật "
                "ATVSLĐ Điều 53): bỏ ngày ra viện và ngày kết luận giám định, chỉ nhập ngày chết."
            ),
        )
        return None
    for name, day in (("treatment_ended_on", ended), ("council_concluded_on", concluded)):
        if day is not None and on is not None and day < on:
            errors.add(name, N_("Không được trước ngày bị tai nạn."))
    if errors:
        return None
    try:
        month, reason = benefit_start_month(
            treatment_ended_on=ended, outpatient=outpatient, council_concluded_on=concluded
        )
    except ValueError:
        errors.add(
            "council_concluded_on",
            N_(
                "Bắt buộc nhập khi điều trị ngoại trú hoặc không rõ ngày ra viện: trợ cấp hưởng "
                "từ tháng có kết luận giám định (Luật ATVSLĐ Điều 50 khoản 1)."
            ),
        )
        return None
    decided_by = (
        "council_concluded_on"
        if concluded is not None and month == concluded.replace(day=1)
        else "treatment_ended_on"
    )
    return month, reason, decided_by


def insurance_quote(raw: Any, rules: RuleBook | None = None) -> dict[str, Any]:
    """The social-insurance benefit with the base salary in force in the benefit's month.

    ``raw``: ``capacity_loss_pct`` (0-100; may be omitted for a death), ``insured_wage_vnd``
    (whole VND > 0), ``contribution_years`` (whole years 0-60; a year or less counts as one),
    ``on_date`` (ISO date: the accident day, or the day of death), optional ``death`` and
    ``serving_allowance`` (Art. 52; only with 81 % or more). Optional Art. 50 inputs:
    ``treatment_ended_on`` (ISO date of discharge or end of treatment), ``outpatient``
    (boolean) and ``council_concluded_on`` (ISO date); when a date is given or ``outpatient``
    is true, the base salary is the one in force in the benefit's start month (Law 84/2015
    Art. 50(1); Circular 28/2021 Art. 9(1)), ``on_date`` becomes optional and the answer adds
    ``start_month`` (``"YYYY-MM"``) and ``start_month_basis``; otherwise ``on_date`` decides,
    as before. A death always uses ``on_date``, the day of death (Art. 53). The base salary
    comes from the rules table (defaults plus the administrator's dated rows).

    Returns the contract's ``{"eligible", "kind", "amount_vnd", "base_salary_vnd", "basis"}``
    plus ``on_date`` (null when not given), the parts ``lump_sum_part_vnd``,
    ``seniority_part_vnd``, ``serving_allowance_vnd`` and, for a living eligible worker,
    ``convalescence``: ``{"max_days", "per_day_vnd", "max_amount_vnd", "basis"}`` (Art. 54).

    Optional claim items of a living worker, each answered in ``items`` (a list of
    ``{"item", "eligible", "amount_vnd", "cap_vnd", "basis"}`` in this order, only those
    asked): ``device_cost_vnd`` with ``device_cap_vnd`` (whole VND ≥ 0, both or neither; item
    ``"assistive_device"``, Art. 51: the cost up to the cap), ``tuition_vnd`` (whole VND ≥ 0)
    with an optional ``retraining_on`` (ISO date the support is decided, by default the start
    month or ``on_date``; item ``"retraining"``, Art. 55: at most 50 % of the tuition and 15
    base salaries in force that day) and ``settling_abroad`` (boolean; only for a monthly
    allowance; item ``"settling_abroad"``, Art. 49: 3 months of the allowance of the start
    month, ``cap_vnd`` the same sum).

    :raises ValidationFailed: with an error list per field.
    """
    body = _body(raw)
    errors = _Errors()
    death = _flag(body, "death", errors)
    serving = _flag(body, "serving_allowance", errors)
    pct = _percent(body, death, errors)
    wage = _wage(body, "insured_wage_vnd", errors)
    years = _years(body, errors)
    art50 = any(_given(body.get(name)) for name in _ART50_FIELDS)
    on = _date(body, "on_date", errors, required=death or not art50)
    start = _start_month(body, death, on, errors)
    asked = _items_asked(body, death, errors)
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
    rules = rules or load_rulebook()
    if start is None:
        base = base_salary_on(rules, on)
        result = insurance_benefit(pct, wage, years, death, base, serving_allowance=serving)
    else:
        base = base_salary_on(rules, start[0], start[2])
        result = insurance_benefit_from(
            capacity_loss_pct=pct,
            insured_wage_vnd=wage,
            contribution_years=years,
            start_month=start[0],
            rules=rules,
            serving_allowance=serving,
        )
    answer: dict[str, Any] = {
        "eligible": result.eligible,
        "kind": result.kind,
        "amount_vnd": result.amount_vnd,
        "base_salary_vnd": result.base_salary_vnd,
        "basis": result.basis,
        "on_date": on.isoformat() if on else None,
        "lump_sum_part_vnd": result.lump_sum_part_vnd,
        "seniority_part_vnd": result.seniority_part_vnd,
        "serving_allowance_vnd": result.serving_allowance_vnd,
    }
    if start is not None:
        answer["start_month"] = start[0].strftime("%Y-%m")
        answer["start_month_basis"] = start[1]
    if asked:
        month = start[0] if start is not None else on.replace(day=1)
        answer["items"] = _items(asked, result.kind, pct, wage, years, serving, month, rules)
    if result.eligible and not death:
        rest = convalescence(pct, base)
        answer["convalescence"] = {
            "max_days": rest.max_days,
            "per_day_vnd": rest.per_day_vnd,
            "max_amount_vnd": rest.max_amount_vnd,
            "basis": rest.basis,
        }
    return answer


def _items_asked(body: Mapping[str, Any], death: bool, errors: _Errors) -> dict[str, Any]:
    """The checked inputs of the Art. 51, 55 and 49 items that were asked for."""
    asked: dict[str, Any] = {}
    cost = _amount(body, "device_cost_vnd", errors)
    cap = _amount(body, "device_cap_vnd", errors)
    for name, other in (
        ("device_cost_vnd", "device_cap_vnd"),
        ("device_cap_vnd", "device_cost_vnd"),
    ):
        if body.get(name) is None and body.get(other) is not None:
            errors.add(
                name,
                N_(
                    "Nhập cả chi phí phương tiện trợ giúp và mức tối đa được chi trả cho phương "
                    "tiện đó (Luật ATVSLĐ Điều 51)."
                ),
            )
    if cost is not None and cap is not None:
        asked["assistive_device"] = (cost, cap)
    tuition = _amount(body, "tuition_vnd", errors)
    retraining_on = _date(body, "retraining_on", errors, required=False)
    if tuition is not None:
        asked["retraining"] = (tuition, retraining_on)
    elif retraining_on is not None:
        errors.add("tuition_vnd", REQUIRED)
    if _flag(body, "settling_abroad", errors):
        asked["settling_abroad"] = True
    if death:
        for name in (*_ITEM_FIELDS, "retraining_on"):
            if _given(body.get(name)):
                errors.add(name, ONLY_LIVING)
    return asked


def _items(
    asked: dict[str, Any],
    kind: str | None,
    pct: int | float,
    wage: int,
    years: int,
    serving: bool,
    month: date,
    rules: RuleBook,
) -> list[dict[str, Any]]:
    """The answers of the asked items (see ``insurance_quote``).

    :raises ValidationFailed: on ``settling_abroad`` for anything but a monthly allowance, or
        on ``retraining_on`` when no base salary was in force that day.
    """
    items = []
    if "assistive_device" in asked:
        items.append(("assistive_device", assistive_device(*asked["assistive_device"])))
    if "retraining" in asked:
        tuition, day = asked["retraining"]
        day = day or month
        base = base_salary_on(rules, day, "retraining_on")
        items.append(("retraining", retraining_support(tuition, base, on=day)))
    answers = [
        {
            "item": name,
            "eligible": item.eligible,
            "amount_vnd": item.amount_vnd,
            "cap_vnd": item.cap_vnd,
            "basis": item.basis,
        }
        for name, item in items
    ]
    if "settling_abroad" in asked:
        if kind != "monthly":
            raise ValidationFailed(
                {
                    "settling_abroad": [
                        N_(
                            "Trợ cấp một lần khi ra nước ngoài định cư chỉ dành cho người đang "
                            "hưởng trợ cấp hằng tháng (suy giảm từ 31% trở lên, Luật ATVSLĐ "
                            "Điều 49)."
                        )
                    ]
                }
            )
        benefit = MonthlyBenefit(pct, wage, years, month, serving_allowance=serving)
        amount = settling_abroad_lump_sum(benefit, month, rules)
        answers.append(
            {
                "item": "settling_abroad",
                "eligible": True,
                "amount_vnd": amount,
                "cap_vnd": amount,
                "basis": ABROAD_BASIS,
            }
        )
    return answers


ABROAD_BASIS = (
    "Luật ATVSLĐ 84/2015 Điều 49: người đang hưởng trợ cấp hằng tháng ra nước ngoài định cư "
    "được giải quyết hưởng trợ cấp một lần bằng 03 tháng mức trợ cấp đang hưởng"
)
