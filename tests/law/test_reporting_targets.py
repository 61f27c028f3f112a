"""The directive targets' arithmetic: change against the baseline and the status it earns."""

import pytest

from workflows.law.reporting import TARGETS, change_pct, target_status


def test_change_is_a_percentage_of_the_baseline_to_one_decimal():
    assert change_pct(100, 110) == 10.0
    assert change_pct(1.5, 1.0) == -33.3
    assert change_pct(3, 4) == 33.3


@pytest.mark.parametrize("baseline, value", [(None, 1), (1, None), (0, 5)])
def test_change_is_unknown_without_both_figures_or_with_a_zero_baseline(baseline, value):
    assert change_pct(baseline, value) is None


@pytest.mark.parametrize(
    "change, expected",
    [(-4.0, "met"), (-9.1, "met"), (-3.9, "off_track"), (2.0, "off_track"), (None, "no_data")],
)
def test_a_rate_that_must_fall_is_met_by_a_fall_of_at_least_the_goal(change, expected):
    assert target_status(change, -4.0, lower_is_better=True) == expected


@pytest.mark.parametrize(
    "change, expected", [(5.0, "met"), (10.0, "met"), (4.9, "off_track"), (-1.0, "off_track")]
)
def test_a_count_that_must_rise_is_met_by_a_rise_of_at_least_the_goal(change, expected):
    assert target_status(change, 5.0, lower_is_better=False) == expected


def test_a_running_year_is_judged_by_its_projected_change_never_met():
    assert target_status(-20.0, -4.0, lower_is_better=True, projected=-6.0) == "on_track"
    assert target_status(-20.0, -4.0, lower_is_better=True, projected=1.0) == "off_track"
    assert target_status(None, 5.0, lower_is_better=False, projected=7.0) == "on_track"


def test_only_the_fatal_rate_must_fall():
    assert {name: lower for name, (_, lower) in TARGETS.items()} == {
        "fatal_rate": True,
        "od_examinations": False,
        "monitored_workplaces": False,
    }
