"""The year-end projection of a monthly count (deaths in work accidents) for the directive tracker.

Method (docs/statistics.md "Directive tracker and process analytics"): a Poisson generalised
linear model (statsmodels ``GLM``, log link) of the monthly counts of the full months before
today, with the month's workforce as exposure (offset ``log(workers)``). With a rich history —
two years or more and at least 30 events — the model also has a linear trend in years and one
annual harmonic (``sin``/``cos`` of the month) for seasonality; with less it is a constant
rate per worker, since a trend fitted to a handful of deaths extrapolates wildly.

The rest of the year is predicted by simulation: 4,000 draws of the coefficients from their
estimated normal distribution, and for each draw a Poisson count for every remaining month
(the running month only for its remaining days). The year-end value is the count observed so
far plus the expected rest; its 90 % band is the 5th and 95th percentiles of the simulated
totals (the band carries both the parameter uncertainty and the Poisson noise). A fixed random
seed makes the answer reproducible.

Pure: no Flask, no database. statsmodels is imported on first use (it takes a second or two
once per process) and each answer is cached for the same inputs.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache

# Draws of the simulation and the band's percentiles (a 90 % interval).
DRAWS = 4000
BAND = (5.0, 95.0)
SEED = 20240319  # Directive 31-CT/TW's date: any fixed seed makes the answer reproducible
# Fewer full months than this: no model is fitted, the projection is None.
MIN_MONTHS = 6
# The trend and the season need two years of history and enough events to be told from noise.
RICH_MONTHS = 24
RICH_EVENTS = 30


@dataclass(frozen=True)
class MonthCount:
    """One full month of history: ``year``, ``month`` (1-12), the ``count`` that occurred in
    it and the ``workers`` exposed (the year's workforce; > 0)."""

    year: int
    month: int
    count: int
    workers: int


@dataclass(frozen=True)
class YearProjection:
    """The projected total of the running year: ``value`` (expected), ``low`` / ``high`` (90 %
    band), all counts (not rounded); ``observed`` is the part already counted; ``rest`` the
    expected count of each month still to come, ``(month, count)`` (the running month's for its
    remaining days)."""

    value: float
    low: float
    high: float
    observed: int
    rest: tuple[tuple[int, float], ...] = ()


def project_year(
    history: tuple[MonthCount, ...],
    *,
    year: int,
    month: int,
    month_fraction_left: float,
    observed: int,
    workers: int,
) -> YearProjection | None:
    """Project the running year's total count.

    :param history: full months before today (any years, the running year's included), in any
        order; months without an event must be present with ``count=0``.
    :param year: the running year; ``month``: its running month (1-12).
    :param month_fraction_left: the share (0-1) of the running month still to come.
    :param observed: the count of the running year so far (its full months and today's part).
    :param workers: the running year's workforce (> 0).
    :returns: None when the history is shorter than ``MIN_MONTHS`` or no workforce is known;
        otherwise the projection. A history without any event projects the observed count
        (the model has no rate to go on; the band is the observed count too).
    """
    usable = tuple(h for h in history if h.workers > 0)
    if len(usable) < MIN_MONTHS or workers <= 0:
        return None
    if not any(h.count for h in usable):
        return YearProjection(float(observed), float(observed), float(observed), observed)
    return _project(
        tuple(sorted(usable, key=lambda h: (h.year, h.month))),
        year,
        month,
        round(min(max(month_fraction_left, 0.0), 1.0), 4),
        observed,
        workers,
    )


def _design(year_offset: float, month: int, rich: bool) -> list[float]:
    if not rich:
        return [1.0]
    angle = 2 * math.pi * (month - 1) / 12
    return [1.0, year_offset, math.sin(angle), math.cos(angle)]


@lru_cache(maxsize=64)
def _project(
    history: tuple[MonthCount, ...],
    year: int,
    month: int,
    fraction_left: float,
    observed: int,
    workers: int,
) -> YearProjection:
    import numpy as np
    import statsmodels.api as sm

    rich = len(history) >= RICH_MONTHS and sum(h.count for h in history) >= RICH_EVENTS
    # The trend is in years from the running year's start (its January has offset 0).
    x = np.array([_design(h.year + (h.month - 1) / 12 - year, h.month, rich) for h in history])
    y = np.array([h.count for h in history], dtype=float)
    offset = np.log(np.array([h.workers / 12 for h in history], dtype=float))
    with warnings.catch_warnings():
        # A short, sparse history can leave the fit at its iteration limit; the estimate is
        # still the best the data give, and the band shows how little they say.
        warnings.simplefilter("ignore")
        result = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
    params = np.asarray(result.params)
    cov = np.asarray(result.cov_params())
    # The months still to come, each with its share of exposure.
    rest = [(m, fraction_left if m == month else 1.0) for m in range(month, 13)]
    rest = [(m, share) for m, share in rest if share > 0]
    if not rest:
        return YearProjection(float(observed), float(observed), float(observed), observed)
    future = np.array([_design((m - 1) / 12, m, rich) for m, _ in rest])
    exposure = np.array([workers / 12 * share for _, share in rest])
    rng = np.random.default_rng(SEED)
    betas = rng.multivariate_normal(params, cov, size=DRAWS, method="eigh")
    # Cap the linear predictor: a wild draw of a barely identified trend must not overflow.
    means = np.exp(np.clip(betas @ future.T, -50, 20)) * exposure
    totals = observed + rng.poisson(means).sum(axis=1)
    monthly = np.exp(future @ params) * exposure
    low, high = np.percentile(totals, BAND)
    return YearProjection(
        observed + float(monthly.sum()),
        float(low),
        float(high),
        observed,
        tuple((m, float(v)) for (m, _), v in zip(rest, monthly, strict=True)),
    )
