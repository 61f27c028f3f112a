"""Employer compensation (Law 84/2015 Art. 38) and social-insurance benefits (Art. 48-53).

Expected amounts are written out by hand from law.md §14 so that a formula slip in the code
cannot hide behind the same slip in the test.
"""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.law import InvalidInputError
from workflows.law.compensation import compensation, insurance_benefit, round_vnd

L = 10_000_000  # average wage of the 6 months before the accident (law.md §14)
W = 10_000_000  # insured wage of the month before
Y = 6
B_2024 = 2_340_000
B_2026 = 2_530_000


# --- law.md §14 worked examples E1-E9 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "pct", "death", "at_fault", "months", "amount"),
    [
        ("E1 8%", 8, False, False, Decimal("1.5"), 15_000_000),
        ("E2 25%", 25, False, False, Decimal("7.5"), 75_000_000),
        ("E3 25% at fault", 25, False, True, Decimal(3), 30_000_000),
        ("E4 death", 0, True, False, Decimal(30), 300_000_000),
        ("E5 death at fault", 0, True, True, Decimal(12), 120_000_000),
    ],
)
def test_worked_examples_compensation(name, pct, death, at_fault, months, amount):
    result = compensation(pct, L, death=death, worker_at_fault=at_fault)
    assert result.eligible
    assert result.months == months
    assert result.amount_vnd == amount


@pytest.mark.parametrize(
    ("name", "pct", "death", "serving", "base", "kind", "amount", "lump", "seniority"),
    [
        ("E6", 20, False, False, B_2024, "one_time", 49_250_000, 29_250_000, 20_000_000),
        ("E6'", 20, False, False, B_2026, "one_time", 51_625_000, 31_625_000, 20_000_000),
        ("E7", 45, False, False, B_2024, "monthly", 1_557_200, 1_357_200, 200_000),
        ("E7'", 45, False, False, B_2026, "monthly", 1_667_400, 1_467_400, 200_000),
        ("E8", 85, False, True, B_2024, "monthly", 5_769_200, 3_229_200, 200_000),
        ("E8'", 85, False, True, B_2026, "monthly", 6_221_400, 3_491_400, 200_000),
        ("E9", 0, True, False, B_2024, "death", 84_240_000, 84_240_000, 0),
        ("E9'", 0, True, False, B_2026, "death", 91_080_000, 91_080_000, 0),
    ],
)
def test_worked_examples_insurance(name, pct, death, serving, base, kind, amount, lump, seniority):
    result = insurance_benefit(pct, W, Y, death, base, serving_allowance=serving)
    assert result.eligible
    assert result.kind == kind
    assert result.amount_vnd == amount
    assert result.base_salary_vnd == base
    assert result.lump_sum_part_vnd == lump
    assert result.seniority_part_vnd == seniority
    assert result.serving_allowance_vnd == (base if serving else 0)


def test_contract_examples():
    """The two request/response examples of contract.md "Calculations"."""
    comp = compensation(25, 10_000_000, death=False, worker_at_fault=False)
    assert (comp.eligible, comp.months, comp.amount_vnd) == (True, Decimal("7.5"), 75_000_000)
    ins = insurance_benefit(45, 10_000_000, 6, False, 2_340_000)
    assert (ins.eligible, ins.kind, ins.amount_vnd) == (True, "monthly", 1_557_200)


# --- band boundaries --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pct", "eligible", "months", "amount"),
    [
        (0, False, Decimal(0), 0),
        (4, False, Decimal(0), 0),
        (Decimal("4.9"), False, Decimal(0), 0),
        (5, True, Decimal("1.5"), 15_000_000),
        (10, True, Decimal("1.5"), 15_000_000),
        (Decimal("10.5"), True, Decimal("1.7"), 17_000_000),
        (11, True, Decimal("1.9"), 19_000_000),
        (30, True, Decimal("9.5"), 95_000_000),
        (31, True, Decimal("9.9"), 99_000_000),
        (50, True, Decimal("17.5"), 175_000_000),
        (80, True, Decimal("29.5"), 295_000_000),
        (81, True, Decimal(30), 300_000_000),
        (100, True, Decimal(30), 300_000_000),
        (25.0, True, Decimal("7.5"), 75_000_000),
    ],
)
def test_compensation_bands(pct, eligible, months, amount):
    result = compensation(pct, L)
    assert (result.eligible, result.months, result.amount_vnd) == (eligible, months, amount)


@pytest.mark.parametrize(
    ("pct", "base", "kind", "amount"),
    [
        (4, B_2024, None, 0),
        (5, B_2024, "one_time", 31_700_000),
        (10, B_2024, "one_time", 37_550_000),
        (11, B_2024, "one_time", 38_720_000),
        (30, B_2024, "one_time", 60_950_000),
        (31, B_2024, "monthly", 902_000),
        (80, B_2024, "monthly", 3_195_200),
        (81, B_2024, "monthly", 3_242_000),
        (100, B_2024, "monthly", 4_131_200),
        (4, B_2026, None, 0),
        (5, B_2026, "one_time", 32_650_000),
        (10, B_2026, "one_time", 38_975_000),
        (11, B_2026, "one_time", 40_240_000),
        (30, B_2026, "one_time", 64_275_000),
        (31, B_2026, "monthly", 959_000),
        (80, B_2026, "monthly", 3_438_400),
        (81, B_2026, "monthly", 3_489_000),
    ],
)
def test_insurance_bands(pct, base, kind, amount):
    result = insurance_benefit(pct, W, Y, False, base)
    assert result.kind == kind
    assert result.eligible is (kind is not None)
    assert result.amount_vnd == amount


def test_insurance_between_30_and_31_uses_the_starting_monthly_rate():
    """A fractional 30.5 % is monthly at 30 % of B, never extrapolated below it."""
    result = insurance_benefit(Decimal("30.5"), W, Y, False, B_2024)
    assert result.kind == "monthly"
    assert result.lump_sum_part_vnd == 702_000


@pytest.mark.parametrize(
    ("years", "pct", "seniority"),
    [
        (0, 20, 5_000_000),
        (1, 20, 5_000_000),
        (2, 20, 8_000_000),
        (0, 45, 50_000),
        (1, 45, 50_000),
        (2, 45, 80_000),
    ],
)
def test_a_year_or_less_of_contributions_counts_as_one(years, pct, seniority):
    result = insurance_benefit(pct, W, years, False, B_2024)
    assert result.seniority_part_vnd == seniority
    assert result.amount_vnd == result.lump_sum_part_vnd + seniority


def test_below_five_percent_owes_only_treatment_costs_and_wages():
    result = compensation(4, L, worker_at_fault=True)
    assert not result.eligible
    assert "Điều 38 khoản 2-3" in result.basis


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({}, "Điều 38 khoản 4"),
        ({"death": True}, "Điều 38 khoản 4 điểm b"),
        ({"worker_at_fault": True}, "Điều 38 khoản 5"),
    ],
)
def test_compensation_basis_names_the_article(kwargs, fragment):
    assert fragment in compensation(25, L, **kwargs).basis


def test_death_needs_no_percentage():
    assert compensation(None, L, death=True).amount_vnd == 300_000_000
    assert insurance_benefit(None, W, Y, True, B_2026).amount_vnd == 91_080_000


def test_amounts_round_half_up_at_the_end():
    assert compensation(5, 3).amount_vnd == 5  # 4.5 VND, not banker's 4
    assert round_vnd(Decimal("2.5")) == 3
    assert round_vnd(Decimal("2.4999")) == 2


# --- nonsense input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pct", "wage"),
    [
        (25, -1),
        (-1, L),
        (Decimal("100.1"), L),
        (101, L),
        (float("nan"), L),
        (Decimal("Infinity"), L),
        (True, L),
        ("25", L),
        (None, L),
        (25, 1.5),
    ],
)
def test_compensation_rejects_nonsense(pct, wage):
    with pytest.raises(ValueError):
        compensation(pct, wage)


@pytest.mark.parametrize(
    ("pct", "wage", "years", "death", "base", "serving"),
    [
        (25, -1, Y, False, B_2024, False),
        (-1, W, Y, False, B_2024, False),
        (101, W, Y, False, B_2024, False),
        (25, W, -1, False, B_2024, False),
        (25, W, 1.5, False, B_2024, False),
        (25, W, Y, False, 0, False),
        (25, W, Y, False, -B_2024, False),
        (80, W, Y, False, B_2024, True),
        (90, W, Y, True, B_2024, True),
    ],
)
def test_insurance_rejects_nonsense(pct, wage, years, death, base, serving):
    with pytest.raises(ValueError):
        insurance_benefit(pct, wage, years, death, base, serving_allowance=serving)


# --- properties -------------------------------------------------------------------------------

percents = st.one_of(
    st.integers(min_value=0, max_value=100),
    st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False),
)
wages = st.integers(min_value=0, max_value=1_000_000_000)


@given(a=percents, b=percents, wage=wages, at_fault=st.booleans())
def test_compensation_never_decreases_as_loss_grows(a, b, wage, at_fault):
    low, high = sorted((Decimal(a), Decimal(b)))
    assert (
        compensation(low, wage, worker_at_fault=at_fault).amount_vnd
        <= compensation(high, wage, worker_at_fault=at_fault).amount_vnd
    )


@given(pct=percents, wage=wages, death=st.booleans())
def test_at_fault_allowance_is_forty_percent(pct, wage, death):
    full = compensation(pct, wage, death=death)
    at_fault = compensation(pct, wage, death=death, worker_at_fault=True)
    assert at_fault.months == full.months * Decimal("0.4")
    assert at_fault.amount_vnd == round_vnd(Decimal("0.4") * full.months * wage)


@given(
    a=st.integers(min_value=5, max_value=30),
    b=st.integers(min_value=5, max_value=30),
    wage=wages,
    years=st.integers(min_value=0, max_value=45),
    base=st.integers(min_value=1, max_value=10_000_000),
)
def test_one_time_benefit_never_decreases_as_loss_grows(a, b, wage, years, base):
    low, high = sorted((a, b))
    first = insurance_benefit(low, wage, years, False, base)
    second = insurance_benefit(high, wage, years, False, base)
    assert first.kind == second.kind == "one_time"
    assert first.amount_vnd <= second.amount_vnd


@given(
    a=st.decimals(min_value=31, max_value=100, places=1, allow_nan=False, allow_infinity=False),
    b=st.decimals(min_value=31, max_value=100, places=1, allow_nan=False, allow_infinity=False),
    wage=wages,
    years=st.integers(min_value=0, max_value=45),
    base=st.integers(min_value=1, max_value=10_000_000),
)
def test_monthly_benefit_never_decreases_as_loss_grows(a, b, wage, years, base):
    low, high = sorted((a, b))
    first = insurance_benefit(low, wage, years, False, base)
    second = insurance_benefit(high, wage, years, False, base)
    assert first.kind == second.kind == "monthly"
    assert first.amount_vnd <= second.amount_vnd


@given(
    pct=st.decimals(min_value=5, max_value=100, places=2, allow_nan=False, allow_infinity=False),
    wage=wages,
    years=st.integers(min_value=0, max_value=45),
    base=st.integers(min_value=1, max_value=10_000_000),
)
def test_insurance_parts_sum_to_the_amount(pct, wage, years, base):
    result = insurance_benefit(pct, wage, years, False, base, serving_allowance=pct >= 81)
    parts = result.lump_sum_part_vnd + result.seniority_part_vnd + result.serving_allowance_vnd
    assert parts == result.amount_vnd


def test_a_wrong_type_is_both_a_type_error_and_a_value_error():
    with pytest.raises(TypeError):
        compensation("25", L)
    with pytest.raises(InvalidInputError):
        insurance_benefit(25, W, 1.5, False, B_2024)
