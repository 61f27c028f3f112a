"""The projection model on synthetic monthly series (no database)."""

import numpy as np
import pytest

from app.services.projection import MIN_MONTHS, MonthCount, project_year

WORKERS = 50_000


def constant_history(rate: float, years=(2023, 2024, 2025), seed: int = 7) -> tuple:
    rng = np.random.default_rng(seed)
    return tuple(
        MonthCount(year, month, int(rng.poisson(rate)), WORKERS)
        for year in years
        for month in range(1, 13)
    )


@pytest.mark.parametrize("rate", [2.0, 6.0])
def test_a_constant_rate_projects_twelve_times_the_rate_within_the_band(rate):
    """A whole year ahead (January 1st): the projected year ≈ 12 × rate, inside its band."""
    result = project_year(
        constant_history(rate), year=2026, month=1, month_fraction_left=1.0, observed=0,
        workers=WORKERS,
    )  # fmt: skip
    expected = 12 * rate
    assert result.low <= expected <= result.high
    assert result.low <= result.value <= result.high
    assert abs(result.value - expected) <= 0.35 * expected
    # A 90 % band of a Poisson total is about ±1.645 √(12 × rate) wide at least.
    assert result.high - result.low >= 2 * 1.645 * (expected**0.5) * 0.8


def test_the_observed_part_is_added_to_the_predicted_rest():
    history = constant_history(3.0) + tuple(MonthCount(2026, m, 3, WORKERS) for m in range(1, 7))
    half = project_year(
        history, year=2026, month=7, month_fraction_left=1.0, observed=18, workers=WORKERS
    )
    assert half.observed == 18
    # Six months remain at about 3 a month.
    assert 18 + 6 * 3 * 0.65 <= half.value <= 18 + 6 * 3 * 1.35
    assert half.low >= 18


def test_the_last_day_of_the_year_projects_what_was_observed():
    history = constant_history(3.0)[:-1]
    result = project_year(
        history, year=2025, month=12, month_fraction_left=0.0, observed=40, workers=WORKERS
    )
    assert (result.value, result.low, result.high) == (40.0, 40.0, 40.0)


def test_too_short_a_history_or_no_workforce_gives_no_projection():
    short = constant_history(3.0)[: MIN_MONTHS - 1]
    assert project_year(short, year=2024, month=6, month_fraction_left=1.0, observed=0,
                        workers=WORKERS) is None  # fmt: skip
    assert project_year(constant_history(3.0), year=2026, month=1, month_fraction_left=1.0,
                        observed=0, workers=0) is None  # fmt: skip


def test_a_history_without_any_event_projects_the_observed_count():
    silent = tuple(MonthCount(2025, m, 0, WORKERS) for m in range(1, 13))
    result = project_year(silent, year=2026, month=3, month_fraction_left=0.5, observed=1,
                          workers=WORKERS)  # fmt: skip
    assert (result.value, result.low, result.high) == (1.0, 1.0, 1.0)


def test_the_same_inputs_give_the_same_answer():
    args = dict(year=2026, month=4, month_fraction_left=0.3, observed=5, workers=WORKERS)
    assert project_year(constant_history(4.0), **args) == project_year(
        constant_history(4.0), **args
    )
