"""The directive tracker: where the city stands against Directive 31-CT/TW's three yearly targets.

``GET /statistics/targets?year=`` and the tracker page (contract.md "Statistics and reports"):

- ``fatal_rate``: K_fatal of the year — deaths per 1,000 workers among the city's accidents with
  a labour relation (``statistics.deaths`` and ``workforce``, on the one definition of what
  counts) over the city's workforce;
- ``od_examinations``: the workers examined for occupational disease, the sum of
  ``od_examined_workers`` in the enterprises' annual reports of the year;
- ``monitored_workplaces``: the enterprises whose annual report says their working environment
  was monitored (``environment_monitored``).

An annual report counts once filed (state ``submitted`` or ``accepted``), with the figures it
was filed with (``data["submitted"]["figures"]``). Each target compares the year with the year
before (the baseline) against its goal, a rules-table value (``target.*``, in force on the
year's last day). For the running year (Vietnam time) the fatal rate carries a projection of the
year-end value (``app.services.projection``) and its status says whether the projection reaches
the goal; the report-based targets are known only after the year, so they have no projection.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.clock import now
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.i18n import N_
from app.models import Case, Victim
from app.services.projection import MonthCount, YearProjection, project_year
from app.services.rulebook import load_rulebook
from app.services.statistics import (
    Query,
    analytic_session,
    counted_accidents,
    deaths,
    local_month,
    workforce,
)
from workflows.inputs import int_from_text
from workflows.law.calendar import VN_TZ
from workflows.law.reporting import (
    ENTERPRISE_ACCIDENTS,
    TARGETS,
    change_pct,
    per_thousand,
    target_status,
)
from workflows.law.rules import RuleBook

FILED = ("submitted", "accepted")
# Full years of history the projection's model is fitted to, before the running year.
HISTORY_YEARS = 3
TARGET_LABELS: dict[str, tuple[str, str]] = {
    "fatal_rate": (
        "Tần suất tai nạn lao động chết người (K chết, ‰)",
        "Fatal accident rate (deaths per 1,000 workers)",
    ),
    "od_examinations": (
        "Số người lao động được khám phát hiện bệnh nghề nghiệp",
        "Workers examined for occupational disease",
    ),
    "monitored_workplaces": (
        "Số cơ sở được quan trắc môi trường lao động",
        "Workplaces whose working environment was monitored",
    ),
}
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "met": ("Đạt", "Met"),
    "on_track": ("Đúng hướng", "On track"),
    "off_track": ("Chưa đạt", "Off track"),
    "no_data": ("Chưa có số liệu", "No data"),
}


def may_see_city_targets(user) -> bool:
    """The tracker is the city's: inspectors, administrators and the city trade-union
    federation (a union account without an enterprise)."""
    role = getattr(user, "role", None)
    return role in ("inspector", "admin") or (role == "union" and not user.enterprise_id)


def first_tracked_year(rules: RuleBook) -> int:
    """The first year whose targets are all set: each target's goal is read on 31 December
    (``targets_for``), so a year before the earliest goal row has nothing to measure against."""
    return max(rules.history(rule)[0][0].year for rule, _lower in TARGETS.values())


def parse_year(text: str | None, *, today: date | None = None) -> int:
    """``?year=`` → the year (default: the running year, Vietnam time).

    :raises ValidationFailed: not a year from :func:`first_tracked_year` to the running year.
    """
    running = (today or local_today()).year
    if text in (None, ""):
        return running
    first = first_tracked_year(load_rulebook())
    year = int_from_text(text)
    if year is None or not first <= year <= running:
        raise ValidationFailed(
            {"year": [N_("Năm phải từ %(first)s đến %(year)s.", first=first, year=running)]}
        )
    return year


def local_today() -> date:
    return now().astimezone(VN_TZ).date()


def directive_targets(user, year_text: str | None) -> list[dict[str, Any]]:
    """The contract's list for the year ``?year=`` names (:func:`parse_year`), one item per
    target (in :data:`TARGETS`' order): ``{"target", "baseline_year", "baseline", "value",
    "change_pct", "goal_pct", "status", "projection": {"value", "low", "high"} | None}``.
    Rates in ‰ (2 decimals), counts whole.

    :raises PermissionDenied: ``user`` may not see the city's targets (checked first).
    :raises ValidationFailed: not a year (:func:`parse_year`).
    """
    if not may_see_city_targets(user):
        raise PermissionDenied(N_("Chỉ thanh tra, quản trị và công đoàn thành phố xem chỉ tiêu."))
    return targets_for(parse_year(year_text))


def targets_for(year: int, *, today: date | None = None) -> list[dict[str, Any]]:
    """:func:`directive_targets` without the role check (the city's home page, jobs)."""
    today = today or local_today()
    rules = load_rulebook()
    running = year == today.year
    reports = {y: annual_report_figures(y) for y in (year - 1, year)}
    values: dict[str, tuple[float | int | None, float | int | None]] = {
        "fatal_rate": (fatal_rate(year - 1), fatal_rate(year, until=today)),
        "od_examinations": (
            _sum_of(reports[year - 1], "od_examined_workers"),
            _sum_of(reports[year], "od_examined_workers"),
        ),
        "monitored_workplaces": (
            _count_true(reports[year - 1], "environment_monitored"),
            _count_true(reports[year], "environment_monitored"),
        ),
    }
    answer = []
    for target, (rule, lower_is_better) in TARGETS.items():
        baseline, value = values[target]
        goal = float(rules.get(rule, date(year, 12, 31)))
        projection = None
        if running and target == "fatal_rate":
            projection = fatal_rate_projection(year, today)
        change = change_pct(baseline, value)
        projected_change = (
            change_pct(baseline, projection["value"]) if projection is not None else None
        )
        if running and projection is None:
            # A year still running has no final value: the fatal rate so far says nothing of
            # the year without a projection; annual figures filed early are judged as they are.
            status = (
                "no_data"
                if change is None or target == "fatal_rate"
                else _running_status(change, goal, target)
            )
        else:
            status = target_status(
                change, goal, lower_is_better=lower_is_better, projected=projected_change
            )
        answer.append(
            {
                "target": target,
                "baseline_year": year - 1,
                "baseline": baseline,
                "value": value,
                "change_pct": change,
                "goal_pct": goal,
                "status": status,
                "projection": projection,
            }
        )
    return answer


def _running_status(change: float, goal: float, target: str) -> str:
    # Annual figures filed already for a running year (an early report): judge them as they
    # stand, on track or not, never "met" before the year is over.
    reached = target_status(change, goal, lower_is_better=TARGETS[target][1])
    return "on_track" if reached == "met" else "off_track"


# -- the fatal rate ------------------------------------------------------------------------------


def fatal_rate(year: int, *, until: date | None = None) -> float | None:
    """K_fatal of ``year`` (to ``until`` when given): deaths per 1,000 workers among the city's
    accidents with a labour relation; None without a known workforce."""
    last = min(date(year, 12, 31), until) if until else date(year, 12, 31)
    query = Query(date(year, 1, 1), last, labour_relation=True)
    # The same numbers as figures_for's k_fatal, without its breakdowns.
    return per_thousand(deaths(query), workforce(query))


def _year_workforce(year: int) -> int:
    return workforce(Query(date(year, 1, 1), date(year, 12, 31), labour_relation=True))


def monthly_deaths(first: date, last: date) -> Counter[tuple[int, int]]:
    """(year, month) → deaths of the city's accidents with a labour relation that occurred in
    that month (Vietnam time), from ``first`` to ``last``; counted by month in SQL."""
    month = local_month(Case.occurred_at)
    analytic_session()
    rows = db.session.execute(
        select(month, func.count(Victim.id))
        .select_from(Case)
        .join(Victim, Victim.case_id == Case.id)
        .where(
            *counted_accidents(Query(first, last, labour_relation=True)),
            Victim.outcome == "death",
        )
        .group_by(month)
    )
    months: Counter[tuple[int, int]] = Counter()
    for text, count in rows:
        year, number = (int(part) for part in text.split("-"))
        months[(year, number)] += int(count)
    return months


def fatal_rate_projection(year: int, today: date) -> dict[str, float] | None:
    """The projected K_fatal of the running ``year`` at its end, with the 90 % band:
    ``{"value", "low", "high"}`` in ‰ (2 decimals); None when the workforce is unknown or the
    history is too short (``projection.MIN_MONTHS``)."""
    result = project_deaths(year, today)
    workers = _year_workforce(year)
    if result is None or not workers:
        return None
    return {
        "value": per_thousand(result.value, workers),
        "low": per_thousand(result.low, workers),
        "high": per_thousand(result.high, workers),
    }


def project_deaths(year: int, today: date) -> YearProjection | None:
    """The running year's projected deaths (see ``app.services.projection``): the history is
    every full month from ``HISTORY_YEARS`` before ``year`` (or from the first accident
    recorded, if later) to the month before ``today``."""
    first = date(year - HISTORY_YEARS, 1, 1)
    earliest = db.session.scalar(
        select(func.min(Case.occurred_at)).where(
            *counted_accidents(Query(first, today, labour_relation=True))
        )
    )
    if earliest is None:
        return None
    start = earliest.astimezone(VN_TZ).date().replace(day=1)
    months = monthly_deaths(start, today)
    workers = {y: _year_workforce(y) for y in range(start.year, year + 1)}
    history = []
    cursor = start
    while (cursor.year, cursor.month) < (today.year, today.month):
        key = (cursor.year, cursor.month)
        history.append(MonthCount(cursor.year, cursor.month, months.get(key, 0), workers[key[0]]))
        cursor = _next_month(cursor)
    observed = sum(count for (y, _), count in months.items() if y == year)
    days_in_month = (_next_month(today.replace(day=1)) - today.replace(day=1)).days
    return project_year(
        tuple(history),
        year=year,
        month=today.month,
        month_fraction_left=(days_in_month - today.day) / days_in_month,
        observed=observed,
        workers=workers[year],
    )


def monthly_chart(year: int, *, today: date | None = None) -> list[dict[str, Any]]:
    """The tracker's chart: deaths by month of ``year`` (``deaths``; None for months to come)
    and, for the running year, the model's expected deaths of each month still to come
    (``projected``, 1 decimal; the running month's for its remaining days)."""
    today = today or local_today()
    months = monthly_deaths(date(year, 1, 1), min(date(year, 12, 31), today))
    projection = project_deaths(year, today) if year == today.year else None
    rest = dict(projection.rest) if projection is not None else {}
    return [
        {
            "month": month,
            "deaths": months.get((year, month), 0) if (year, month) <= (today.year, today.month)
            else None,
            "projected": round(rest[month], 1) if month in rest else None,
        }
        for month in range(1, 13)
    ]  # fmt: skip


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


# -- the annual reports --------------------------------------------------------------------------


@dataclass(frozen=True)
class FiledFigures:
    enterprise_id: int
    figures: dict[str, Any]


def annual_report_figures(year: int) -> list[FiledFigures]:
    """The figures of the enterprises' annual reports for ``year`` as filed (submitted or
    accepted), one per enterprise. The year's reports are picked by their key
    (``reports.report_key``: form, party, period) and only their filed figures are read."""
    pattern = f"{ENTERPRISE_ACCIDENTS}:%:{year}"
    rows = db.session.execute(
        select(Case.enterprise_id, Case.data["submitted"]["figures"]).where(
            Case.kind == "report",
            Case.state.in_(FILED),
            Case.enterprise_id.is_not(None),
            Case.report_key.like(pattern),
        )
    )
    found = {eid: dict(figures or {}) for eid, figures in rows}
    return [FiledFigures(eid, figures) for eid, figures in sorted(found.items())]


def _sum_of(reports: list[FiledFigures], name: str) -> int | None:
    values = [r.figures[name] for r in reports if isinstance(r.figures.get(name), int)]
    return sum(values) if values else None


def _count_true(reports: list[FiledFigures], name: str) -> int | None:
    # No annual report filed: unknown, not zero.
    return sum(1 for r in reports if r.figures.get(name) is True) if reports else None
