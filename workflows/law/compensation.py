"""The employer's compensation and the social-insurance benefit for an occupational accident.

Two payers, two calculators, and the amounts add up (law.md §14). The employer owes compensation
(bồi thường) under Law 84/2015 Art. 38(4) in months of the worker's average wage of the six
months before the accident (Circular 28/2021 Art. 5), or 40 % of it as an allowance (trợ cấp)
when the worker was wholly at fault (Art. 38(5)) or, for an accident on the way to or from
work, when a third party or an unknown person caused it (Art. 39(1)); below 5 % loss only
treatment costs and wages are owed (Art. 38(2)-(3)). When a commercial accident insurer the
employer bought cover from pays less than that minimum, the employer pays the rest (Art.
39(2)). The TNLĐ-BNN insurance fund pays a one-time allowance for 5-30 % (Art. 48), a monthly
allowance from 31 % (Art. 49), a serving allowance for the most severe cases (Art. 52) and a
death lump sum of 36 base salaries (Art. 53); the dates and the other benefits (Art. 47, 50,
51, 54, 55) are in ``benefits``. The law sets minimums ("ít nhất"), so these are the floors an
employer must reach. All arithmetic is exact in Decimal; the VND amount is rounded half up to
a whole dong only at the end. Every invalid input raises ValueError (a wrong type raises
InvalidInputError, which is both a ValueError and a TypeError) so a caller can turn it into a
400 answer.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from workflows.law import InvalidInputError
from workflows.messages import N_

# The lowest loss of working capacity that gives compensation and insurance benefits (Law
# 84/2015 Art. 38(4), 45(b)): below it only treatment costs and wages are owed.
MIN_ELIGIBLE_LOSS_PCT = 5

# The fraction of Art. 38(4) compensation owed as an allowance when the worker is wholly at
# fault (Art. 38(5)), and as the allowance for a commuting accident caused by a third party or
# an unknown person (Art. 39(1)): both say "at least 40 %".
AT_FAULT_SHARE = Decimal("0.4")
COMMUTING_SHARE = Decimal("0.4")

# Where the accident happened: at work (Art. 38), or on the way between home and work at a
# reasonable time and route (Art. 39(1); for insurance, Art. 45(1)(c)).
ACCIDENT_TYPES = ("at_work", "commuting")

Percent = int | float | Decimal


def round_vnd(amount: Decimal) -> int:
    """Round an exact amount to whole VND, half up (the contract's only rounding step)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _percent(value: Percent | None, death: bool) -> Decimal | None:
    if value is None:
        if death:
            return None
        raise ValueError("capacity_loss_pct is required unless the worker died")
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise InvalidInputError(f"capacity_loss_pct must be a number, got {value!r}")
    # str() keeps a float like 10.1 as 10.1 instead of its binary expansion.
    pct = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not pct.is_finite():
        raise ValueError(f"capacity_loss_pct must be finite, got {value!r}")
    if pct < 0 or pct > 100:
        raise ValueError(f"capacity_loss_pct must be between 0 and 100, got {value!r}")
    return pct


def _vnd(value: int, name: str, *, positive: bool = False) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(f"{name} must be a whole number of VND, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ValueError(
            f"{name} must be {'positive' if positive else 'non-negative'}, got {value}"
        )
    return Decimal(value)


def _plain(months: Decimal) -> Decimal:
    # 7.5 × 0.4 is Decimal("3.00"); show it as 3 without falling into normalize()'s "3E+1".
    if months == months.to_integral_value():
        return months.quantize(Decimal(1))
    return months.normalize()


@dataclass(frozen=True)
class CompensationResult:
    """The employer's minimum compensation or allowance (Law 84/2015 Art. 38(4)-(5))."""

    eligible: bool
    months: Decimal
    amount_vnd: int
    basis: str


def compensation(
    capacity_loss_pct: Percent | None,
    monthly_wage_vnd: int,
    death: bool = False,
    worker_at_fault: bool = False,
    *,
    accident_type: str = "at_work",
    third_party: bool = False,
) -> CompensationResult:
    """Minimum compensation in months of wage and VND (Law 84/2015 Art. 38(4)-(5), 39(1)).

    Below 5 % the worker is not eligible (0 months). 5-10 % gives 1.5 months; above 10 % up to
    below 81 % gives 1.5 + (a - 10) × 0.4 months (so 11 % → 1.9, 80 % → 29.5); 81 % or more, or
    death, gives 30 months. A fractional loss between 10 and 11 (e.g. 10.5 → 1.7) follows the
    same formula, since the law adds 0.4 month per point above 10 and the result stays between
    the two whole-point values; likewise 80-81. When the worker was wholly at fault the months
    are multiplied by 0.4 (Art. 38(5)). ``capacity_loss_pct`` may be None only when ``death``.

    ``accident_type`` is ``"at_work"`` (the default, Art. 38) or ``"commuting"``. A commuting
    accident caused by a third party or an unknown person (``third_party``) is owed an
    allowance of at least 40 % of the Art. 38(4) amount (Art. 39(1)); one not caused by
    someone else is owed nothing by the employer under Art. 38-39 (not eligible, 0 months),
    though the insurance fund still pays (Art. 45(1)(c)). ``third_party`` with
    ``worker_at_fault`` is a contradiction (someone else caused it, or the worker did wholly).

    :raises ValueError: for a percentage outside 0-100, a negative or non-integer wage, an
        unknown ``accident_type`` or ``third_party`` together with ``worker_at_fault``.
    """
    pct = _percent(capacity_loss_pct, death)
    wage = _vnd(monthly_wage_vnd, "monthly_wage_vnd")
    if accident_type not in ACCIDENT_TYPES:
        raise ValueError(f"accident_type must be one of {ACCIDENT_TYPES}, got {accident_type!r}")
    if third_party and worker_at_fault:
        raise ValueError("an accident caused by a third party is not wholly the worker's fault")
    if accident_type == "commuting" and not third_party:
        return CompensationResult(
            eligible=False,
            months=Decimal(0),
            amount_vnd=0,
            basis=N_(
                "Luật ATVSLĐ 84/2015 Điều 39 khoản 1: tai nạn trên đường đi và về giữa nơi ở và "
                "nơi làm việc chỉ được người sử dụng lao động trợ cấp khi do lỗi của người khác "
                "hoặc không xác định được người gây ra; người lao động vẫn được hưởng chế độ bảo "
                "hiểm tai nạn lao động (Điều 45 khoản 1 điểm c)"
            ),
        )
    if not death and pct < MIN_ELIGIBLE_LOSS_PCT:
        return CompensationResult(
            eligible=False,
            months=Decimal(0),
            amount_vnd=0,
            basis=N_(
                "Luật ATVSLĐ 84/2015 Điều 38 khoản 2-3: tổn thương dưới 5% không được bồi thường;"
                " người sử dụng lao động chỉ chi trả chi phí y tế và tiền lương trong thời gian"
                " điều trị"
            ),
        )
    if death or pct >= 81:
        months = Decimal(30)
        clause = N_("Điều 38 khoản 4 điểm b")
    elif pct <= 10:
        months = Decimal("1.5")
        clause = N_("Điều 38 khoản 4 điểm a")
    else:
        months = Decimal("1.5") + (pct - 10) * Decimal("0.4")
        clause = N_("Điều 38 khoản 4 điểm a")
    if accident_type == "commuting":
        months *= COMMUTING_SHARE
        basis = N_(
            "Luật ATVSLĐ 84/2015 Điều 39 khoản 1 (tai nạn trên đường đi và về do lỗi của người"
            " khác hoặc không xác định được người gây ra: trợ cấp ít nhất 40%% mức %(clause)s)",
            clause=clause,
        )
    elif worker_at_fault:
        months *= AT_FAULT_SHARE
        basis = N_(
            "Luật ATVSLĐ 84/2015 Điều 38 khoản 5 (trợ cấp 40%% mức %(clause)s)", clause=clause
        )
    else:
        basis = N_("Luật ATVSLĐ 84/2015 %(clause)s (bồi thường)", clause=clause)
    return CompensationResult(
        eligible=True, months=_plain(months), amount_vnd=round_vnd(months * wage), basis=basis
    )


def employer_top_up(minimum_vnd: int, insurer_paid_vnd: int) -> int:
    """What the employer still owes (VND) after a commercial accident insurer paid.

    Law 84/2015 Art. 39(2): when the insurer the employer bought accident cover from pays the
    worker less than the Art. 38(4)/(5) minimum (``minimum_vnd``, e.g.
    ``compensation(...).amount_vnd``), the employer pays the difference so the worker gets at
    least the minimum; nothing when the insurer paid as much or more.

    :raises ValueError: for a negative or non-integer amount.
    """
    minimum = _vnd(minimum_vnd, "minimum_vnd")
    paid = _vnd(insurer_paid_vnd, "insurer_paid_vnd")
    return int(max(minimum - paid, Decimal(0)))


@dataclass(frozen=True)
class InsuranceResult:
    """The TNLĐ-BNN insurance benefit (Law 84/2015 Art. 48, 49, 52, 53).

    For ``kind == "monthly"`` the amounts are per month. ``lump_sum_part_vnd`` is the part
    based on the base salary B, ``seniority_part_vnd`` the part based on the insured wage W and
    ``serving_allowance_vnd`` the Art. 52 addition; the parts always sum to ``amount_vnd``
    (the seniority part absorbs the single rounding step).
    """

    eligible: bool
    kind: str | None  # "one_time" | "monthly" | "death"
    amount_vnd: int
    base_salary_vnd: int
    basis: str
    lump_sum_part_vnd: int
    seniority_part_vnd: int
    serving_allowance_vnd: int = 0


def insurance_benefit(
    capacity_loss_pct: Percent | None,
    insured_wage_vnd: int,
    contribution_years: int,
    death: bool,
    base_salary_vnd: int,
    serving_allowance: bool = False,
) -> InsuranceResult:
    """The social-insurance benefit for a loss of ``capacity_loss_pct`` or a death.

    - death: 36 × B, paid once (Art. 53); B must be the base salary of the month of death;
    - below 5 %: not eligible (Art. 45);
    - 5-30 %: one time [5 + (a - 5) × 0.5] × B + [0.5 + (Y - 1) × 0.3] × W (Art. 48);
    - above 30 %: per month [30 % + (a - 31) × 2 %] × B + [0.5 % + (Y - 1) × 0.3 %] × W
      (Art. 49); a fractional loss between 30 and 31 is paid the 31 % rate (30 % of B) rather
      than extrapolated below the statutory starting rate;
    - ``serving_allowance`` (Art. 52: 81 % or more plus a qualifying condition such as
      blindness in both eyes) adds 1 × B per month.

    Y is whole years of contribution; a year or less counts as one (Art. 48(2)(b), 49(2)(b)).
    ``capacity_loss_pct`` may be None only when ``death``.

    :raises ValueError: for a percentage outside 0-100, negative wage or years, a non-positive
        base salary, or ``serving_allowance`` without a living worker at 81 % or more.
    """
    pct = _percent(capacity_loss_pct, death)
    wage = _vnd(insured_wage_vnd, "insured_wage_vnd")
    base = _vnd(base_salary_vnd, "base_salary_vnd", positive=True)
    if isinstance(contribution_years, bool) or not isinstance(contribution_years, int):
        raise InvalidInputError(
            f"contribution_years must be whole years, got {contribution_years!r}"
        )
    if contribution_years < 0:
        raise ValueError(f"contribution_years must not be negative, got {contribution_years}")
    if serving_allowance and (death or pct < 81):
        raise ValueError("serving allowance (Art. 52) needs a living worker with 81% or more loss")
    extra_years = max(contribution_years, 1) - 1

    if death:
        amount = round_vnd(36 * base)
        return InsuranceResult(
            eligible=True,
            kind="death",
            amount_vnd=amount,
            base_salary_vnd=base_salary_vnd,
            basis=N_(
                "Luật ATVSLĐ 84/2015 Điều 53 (trợ cấp một lần khi chết: 36 lần mức lương cơ sở)"
            ),
            lump_sum_part_vnd=amount,
            seniority_part_vnd=0,
        )
    if pct < MIN_ELIGIBLE_LOSS_PCT:
        return InsuranceResult(
            eligible=False,
            kind=None,
            amount_vnd=0,
            base_salary_vnd=base_salary_vnd,
            basis=N_(
                "Luật ATVSLĐ 84/2015 Điều 45: suy giảm khả năng lao động dưới 5% không được hưởng"
            ),
            lump_sum_part_vnd=0,
            seniority_part_vnd=0,
        )
    if pct <= 30:
        kind = "one_time"
        lump = (5 + (pct - 5) * Decimal("0.5")) * base
        seniority = (Decimal("0.5") + extra_years * Decimal("0.3")) * wage
        serving = Decimal(0)
        basis = N_("Luật ATVSLĐ 84/2015 Điều 48 (trợ cấp một lần)")
    else:
        kind = "monthly"
        rate = Decimal(30) + max(pct - 31, Decimal(0)) * 2
        lump = rate / 100 * base
        seniority = (Decimal("0.5") + extra_years * Decimal("0.3")) / 100 * wage
        serving = base if serving_allowance else Decimal(0)
        basis = N_("Luật ATVSLĐ 84/2015 Điều 49 (trợ cấp hằng tháng)")
        if serving_allowance:
            basis = N_(
                "Luật ATVSLĐ 84/2015 Điều 49 (trợ cấp hằng tháng) + Điều 52 (trợ cấp phục vụ)"
            )
    amount = round_vnd(lump + seniority + serving)
    lump_vnd = round_vnd(lump)
    serving_vnd = round_vnd(serving)
    return InsuranceResult(
        eligible=True,
        kind=kind,
        amount_vnd=amount,
        base_salary_vnd=base_salary_vnd,
        basis=basis,
        lump_sum_part_vnd=lump_vnd,
        seniority_part_vnd=amount - lump_vnd - serving_vnd,
        serving_allowance_vnd=serving_vnd,
    )
