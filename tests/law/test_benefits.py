"""Every benefit the law grants, on the right date (law.md §5-7, §14; issue 13).

Table-driven: each expected figure is a literal worked out by hand from the law, the
arithmetic in a comment beside it, so a slip in the code cannot hide behind the same slip here.
Unless a row says otherwise: insured wage W = 10,000,000, Y = 6 years (seniority part
[0.5 + 5 × 0.3] = 2.0 × W = 20,000,000 once, or [0.5 % + 5 × 0.3 %] = 2.0 % × W = 200,000 a
month), average wage L = 10,000,000. Base salary B: 1,490,000 until 30/6/2023, 1,800,000 until
30/6/2024, 2,340,000 until 30/6/2026, 2,530,000 from 1/7/2026.
"""

from datetime import date
from decimal import Decimal

import pytest

from workflows.law import InvalidInputError
from workflows.law.benefits import (
    MonthlyBenefit,
    assistive_device,
    benefit_start_month,
    convalescence,
    earliest_reassessment,
    insurance_benefit_from,
    monthly_amount_due,
    reassessed_benefit,
    retraining_support,
    settling_abroad_lump_sum,
)
from workflows.law.compensation import compensation, employer_top_up, insurance_benefit
from workflows.law.rules import RuleBook

RULES = RuleBook()
W = 10_000_000
L = 10_000_000
Y = 6
JUNE_2025 = date(2025, 6, 1)  # B = 2,340,000
JUNE_2026 = date(2026, 6, 1)  # B = 2,340,000
NOV_2026 = date(2026, 11, 1)  # B = 2,530,000


# --- each benefit kind at its thresholds ------------------------------------------------------


@pytest.mark.parametrize(
    ("pct", "start", "kind", "amount"),
    [
        (4, JUNE_2026, None, 0),  # below 5 %: nothing (Art. 45)
        (5, JUNE_2026, "one_time", 31_700_000),  # 5 × 2,340,000 + 20,000,000
        (30, JUNE_2026, "one_time", 60_950_000),  # 17.5 × 2,340,000 = 40,950,000 + 20,000,000
        (31, JUNE_2026, "monthly", 902_000),  # 30 % × 2,340,000 = 702,000 + 200,000
        (50, JUNE_2026, "monthly", 1_791_200),  # 68 % × 2,340,000 = 1,591,200 + 200,000
        (51, JUNE_2026, "monthly", 1_838_000),  # 70 % × 2,340,000 = 1,638,000 + 200,000
        (80, JUNE_2026, "monthly", 3_195_200),  # 128 % × 2,340,000 = 2,995,200 + 200,000
        (81, JUNE_2026, "monthly", 3_242_000),  # 130 % × 2,340,000 = 3,042,000 + 200,000
        (4, NOV_2026, None, 0),
        (5, NOV_2026, "one_time", 32_650_000),  # 5 × 2,530,000 = 12,650,000 + 20,000,000
        (30, NOV_2026, "one_time", 64_275_000),  # 17.5 × 2,530,000 = 44,275,000 + 20,000,000
        (31, NOV_2026, "monthly", 959_000),  # 30 % × 2,530,000 = 759,000 + 200,000
        (50, NOV_2026, "monthly", 1_920_400),  # 68 % × 2,530,000 = 1,720,400 + 200,000
        (51, NOV_2026, "monthly", 1_971_000),  # 70 % × 2,530,000 = 1,771,000 + 200,000
        (80, NOV_2026, "monthly", 3_438_400),  # 128 % × 2,530,000 = 3,238,400 + 200,000
        (81, NOV_2026, "monthly", 3_489_000),  # 130 % × 2,530,000 = 3,289,000 + 200,000
    ],
)
def test_insurance_allowance_at_each_threshold(pct, start, kind, amount):
    result = insurance_benefit_from(
        capacity_loss_pct=pct,
        insured_wage_vnd=W,
        contribution_years=Y,
        start_month=start,
        rules=RULES,
    )
    assert (result.kind, result.amount_vnd) == (kind, amount)
    if kind:
        assert "Thông tư 28/2021/TT-BLĐTBXH Điều 9 khoản 1" in result.basis


def test_serving_allowance_at_81_percent_follows_the_start_month():
    # Art. 49 + Art. 52: 130 % × B + 200,000 + 1 × B.
    june = insurance_benefit_from(
        capacity_loss_pct=81,
        insured_wage_vnd=W,
        contribution_years=Y,
        start_month=JUNE_2026,
        rules=RULES,
        serving_allowance=True,
    )
    nov = insurance_benefit_from(
        capacity_loss_pct=81,
        insured_wage_vnd=W,
        contribution_years=Y,
        start_month=NOV_2026,
        rules=RULES,
        serving_allowance=True,
    )
    assert june.amount_vnd == 5_582_000  # 3,042,000 + 200,000 + 2,340,000
    assert nov.amount_vnd == 6_019_000  # 3,289,000 + 200,000 + 2,530,000
    assert "Điều 52" in nov.basis


@pytest.mark.parametrize(
    ("pct", "months", "amount"),
    [
        (4, Decimal(0), 0),  # nothing below 5 %
        (5, Decimal("0.6"), 6_000_000),  # 0.4 × 1.5 months × 10,000,000
        (30, Decimal("3.8"), 38_000_000),  # 0.4 × 9.5
        (31, Decimal("3.96"), 39_600_000),  # 0.4 × 9.9
        (50, Decimal(7), 70_000_000),  # 0.4 × 17.5
        (51, Decimal("7.16"), 71_600_000),  # 0.4 × 17.9
        (80, Decimal("11.8"), 118_000_000),  # 0.4 × 29.5
        (81, Decimal(12), 120_000_000),  # 0.4 × 30
    ],
)
def test_commuting_allowance_is_40_percent_of_compensation(pct, months, amount):
    result = compensation(pct, L, accident_type="commuting", third_party=True)
    assert (result.eligible, result.months, result.amount_vnd) == (pct >= 5, months, amount)
    if pct >= 5:
        assert "Điều 39 khoản 1" in result.basis and "40%" in result.basis


def test_commuting_death_caused_by_an_unknown_person():
    result = compensation(None, L, death=True, accident_type="commuting", third_party=True)
    assert (result.months, result.amount_vnd) == (Decimal(12), 120_000_000)  # 0.4 × 30 × L


def test_commuting_accident_not_caused_by_someone_else_gets_no_employer_allowance():
    result = compensation(45, L, accident_type="commuting", third_party=False)
    assert (result.eligible, result.months, result.amount_vnd) == (False, Decimal(0), 0)
    assert "Điều 39 khoản 1" in result.basis and "Điều 45 khoản 1 điểm c" in result.basis


def test_accident_at_work_is_unchanged_by_the_new_arguments():
    assert compensation(25, L, accident_type="at_work").amount_vnd == 75_000_000  # 7.5 × L
    # Caused by a third party at work is still full compensation (Art. 38(4), 39 only adds).
    assert compensation(25, L, third_party=True).amount_vnd == 75_000_000


@pytest.mark.parametrize(
    "kwargs",
    [
        {"accident_type": "holiday"},
        {"accident_type": "commuting", "third_party": True, "worker_at_fault": True},
    ],
)
def test_compensation_refuses_an_unknown_type_or_a_contradiction(kwargs):
    with pytest.raises(ValueError):
        compensation(25, L, **kwargs)


# --- each base-salary period boundary ---------------------------------------------------------


@pytest.mark.parametrize(
    ("discharged_on", "one_time", "death_grant"),
    [
        # one-time at 20 %: 12.5 × B + 20,000,000; death: 36 × B on the day of death
        (date(2023, 6, 30), 38_625_000, 53_640_000),  # 12.5 / 36 × 1,490,000
        (date(2023, 7, 1), 42_500_000, 64_800_000),  # 12.5 / 36 × 1,800,000
        (date(2024, 6, 30), 42_500_000, 64_800_000),  # 1,800,000
        (date(2024, 7, 1), 49_250_000, 84_240_000),  # 2,340,000
        (date(2026, 6, 30), 49_250_000, 84_240_000),  # 2,340,000
        (date(2026, 7, 1), 51_625_000, 91_080_000),  # 2,530,000
    ],
)
def test_base_salary_period_boundaries(discharged_on, one_time, death_grant):
    start, _ = benefit_start_month(
        treatment_ended_on=discharged_on, outpatient=False, council_concluded_on=None
    )
    benefit = insurance_benefit_from(
        capacity_loss_pct=20,
        insured_wage_vnd=W,
        contribution_years=Y,
        start_month=start,
        rules=RULES,
    )
    assert benefit.amount_vnd == one_time
    # Art. 53: the death grant keeps the base salary of the month of death.
    grant = insurance_benefit(None, W, Y, True, RULES.base_salary(discharged_on))
    assert grant.amount_vnd == death_grant


# --- the Art. 50 start month ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ended", "outpatient", "council", "reassessment", "month", "reason"),
    [
        (date(2026, 8, 15), False, date(2026, 11, 12), False, date(2026, 8, 1), "ra viện"),
        (date(2026, 8, 15), True, date(2026, 11, 12), False, date(2026, 11, 1), "ngoại trú"),
        (None, False, date(2026, 11, 12), False, date(2026, 11, 1), "không rõ ngày ra viện"),
        (None, True, date(2026, 11, 30), False, date(2026, 11, 1), "ngoại trú"),
        (date(2026, 8, 15), False, date(2028, 12, 3), True, date(2028, 12, 1), "giám định lại"),
    ],
)
def test_start_month_by_article_50(ended, outpatient, council, reassessment, month, reason):
    start, why = benefit_start_month(
        treatment_ended_on=ended,
        outpatient=outpatient,
        council_concluded_on=council,
        reassessment=reassessment,
    )
    assert start == month
    assert reason in why and "Điều 50" in why


@pytest.mark.parametrize(
    ("ended", "outpatient", "reassessment"),
    [(None, False, False), (date(2026, 8, 15), True, False), (date(2026, 8, 15), False, True)],
)
def test_start_month_needs_the_council_date_when_the_rule_uses_it(ended, outpatient, reassessment):
    with pytest.raises(ValueError, match="conclusion"):
        benefit_start_month(
            treatment_ended_on=ended,
            outpatient=outpatient,
            council_concluded_on=None,
            reassessment=reassessment,
        )


def test_start_month_refuses_a_text_date():
    with pytest.raises(InvalidInputError):
        benefit_start_month(
            treatment_ended_on="2026-08-15", outpatient=False, council_concluded_on=None
        )


def test_issue_example_accident_before_the_rise_council_after_it():
    """Accident 20/6/2026, Council concludes November 2026, 25 %, 4 years, W = 8,400,000."""
    start, _ = benefit_start_month(
        treatment_ended_on=None, outpatient=True, council_concluded_on=date(2026, 11, 12)
    )
    assert start == date(2026, 11, 1)
    result = insurance_benefit_from(
        capacity_loss_pct=25,
        insured_wage_vnd=8_400_000,
        contribution_years=4,
        start_month=start,
        rules=RULES,
    )
    assert result.base_salary_vnd == 2_530_000
    # [5 + 20 × 0.5] = 15 × 2,530,000 = 37,950,000; [0.5 + 3 × 0.3] = 1.4 × 8,400,000 = 11,760,000
    assert (result.lump_sum_part_vnd, result.seniority_part_vnd) == (37_950_000, 11_760_000)
    assert result.amount_vnd == 49_710_000
    # The old, wrong answer used the accident day's base salary: 15 × 2,340,000 + 11,760,000.
    accident_day = insurance_benefit(25, 8_400_000, 4, False, RULES.base_salary(date(2026, 6, 20)))
    assert accident_day.amount_vnd == 46_860_000


# --- convalescence (Art. 54) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pct", "days"),
    [
        (4, 0),
        (5, 0),
        (14, 0),
        (15, 5),
        (30, 5),
        (30.5, 7),
        (31, 7),
        (50, 7),
        (50.5, 7),
        (51, 10),
        (80, 10),
        (81, 10),
    ],
)
def test_convalescence_days_by_band(pct, days):
    result = convalescence(pct, 2_530_000)
    assert result.max_days == days
    assert result.per_day_vnd == 759_000  # 0.3 × 2,530,000
    assert result.max_amount_vnd == days * 759_000
    assert "Điều 54" in result.basis


def test_convalescence_worked_example_e10():
    # law.md E10: 55 %, 10 days × 0.3 × 2,340,000 = 7,020,000 (7,590,000 at 2,530,000).
    assert convalescence(55, 2_340_000).max_amount_vnd == 7_020_000
    assert convalescence(55, 2_530_000).max_amount_vnd == 7_590_000


# --- the monthly allowance re-based each month ------------------------------------------------


@pytest.mark.parametrize(
    ("pct", "serving", "month", "amount"),
    [
        (45, False, date(2026, 2, 1), 0),  # before the start month
        (45, False, date(2026, 6, 1), 1_557_200),  # 58 % × 2,340,000 = 1,357,200 + 200,000
        (45, False, date(2026, 6, 30), 1_557_200),  # any day of June
        (45, False, date(2026, 7, 1), 1_667_400),  # 58 % × 2,530,000 = 1,467,400 + 200,000
        (45, False, date(2027, 1, 1), 1_667_400),
        # 85 % + Art. 52: 138 % × B + 200,000 + B
        (85, True, date(2026, 6, 1), 5_769_200),  # 3,229,200 + 200,000 + 2,340,000
        (85, True, date(2026, 7, 1), 6_221_400),  # 3,491,400 + 200,000 + 2,530,000
    ],
)
def test_monthly_amount_follows_the_base_salary_table(pct, serving, month, amount):
    benefit = MonthlyBenefit(pct, W, Y, date(2026, 3, 1), serving_allowance=serving)
    assert monthly_amount_due(benefit, month, RULES) == amount


def test_monthly_amount_follows_an_administrators_new_base_salary():
    rules = RuleBook.with_rows([("base_salary_vnd", date(2027, 7, 1), 2_800_000)])
    benefit = MonthlyBenefit(45, W, Y, date(2026, 3, 1))
    # 58 % × 2,800,000 = 1,624,000 + 200,000
    assert monthly_amount_due(benefit, date(2027, 7, 1), rules) == 1_824_000


def test_monthly_amount_needs_a_monthly_allowance():
    with pytest.raises(ValueError, match="more than 30%"):
        monthly_amount_due(MonthlyBenefit(30, W, Y, date(2026, 3, 1)), date(2026, 6, 1), RULES)


@pytest.mark.parametrize(
    ("pct", "serving", "switch", "amount"),
    [
        (45, False, "no", 5_002_200),  # 3 × 1,667,400
        (85, True, "no", 11_074_200),  # 3 × (3,491,400 + 200,000)
        (85, True, "yes", 18_664_200),  # 3 × 6,221,400
    ],
)
def test_settling_abroad_pays_three_months(pct, serving, switch, amount):
    rules = RuleBook.with_rows([("abroad_lump_sum_includes_serving", date(2016, 7, 1), switch)])
    benefit = MonthlyBenefit(pct, W, Y, date(2026, 3, 1), serving_allowance=serving)
    assert settling_abroad_lump_sum(benefit, date(2026, 7, 20), rules) == amount


def test_settling_abroad_before_the_allowance_started_is_refused():
    with pytest.raises(ValueError, match="not started"):
        settling_abroad_lump_sum(MonthlyBenefit(45, W, Y, date(2026, 3, 1)), JUNE_2025, RULES)


# --- the employer's top-up (Art. 39(2)) -------------------------------------------------------


@pytest.mark.parametrize(
    ("minimum", "paid", "owed"),
    [
        (75_000_000, 50_000_000, 25_000_000),  # 75,000,000 - 50,000,000
        (75_000_000, 75_000_000, 0),
        (75_000_000, 80_000_000, 0),
        (75_000_000, 0, 75_000_000),
    ],
)
def test_employer_tops_up_a_commercial_insurers_shortfall(minimum, paid, owed):
    assert employer_top_up(minimum, paid) == owed


def test_top_up_refuses_negative_or_fractional_amounts():
    with pytest.raises(ValueError):
        employer_top_up(75_000_000, -1)
    with pytest.raises(InvalidInputError):
        employer_top_up(75_000_000.5, 0)


# --- re-assessment and combined assessment (Art. 47) ------------------------------------------

CONCLUDED = date(2027, 5, 10)  # B = 2,530,000


@pytest.mark.parametrize(
    ("prev_kind", "prev_amount", "prev_pct", "new_pct", "switch", "kind", "full", "due"),
    [
        # 28 %: [5 + 23 × 0.5] = 16.5 × 2,530,000 = 41,745,000 + 20,000,000 = 61,745,000;
        # the first 20 % benefit (B 2,340,000) was 49,250,000 → difference 12,495,000
        ("one_time", 49_250_000, 20, 28, "difference", "one_time", 61_745_000, 12_495_000),
        ("one_time", 49_250_000, 20, 28, "full", "one_time", 61_745_000, 61_745_000),
        # a lower one-time amount than already paid: nothing more, nothing taken back
        ("one_time", 70_000_000, 25, 28, "difference", "one_time", 61_745_000, 0),
        # 40 %: [30 + 9 × 2] = 48 % × 2,530,000 = 1,214,400 + 200,000 a month
        ("one_time", 49_250_000, 20, 40, "difference", "monthly", 1_414_400, 1_414_400),
        # 60 %: [30 + 29 × 2] = 88 % × 2,530,000 = 2,226,400 + 200,000, replacing 1,557,200
        ("monthly", 1_557_200, 45, 60, "difference", "monthly", 2_426_400, 2_426_400),
        # 25 % after 45 %: 15 × 2,530,000 = 37,950,000 + 20,000,000, paid in full
        ("monthly", 1_557_200, 45, 25, "difference", "one_time", 57_950_000, 57_950_000),
        ("one_time", 49_250_000, 20, 4, "difference", None, 0, 0),
    ],
)
def test_reassessment_gives_a_new_benefit_from_the_new_month(
    prev_kind, prev_amount, prev_pct, new_pct, switch, kind, full, due
):
    rules = RuleBook.with_rows([("reassessment_one_time_settlement", date(2016, 7, 1), switch)])
    result = reassessed_benefit(
        previous_kind=prev_kind,
        previous_amount_vnd=prev_amount,
        previous_pct=prev_pct,
        new_pct=new_pct,
        concluded_on=CONCLUDED,
        contribution_years=Y,
        insured_wage_vnd=W,
        rules=rules,
    )
    assert result.start_month == date(2027, 5, 1)
    assert (result.kind, result.benefit.amount_vnd, result.amount_due_vnd) == (kind, full, due)
    assert "Điều 47" in result.basis and "Điều 50 khoản 3" in result.basis


def test_reassessment_default_pays_the_difference():
    result = reassessed_benefit(
        previous_kind="one_time",
        previous_amount_vnd=49_250_000,
        previous_pct=20,
        new_pct=28,
        concluded_on=CONCLUDED,
        contribution_years=Y,
        insured_wage_vnd=W,
        rules=RULES,
    )
    assert result.amount_due_vnd == 12_495_000  # 61,745,000 - 49,250,000
    assert "49.250.000" in result.basis


def test_reassessment_refuses_a_death_or_an_unknown_switch():
    kwargs = dict(
        previous_amount_vnd=49_250_000,
        previous_pct=20,
        new_pct=28,
        concluded_on=CONCLUDED,
        contribution_years=Y,
        insured_wage_vnd=W,
    )
    with pytest.raises(ValueError, match="previous_kind"):
        reassessed_benefit(previous_kind="death", rules=RULES, **kwargs)
    odd = RuleBook.with_rows([("reassessment_one_time_settlement", date(2016, 7, 1), "half")])
    with pytest.raises(ValueError, match="difference or full"):
        reassessed_benefit(previous_kind="one_time", rules=odd, **kwargs)


@pytest.mark.parametrize(
    ("previous", "earliest"),
    [(date(2025, 5, 10), date(2027, 5, 10)), (date(2024, 2, 29), date(2026, 2, 28))],
)
def test_relapse_reassessment_waits_24_months(previous, earliest):
    assert earliest_reassessment(previous) == earliest


# --- assistive devices (Art. 51) and retraining (Art. 55) -------------------------------------


@pytest.mark.parametrize(
    ("cost", "cap", "eligible", "amount"),
    [
        (5_000_000, 3_000_000, True, 3_000_000),  # capped
        (2_000_000, 3_000_000, True, 2_000_000),
        (0, 3_000_000, False, 0),
    ],
)
def test_assistive_device_is_paid_up_to_its_cap(cost, cap, eligible, amount):
    item = assistive_device(cost, cap)
    assert (item.eligible, item.amount_vnd, item.cap_vnd) == (eligible, amount, cap)
    assert "Điều 51" in item.basis


@pytest.mark.parametrize(
    ("tuition", "base", "earlier", "eligible", "amount", "cap"),
    [
        (60_000_000, 2_530_000, (), True, 30_000_000, 37_950_000),  # 50 % × 60,000,000
        (100_000_000, 2_530_000, (), True, 37_950_000, 37_950_000),  # 15 × 2,530,000
        (100_000_000, 2_340_000, (), True, 35_100_000, 35_100_000),  # 15 × 2,340,000 (E11)
        (60_000_000, 2_530_000, (date(2026, 3, 1),), True, 30_000_000, 37_950_000),
        (60_000_000, 2_530_000, (date(2027, 1, 5),), False, 0, 37_950_000),  # same year
        (60_000_000, 2_530_000, (date(2024, 3, 1), date(2025, 3, 1)), False, 0, 37_950_000),
    ],
)
def test_retraining_support_caps_and_limits(tuition, base, earlier, eligible, amount, cap):
    item = retraining_support(tuition, base, on=date(2027, 9, 1), earlier_supports=earlier)
    assert (item.eligible, item.amount_vnd, item.cap_vnd) == (eligible, amount, cap)
    assert "Điều 55" in item.basis
