"""When the insurance benefits start, and the benefits beyond the one-time and monthly allowance.

``compensation.insurance_benefit`` computes the Law 84/2015 Art. 48, 49, 52 and 53 amounts for
a given base salary; this module decides *which* base salary and adds the rest of what the law
grants an injured worker (law.md §6, §7.2, §14):

- the month the benefit starts (Art. 50): the month treatment ended and the worker left
  hospital, or, for an outpatient or when no discharge date is known, the month of the Medical
  Council's conclusion; a re-assessment starts in the month of its new conclusion. The one-time
  and monthly allowances use the base salary in force in that month (Circular 28/2021 Art.
  9(1), 10), while the death grant keeps the month of death (Art. 53);
- the monthly allowance re-based each month on the base salary then in force, and the 3-month
  lump sum of a worker who settles abroad (Art. 49);
- re-assessment and combined assessment (Art. 47; Circular 28/2021 Art. 9(2), 10(2));
- convalescence after treatment (Art. 54), assistive devices (Art. 51) and retraining
  support (Art. 55) with their caps.

Amounts are whole VND (rounded half up once, at the end), days are calendar days, months are
``date`` values on the first of the month. Nothing here imports Flask or the database; the
base salary and the UNVERIFIED switches come from a :class:`~workflows.law.rules.RuleBook`.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from workflows.law import InvalidInputError
from workflows.law.compensation import (
    InsuranceResult,
    Percent,
    _percent,
    _vnd,
    insurance_benefit,
    round_vnd,
)
from workflows.law.rules import RuleBook
from workflows.messages import N_

_LAW = "Luật ATVSLĐ 84/2015"
_CIRCULAR = "Thông tư 28/2021/TT-BLĐTBXH"

# Art. 54: convalescence is paid at 30 % of the base salary per day, for at most 10 / 7 / 5
# days by the loss of working capacity (≥ 51 %, 31-50 %, 15-30 %; see convalescence()).
CONVALESCENCE_DAY_SHARE = Decimal("0.3")

# Art. 55: retraining support of at most 50 % of the tuition and at most 15 base salaries, at
# most twice and at most once a year.
RETRAINING_TUITION_SHARE = Decimal("0.5")
RETRAINING_CAP_BASE_SALARIES = 15
RETRAINING_MAX_TIMES = 2

# Art. 49: a worker on the monthly allowance who settles abroad gets 3 months of it at once.
ABROAD_MONTHS = 3

# Art. 47(3): a re-assessment after a relapse not earlier than 24 months after the last
# conclusion (earlier only for fast-progressing occupational diseases, per the Ministry of
# Health).
REASSESSMENT_MIN_MONTHS = 24


def _month(day: date) -> date:
    return day.replace(day=1)


def _day(value: object, name: str) -> date:
    if not isinstance(value, date):
        raise InvalidInputError(f"{name} must be a datetime.date, got {value!r}")
    return value


def benefit_start_month(
    *,
    treatment_ended_on: date | None,
    outpatient: bool,
    council_concluded_on: date | None,
    reassessment: bool = False,
) -> tuple[date, str]:
    """The month the one-time or monthly allowance starts, and why (Law 84/2015 Art. 50).

    - a re-assessment (``reassessment``): the month of the new conclusion (Art. 50(3));
    - an inpatient with a known discharge / end-of-treatment day: that month (Art. 50(1));
    - an outpatient, or an inpatient whose discharge day is not known: the month of the
      Medical Council's conclusion (Art. 50(1)).

    Returns ``(first day of that month, reason in Vietnamese naming the article)``.

    :raises ValueError: when the rule needs ``council_concluded_on`` and it is missing.
    :raises InvalidInputError: for a date that is not a ``datetime.date``.
    """
    if treatment_ended_on is not None:
        treatment_ended_on = _day(treatment_ended_on, "treatment_ended_on")
    if council_concluded_on is not None:
        council_concluded_on = _day(council_concluded_on, "council_concluded_on")
    if reassessment:
        if council_concluded_on is None:
            raise ValueError("a re-assessment starts in the month of its conclusion: none given")
        return _month(council_concluded_on), N_(
            "Luật ATVSLĐ 84/2015 Điều 50 khoản 3: giám định lại, hưởng từ tháng có kết luận giám"
            " định lại"
        )
    if not outpatient and treatment_ended_on is not None:
        return _month(treatment_ended_on), N_(
            "Luật ATVSLĐ 84/2015 Điều 50 khoản 1: hưởng từ tháng người lao động điều trị xong, ra"
            " viện"
        )
    if council_concluded_on is None:
        raise ValueError(
            "without a discharge date (or for an outpatient) the benefit starts in the month "
            "of the Medical Council's conclusion: council_concluded_on is required"
        )
    why = N_("điều trị ngoại trú") if outpatient else N_("không rõ ngày ra viện")
    return _month(council_concluded_on), N_(
        "Luật ATVSLĐ 84/2015 Điều 50 khoản 1: %(why)s, hưởng từ tháng có kết luận của Hội đồng"
        " giám định y khoa",
        why=why,
    )


def insurance_benefit_from(
    *,
    capacity_loss_pct: Percent,
    insured_wage_vnd: int,
    contribution_years: int,
    start_month: date,
    rules: RuleBook,
    serving_allowance: bool = False,
) -> InsuranceResult:
    """The one-time (Art. 48) or monthly (Art. 49, + Art. 52) allowance of a living worker,
    with the base salary in force in ``start_month`` (Circular 28/2021 Art. 9(1), 10).

    ``start_month`` is the Art. 50 month (see :func:`benefit_start_month`); any day of it will
    do. For a death use ``insurance_benefit`` with the base salary of the month of death (Art.
    53). Amounts in VND (per month for ``kind == "monthly"``).

    :raises ValueError: as ``insurance_benefit``; LookupError when the rules table has no base
        salary in force in that month.
    """
    start = _month(_day(start_month, "start_month"))
    result = insurance_benefit(
        capacity_loss_pct,
        insured_wage_vnd,
        contribution_years,
        False,
        rules.base_salary(start),
        serving_allowance=serving_allowance,
    )
    if not result.eligible:
        return result
    return InsuranceResult(
        eligible=True,
        kind=result.kind,
        amount_vnd=result.amount_vnd,
        base_salary_vnd=result.base_salary_vnd,
        basis=N_(
            "%(basis)s; mức lương cơ sở tại tháng hưởng %(month)s (Thông tư 28/2021/TT-BLĐTBXH"
            " Điều 9 khoản 1, Điều 10)",
            basis=result.basis,
            month=f"{start:%m/%Y}",
        ),
        lump_sum_part_vnd=result.lump_sum_part_vnd,
        seniority_part_vnd=result.seniority_part_vnd,
        serving_allowance_vnd=result.serving_allowance_vnd,
    )


@dataclass(frozen=True)
class MonthlyBenefit:
    """What decides a monthly allowance (Law 84/2015 Art. 49, 52): the loss (31 % or more),
    the insured wage (VND per month) and whole years of contribution at the accident, the
    Art. 50 start month, and whether the Art. 52 serving allowance is paid."""

    capacity_loss_pct: Percent
    insured_wage_vnd: int
    contribution_years: int
    start_month: date
    serving_allowance: bool = False


def monthly_amount_due(benefit: MonthlyBenefit, month: date, rules: RuleBook) -> int:
    """The monthly allowance (VND) due for ``month``, re-based on the base salary in force then.

    Art. 49 (and Art. 52) amounts are a share of the base salary, and the allowance follows
    each rise of it (Art. 49: adjusted as the Social Insurance Law provides), so the amount due
    in a month uses that month's base salary: the same benefit pays 2,340,000-based amounts in
    June 2026 and 2,530,000-based ones from July 2026. Nothing is due before the start month.

    :raises ValueError: for a loss below 31 % (that is a one-time allowance) or bad inputs.
    """
    month = _month(_day(month, "month"))
    start = _month(_day(benefit.start_month, "start_month"))
    pct = _percent(benefit.capacity_loss_pct, False)
    if pct <= 30:
        raise ValueError(f"a monthly allowance needs more than 30% loss, got {pct}")
    if month < start:
        return 0
    return insurance_benefit(
        benefit.capacity_loss_pct,
        benefit.insured_wage_vnd,
        benefit.contribution_years,
        False,
        rules.base_salary(month),
        serving_allowance=benefit.serving_allowance,
    ).amount_vnd


def settling_abroad_lump_sum(benefit: MonthlyBenefit, month: date, rules: RuleBook) -> int:
    """The one-time payment (VND) to a worker on the monthly allowance who settles abroad:
    3 months of the allowance in force in ``month`` (Law 84/2015 Art. 49).

    Whether the Art. 52 serving allowance counts is UNVERIFIED: the rules-table switch
    ``abroad_lump_sum_includes_serving`` ("no" by default, "yes") decides.

    :raises ValueError: as :func:`monthly_amount_due`, for a month before the start month, or
        an unknown switch value.
    """
    month = _month(_day(month, "month"))
    if month < _month(_day(benefit.start_month, "start_month")):
        raise ValueError("the monthly allowance has not started in that month")
    switch = rules.get("abroad_lump_sum_includes_serving", month)
    if switch not in ("yes", "no"):
        raise ValueError(f"abroad_lump_sum_includes_serving must be yes or no, got {switch!r}")
    counted = benefit
    if benefit.serving_allowance and switch == "no":
        counted = MonthlyBenefit(
            benefit.capacity_loss_pct,
            benefit.insured_wage_vnd,
            benefit.contribution_years,
            benefit.start_month,
            serving_allowance=False,
        )
    return ABROAD_MONTHS * monthly_amount_due(counted, month, rules)


@dataclass(frozen=True)
class ConvalescenceResult:
    """Convalescence after treatment (Law 84/2015 Art. 54): at most ``max_days`` days at
    ``per_day_vnd`` a day, ``max_amount_vnd`` in all."""

    max_days: int
    per_day_vnd: int
    max_amount_vnd: int
    basis: str


def convalescence(capacity_loss_pct: Percent, base_salary_vnd: int) -> ConvalescenceResult:
    """The convalescence a worker may get when not recovered in the first 30 days back at work.

    Law 84/2015 Art. 54: 30 % of the base salary per day (``base_salary_vnd``, VND per month),
    at most 10 days for a loss of 51 % or more, 7 days for 31-50 %, 5 days for 15-30 %; below
    15 % the law sets no days (0). A fractional loss falls in the band whose lower bound it
    reaches (50.5 % → 7 days, 30.5 % → 7 days like the monthly allowance, 14.9 % → 0). The
    employer decides the actual days with the union, within these maximums.

    :raises ValueError: for a percentage outside 0-100 or a non-positive base salary.
    """
    pct = _percent(capacity_loss_pct, False)
    base = _vnd(base_salary_vnd, "base_salary_vnd", positive=True)
    per_day = round_vnd(CONVALESCENCE_DAY_SHARE * base)
    # 30 < a < 31 is paid the monthly allowance (Art. 49), so it takes the 31-50 % band.
    if pct >= 51:
        days = 10
    elif pct > 30:
        days = 7
    elif pct >= 15:
        days = 5
    else:
        return ConvalescenceResult(
            max_days=0,
            per_day_vnd=per_day,
            max_amount_vnd=0,
            basis=f"{_LAW} Điều 54: suy giảm khả năng lao động dưới 15% không có ngày dưỡng sức",
        )
    return ConvalescenceResult(
        max_days=days,
        per_day_vnd=per_day,
        max_amount_vnd=days * per_day,
        basis=f"{_LAW} Điều 54: tối đa {days} ngày, mỗi ngày bằng 30% mức lương cơ sở",
    )


@dataclass(frozen=True)
class ReassessmentResult:
    """The benefit after a re-assessment or combined assessment (Law 84/2015 Art. 47, 50(3)).

    ``benefit`` is the full new benefit at the base salary of ``start_month``; ``amount_due_vnd``
    is what is paid now: for ``kind == "monthly"`` the new amount per month from
    ``start_month`` (it replaces any earlier monthly allowance), for ``"one_time"`` the one-time
    payment (the new amount less what was paid before, when the rules table says so).
    """

    kind: str | None
    start_month: date
    benefit: InsuranceResult
    amount_due_vnd: int
    basis: str


def reassessed_benefit(
    *,
    previous_kind: str,
    previous_amount_vnd: int,
    previous_pct: Percent,
    new_pct: Percent,
    concluded_on: date,
    contribution_years: int,
    insured_wage_vnd: int,
    rules: RuleBook,
    serving_allowance: bool = False,
) -> ReassessmentResult:
    """The new benefit when a re-assessment or combined assessment changes the loss.

    Art. 47(1)(b), (2), (3) and Art. 50(3): the new percentage gives a new benefit from the
    month of the new conclusion, at the base salary in force then (Circular 28/2021 Art. 9(2));
    for a combined assessment of several accidents ``insured_wage_vnd`` is the wage of the
    month before the last accident (Circular 28/2021 Art. 10(2)). By the previous benefit
    (``previous_kind`` ``"one_time"`` or ``"monthly"``, ``previous_amount_vnd`` VND, paid once
    or per month, ``previous_pct``):

    - one-time → one-time (still 5-30 %): the rules-table switch
      ``reassessment_one_time_settlement`` (UNVERIFIED) decides: ``"difference"`` (default)
      pays the new one-time amount less ``previous_amount_vnd`` (never below 0), ``"full"``
      pays the new amount;
    - → monthly (31 % or more): the new monthly amount from the new month; a monthly
      allowance before is replaced, a one-time allowance already paid is not deducted;
    - monthly → one-time (the loss fell to 30 % or less): the monthly allowance stops and the
      new one-time amount is paid in full (UNVERIFIED: law.md has no rule for a fall);
    - below 5 %: no benefit (``kind`` None, 0).

    :raises ValueError: for an unknown ``previous_kind``, bad amounts or percentages, or an
        unknown switch value.
    """
    if previous_kind not in ("one_time", "monthly"):
        raise ValueError(f"previous_kind must be one_time or monthly, got {previous_kind!r}")
    previous = _vnd(previous_amount_vnd, "previous_amount_vnd")
    _percent(previous_pct, False)
    start, _why = benefit_start_month(
        treatment_ended_on=None,
        outpatient=False,
        council_concluded_on=concluded_on,
        reassessment=True,
    )
    new = insurance_benefit_from(
        capacity_loss_pct=new_pct,
        insured_wage_vnd=insured_wage_vnd,
        contribution_years=contribution_years,
        start_month=start,
        rules=rules,
        serving_allowance=serving_allowance,
    )
    article = f"{_LAW} Điều 47, Điều 50 khoản 3; {_CIRCULAR} Điều 9 khoản 2"
    if not new.eligible:
        return ReassessmentResult(None, start, new, 0, f"{article}; {new.basis}")
    if new.kind == "one_time" and previous_kind == "one_time":
        switch = rules.get("reassessment_one_time_settlement", start)
        if switch not in ("difference", "full"):
            raise ValueError(
                f"reassessment_one_time_settlement must be difference or full, got {switch!r}"
            )
        if switch == "difference":
            due = int(max(Decimal(new.amount_vnd) - previous, Decimal(0)))
            paid = f"{previous_amount_vnd:,}".replace(",", ".")
            how = f"trả phần chênh lệch với mức đã hưởng {paid} đồng"
        else:
            due = new.amount_vnd
            how = "trả đủ mức mới"
        return ReassessmentResult(
            "one_time", start, new, due, f"{article}: giám định lại, {how}; {new.basis}"
        )
    return ReassessmentResult(
        new.kind,
        start,
        new,
        new.amount_vnd,
        f"{article}: giám định lại, hưởng mức mới từ tháng {start:%m/%Y}; {new.basis}",
    )


def earliest_reassessment(previous_concluded_on: date) -> date:
    """The first day a re-assessment after a relapse may be asked for: 24 months after the
    previous conclusion (Law 84/2015 Art. 47(3); fast-progressing occupational diseases may be
    earlier, per the Ministry of Health). 29 February moves to 28 February."""
    day = _day(previous_concluded_on, "previous_concluded_on")
    year = day.year + REASSESSMENT_MIN_MONTHS // 12
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February into a common year
        return day.replace(year=year, day=28)


@dataclass(frozen=True)
class ClaimItem:
    """A claimable item with its cap: what is payable now (VND) and why."""

    eligible: bool
    amount_vnd: int
    cap_vnd: int
    basis: str


def assistive_device(cost_vnd: int, cap_vnd: int) -> ClaimItem:
    """Cash for an assistive device or orthosis prescribed on medical indication (Art. 51).

    ``cap_vnd`` is the amount the prescribed list sets for that device and its period of use
    (Circular 28/2021; the list's figures are not in law.md, so the insurance officer enters
    them, UNVERIFIED); the payment is the cost up to that cap.

    :raises ValueError: for a negative or non-integer amount.
    """
    cost = _vnd(cost_vnd, "cost_vnd")
    cap = _vnd(cap_vnd, "cap_vnd")
    return ClaimItem(
        eligible=cost > 0,
        amount_vnd=int(min(cost, cap)),
        cap_vnd=int(cap),
        basis=(
            f"{_LAW} Điều 51: tiền mua phương tiện trợ giúp sinh hoạt, dụng cụ chỉnh hình theo "
            "chỉ định, trong mức quy định"
        ),
    )


def retraining_support(
    tuition_vnd: int,
    base_salary_vnd: int,
    *,
    on: date,
    earlier_supports: tuple[date, ...] = (),
) -> ClaimItem:
    """Retraining support for a worker reassigned after the accident (Law 84/2015 Art. 55).

    At most 50 % of ``tuition_vnd`` and at most 15 × ``base_salary_vnd`` (the base salary in
    force on ``on``, the day support is decided); at most twice in all and at most once a
    year: ``earlier_supports`` are the days earlier support was granted, and a second one in
    the same calendar year is refused (whether "a year" is the calendar year or 12 months is
    UNVERIFIED; the calendar year is the reading used here).

    :raises ValueError: for bad amounts.
    """
    tuition = _vnd(tuition_vnd, "tuition_vnd")
    base = _vnd(base_salary_vnd, "base_salary_vnd", positive=True)
    on = _day(on, "on")
    cap = RETRAINING_CAP_BASE_SALARIES * base
    article = f"{_LAW} Điều 55"
    if len(earlier_supports) >= RETRAINING_MAX_TIMES:
        return ClaimItem(False, 0, int(cap), f"{article}: đã được hỗ trợ tối đa 02 lần")
    if any(_day(day, "earlier_supports item").year == on.year for day in earlier_supports):
        return ClaimItem(False, 0, int(cap), f"{article}: mỗi năm chỉ được hỗ trợ 01 lần")
    amount = round_vnd(min(RETRAINING_TUITION_SHARE * tuition, cap))
    return ClaimItem(
        eligible=amount > 0,
        amount_vnd=amount,
        cap_vnd=int(cap),
        basis=(
            f"{article}: hỗ trợ chuyển đổi nghề nghiệp không quá 50% học phí và không quá 15 lần "
            "mức lương cơ sở"
        ),
    )
