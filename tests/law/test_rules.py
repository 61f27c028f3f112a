"""Dated rules and their lookup (base salary decrees; time limits of law.md §13)."""

from datetime import date, datetime

import pytest

from workflows.law.rules import DEFAULT_RULES, RULE_DESCRIPTIONS, RuleBook

RULES = RuleBook()


@pytest.mark.parametrize(
    ("on", "salary"),
    [
        (date(2019, 7, 1), 1_490_000),
        (date(2023, 6, 30), 1_490_000),
        (date(2023, 7, 1), 1_800_000),
        (date(2024, 6, 30), 1_800_000),
        (date(2024, 7, 1), 2_340_000),
        (date(2026, 6, 30), 2_340_000),
        (date(2026, 7, 1), 2_530_000),
        (date(2040, 1, 1), 2_530_000),
    ],
)
def test_base_salary_in_force_on_a_day(on, salary):
    assert RULES.base_salary(on) == salary
    assert RULES.get("base_salary_vnd", on) == salary


def test_base_salary_before_july_2019_is_unknown():
    with pytest.raises(LookupError, match="base_salary_vnd"):
        RULES.base_salary(date(2019, 6, 30))


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("investigation_days.light", 4),
        ("investigation_days.serious_one", 7),
        ("investigation_days.serious_many", 20),
        ("investigation_days.fatal", 30),
        ("investigation_days.technical_exam", 60),
        ("compensation_due_days", 5),
        ("insurance_filing_days", 30),
        ("insurance_decision_days", 10),
        ("complaint_window_days", 90),
        ("complaint_resolution_working_days", 10),
        ("scene_arrival_hours", 2),
        ("minutes_distribution_working_days", 3),
        ("reminder_before_hours", 24),
    ],
)
def test_default_time_limits(key, value):
    assert RULES.get(key, date(2026, 11, 20)) == value
    assert RULES.history(key) == ((date(2016, 7, 1), value),)


def test_every_rule_is_described_for_the_admin_page():
    assert RULE_DESCRIPTIONS.keys() == DEFAULT_RULES.keys()
    assert all(label and basis for label, basis in RULE_DESCRIPTIONS.values())
    assert RULES.keys() == frozenset(DEFAULT_RULES)


def test_unknown_key_raises_key_error():
    with pytest.raises(KeyError):
        RULES.get("no_such_rule", date(2026, 1, 1))


def test_a_key_with_no_rows_raises_lookup_error():
    with pytest.raises(LookupError, match="in force"):
        RuleBook({"empty": []}).get("empty", date(2026, 1, 1))


def test_rows_add_to_and_override_the_defaults():
    rules = RuleBook.with_rows(
        [
            ("base_salary_vnd", date(2028, 1, 1), 3_000_000),
            ("base_salary_vnd", date(2026, 7, 1), 2_600_000),
        ]
    )
    assert rules.base_salary(date(2026, 6, 30)) == 2_340_000
    assert rules.base_salary(date(2026, 7, 1)) == 2_600_000
    assert rules.base_salary(date(2028, 1, 1)) == 3_000_000
    assert RULES.base_salary(date(2026, 7, 1)) == 2_530_000


def test_rows_for_an_unknown_key_are_refused():
    with pytest.raises(ValueError, match="unknown rule key"):
        RuleBook.with_rows([("base_salary", date(2028, 1, 1), 3_000_000)])


def test_table_rows_are_validated():
    with pytest.raises(ValueError, match="two values"):
        RuleBook({"x": [(date(2020, 1, 1), 1), (date(2020, 1, 1), 2)]})
    with pytest.raises(TypeError, match="int or str"):
        RuleBook({"x": [(date(2020, 1, 1), 1.5)]})


def test_rule_book_is_immutable_and_copies_its_table():
    table = {"x": [(date(2020, 1, 1), 1)]}
    rules = RuleBook(table)
    table["x"].append((date(2021, 1, 1), 2))
    assert rules.get("x", date(2022, 1, 1)) == 1
    with pytest.raises(AttributeError):
        rules.holidays_added = frozenset()


def test_holiday_adjustments_are_carried_as_frozensets():
    added, removed = date(2026, 12, 31), date(2027, 2, 4)
    rules = RuleBook.with_rows([], holidays_added=[added], holidays_removed={removed})
    assert rules.holidays_added == frozenset({added})
    assert rules.holidays_removed == frozenset({removed})
    assert RULES.holidays_added == RULES.holidays_removed == frozenset()


def test_a_day_cannot_be_both_added_and_removed():
    day = date(2027, 1, 1)
    with pytest.raises(ValueError, match="both added and removed"):
        RuleBook(holidays_added={day}, holidays_removed={day})


def test_lookup_wants_a_local_date_not_a_datetime():
    with pytest.raises(TypeError):
        RULES.get("base_salary_vnd", datetime(2026, 7, 1, 12))
