"""Accident severity, investigation level and limits (Law 84/2015 Art. 34-35; Decree 39/2016)."""

from datetime import date

import pytest

from workflows.law.classification import (
    investigation_days,
    investigation_level,
    max_extension_days,
    may_extend,
    needs_immediate_notice,
    needs_quick_report,
    severity,
)
from workflows.law.rules import RuleBook

RULES = RuleBook()
ON = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("outcomes", "labour_relation", "level", "sev", "days", "notice"),
    [
        (["death"], True, "province", "fatal", 30, True),
        (["death", "light"], True, "province", "fatal", 30, True),
        (["serious", "serious"], True, "province", "serious", 20, True),
        (["serious", "serious", "light"], True, "province", "serious", 20, True),
        (["serious"], True, "enterprise", "serious", 7, False),
        (["serious", "light", "light"], True, "enterprise", "serious", 7, False),
        (["light"], True, "enterprise", "light", 4, False),
        (["light", "light"], True, "enterprise", "light", 4, False),
        # workers without a labour relation (law §3.1, Decree 129/2025 Art. 43(1))
        (["death"], False, "province", "fatal", 30, True),
        (["serious", "serious"], False, "province", "serious", 20, True),
        (["serious"], False, "commune_record", "serious", 7, False),
        (["light"], False, "commune_record", "light", 4, False),
    ],
)
def test_classification_table(outcomes, labour_relation, level, sev, days, notice):
    assert severity(outcomes) == sev
    assert investigation_level(outcomes, labour_relation) == level
    assert investigation_days(outcomes, False, RULES, ON) == days
    assert needs_immediate_notice(outcomes) is notice


@pytest.mark.parametrize("outcomes", [["death"], ["serious"], ["serious", "serious"], ["light"]])
def test_technical_exam_allows_sixty_days(outcomes):
    assert investigation_days(outcomes, True, RULES, ON) == 60


def test_investigation_days_read_the_rule_in_force():
    rules = RuleBook.with_rows([("investigation_days.fatal", date(2030, 1, 1), 45)])
    assert investigation_days(["death"], False, rules, date(2029, 12, 31)) == 30
    assert investigation_days(["death"], False, rules, date(2030, 1, 1)) == 45


def test_investigation_days_before_the_law_raise_lookup_error():
    with pytest.raises(LookupError):
        investigation_days(["light"], False, RULES, date(2016, 6, 30))


def test_outcomes_may_be_any_iterable():
    assert severity(o for o in ("light", "death")) == "fatal"


@pytest.mark.parametrize(("sev", "allowed"), [("fatal", True), ("serious", True), ("light", False)])
def test_extension_is_never_allowed_for_light_accidents(sev, allowed):
    assert may_extend(sev) is allowed


@pytest.mark.parametrize("days", [4, 7, 20, 30, 60])
def test_extension_is_at_most_the_original_limit(days):
    assert max_extension_days(days) == days


@pytest.mark.parametrize(
    "call",
    [
        lambda: severity([]),
        lambda: severity(["dead"]),
        lambda: severity("death"),
        lambda: investigation_level([], True),
        lambda: investigation_level(["serious", "minor"], False),
        lambda: investigation_days([], False, RULES, ON),
        lambda: needs_immediate_notice(["Death"]),
        lambda: may_extend("minor"),
        lambda: max_extension_days(0),
        lambda: max_extension_days(-7),
        lambda: max_extension_days(True),
    ],
)
def test_nonsense_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize(
    ("outcomes", "due"),
    [
        (["death"], True),
        (["light", "death"], True),
        (["serious", "serious"], True),
        (["serious", "light", "serious"], True),
        (["serious"], False),
        (["serious", "light", "light"], False),
        (["light", "light", "light"], False),
    ],
)
def test_quick_report_for_fatal_or_two_seriously_injured(outcomes, due):
    # Law 84/2015 Art. 36(3)(a): each fatal accident and each with 2+ seriously injured.
    assert needs_quick_report(outcomes) is due


def test_a_death_recorded_later_makes_an_accident_need_a_quick_report():
    declared = ["serious", "light"]
    assert needs_quick_report(declared) is False
    assert needs_quick_report(["death", "light"]) is True  # the seriously injured worker died


@pytest.mark.parametrize("outcomes", [[], ["dead"], "death"])
def test_quick_report_rule_refuses_bad_outcomes(outcomes):
    with pytest.raises(ValueError):
        needs_quick_report(outcomes)
