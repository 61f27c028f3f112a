"""Statutory reporting: periods, due dates, frequency rates, age bands and the directive targets.

Pure functions (no Flask, no database) used by the ``report`` workflow, the statistics service
and the directive tracker. Sources: law.md §9 (Law 84/2015 Art. 36; Decree 39/2016 Art. 24 and
Appendices XII, XIV-XVI), Directive 31-CT/TW of 19/3/2024 for the targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# The statutory periodic report forms (báo cáo định kỳ) and who files each.
ENTERPRISE_ACCIDENTS = "enterprise_accidents"  # Decree 39 Appendix XII, the employer
COMMUNE_ACCIDENTS = "commune_accidents"  # Decree 39 Appendix XVI, UBND cấp xã
REPORT_FORMS: dict[str, str] = {ENTERPRISE_ACCIDENTS: "enterprise", COMMUNE_ACCIDENTS: "commune"}
FORM_LABELS: dict[str, tuple[str, str]] = {
    ENTERPRISE_ACCIDENTS: (
        "Báo cáo tổng hợp tình hình tai nạn lao động (Phụ lục XII, Nghị định 39/2016/NĐ-CP)",
        "Employer's accident summary report (Decree 39/2016 Appendix XII)",
    ),
    COMMUNE_ACCIDENTS: (
        "Báo cáo tai nạn lao động của người lao động không có quan hệ lao động "
        "(Phụ lục XVI, Nghị định 39/2016/NĐ-CP)",
        "Commune report on accidents of workers without a labour relation "
        "(Decree 39/2016 Appendix XVI)",
    ),
}

# The states of a case the statistics never count: a rejected declaration, and an accident's
# quick notice not completed yet (``notified``: its casualties are counts, not people — no
# gender, age or occupation to report). A notice counts once completed, as the one case it is,
# from its occurrence day like any accident: never twice.
UNCOUNTED_STATES = ("rejected", "notified")

_PERIOD = re.compile(r"^([0-9]{4})(-H1)?$")


@dataclass(frozen=True)
class Period:
    """A reporting period: the first half-year (``"2026-H1"``, 1 January – 30 June) or the
    whole year (``"2026"``). ``first`` and ``last`` are Vietnam-local days, both inclusive."""

    year: int
    half: bool

    @property
    def text(self) -> str:
        return f"{self.year}-H1" if self.half else str(self.year)

    @property
    def first(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last(self) -> date:
        return date(self.year, 6, 30) if self.half else date(self.year, 12, 31)

    @property
    def label_vi(self) -> str:
        return f"6 tháng đầu năm {self.year}" if self.half else f"Năm {self.year}"

    @property
    def label_en(self) -> str:
        return f"First half of {self.year}" if self.half else f"Year {self.year}"

    def __str__(self) -> str:
        return self.text


def parse_period(text: object) -> Period | None:
    """``"2026-H1"`` or ``"2026"`` → :class:`Period`; None for anything else (years
    2000-2999)."""
    if not isinstance(text, str):
        return None
    match = _PERIOD.match(text.strip())
    if match is None:
        return None
    year = int(match.group(1))
    if not 2000 <= year <= 2999:
        return None
    return Period(year, bool(match.group(2)))


def periods_ended_by(day: date) -> list[Period]:
    """The periods whose last day is before ``day`` and that end in ``day``'s year or the year
    before — what the scheduler opens reports for (idempotently) on ``day``."""
    candidates = [Period(day.year - 1, True), Period(day.year - 1, False), Period(day.year, True)]
    return [p for p in candidates if p.last < day]


def report_due_on(form: str, period: Period, rules, *, on: date | None = None) -> date:
    """The last day to file ``form`` for ``period`` (rules ``report_due.<form>.half|year``,
    MM-DD): a half-year report is due in its own year, an annual report in the next.

    :raises KeyError: unknown form.
    """
    if form not in REPORT_FORMS:
        raise KeyError(form)
    key = f"report_due.{form}.{'half' if period.half else 'year'}"
    month, day = (int(part) for part in str(rules.get(key, on or period.last)).split("-"))
    return date(period.year if period.half else period.year + 1, month, day)


def per_thousand(count: int, workers: int) -> float | None:
    """A frequency rate (tần suất): ``count`` ÷ ``workers`` × 1,000, rounded to 2 decimals;
    None when no workforce is known. K uses victims, K_fatal (K chết) deaths (law.md §9;
    Circular 27/2021's exact numerator is UNVERIFIED)."""
    if not workers:
        return None
    return round(count * 1000 / workers, 2)


# Age bands the provincial summary breaks victims down by (UNVERIFIED: Appendix XIV's bands).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("under_18", 0, 17),
    ("18_29", 18, 29),
    ("30_39", 30, 39),
    ("40_49", 40, 49),
    ("50_59", 50, 59),
    ("60_plus", 60, None),
)
UNKNOWN = "unknown"


def age_on(birth: date | None, day: date) -> int | None:
    """Whole years of age on ``day``; None without a birth date."""
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_band(birth: date | None, day: date) -> str:
    """The band of :data:`AGE_BANDS` a victim born on ``birth`` falls in on ``day``."""
    age = age_on(birth, day)
    if age is None or age < 0:
        return UNKNOWN
    for key, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return key
    return UNKNOWN


# The directive's targets (Directive 31-CT/TW, 19/3/2024): the rule holding each goal (% change
# a year against the year before) and whether lower is better.
TARGETS: dict[str, tuple[str, bool]] = {
    "fatal_rate": ("target.fatal_rate_pct", True),
    "od_examinations": ("target.od_examinations_pct", False),
    "monitored_workplaces": ("target.monitored_workplaces_pct", False),
}


def change_pct(baseline: float | None, value: float | None) -> float | None:
    """``value`` against ``baseline`` in % (1 decimal); None when either is missing or the
    baseline is 0."""
    if baseline in (None, 0) or value is None:
        return None
    return round((value - baseline) * 100 / baseline, 1)


def target_status(
    change: float | None, goal_pct: float, *, lower_is_better: bool, projected: float | None = None
) -> str:
    """``met`` when the change reaches the goal (a fall of at least |goal| when lower is
    better, a rise of at least goal otherwise); for a running year whose value is not final,
    ``on_track`` / ``off_track`` by the projected change; ``no_data`` without figures."""

    def reaches(pct: float) -> bool:
        return pct <= goal_pct if lower_is_better else pct >= goal_pct

    if projected is not None:
        return "on_track" if reaches(projected) else "off_track"
    if change is None:
        return "no_data"
    return "met" if reaches(change) else "off_track"
