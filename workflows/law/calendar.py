"""Calendar days and Vietnamese working days for statutory deadlines.

The law counts some limits in calendar days ("ngày", e.g. the investigation limits of Law
84/2015 Art. 35(6)) and others in working days ("ngày làm việc", e.g. resolving a complaint
within 10 working days under Decree 39/2016 Art. 17(1)(a)); law.md §13 marks them "d" and "wd".
A working day is a day that is not a Saturday, Sunday or Vietnamese public holiday (Labour Code
2019 Art. 112, including the Lunar New Year, Tết) — except the weekend days the government
swaps into working days to bridge a holiday (e.g. Saturday 26/04/2025 worked for Friday
02/05/2025 off; Saturday 22/08/2026 for Monday 31/08/2026). Both the public holidays and those
working weekend days come from the maintained ``holidays`` library (its ``weekend_workdays``),
adjusted by the administrator's added and removed dates (government announcements of swapped
days arrive late and are not always in the library). Days are judged in Vietnam local time
(UTC+7, no daylight saving), whatever the time zone of the input.

Note: the Civil Code 2015 Art. 148(5) moves a deadline whose last day is a day off to the next
working day; that rule is not applied here and is left to the caller.
"""

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

import holidays

from workflows.law import InvalidInputError

# Vietnam keeps UTC+7 all year; legal days ("ngày") are Vietnam-local days. The one definition:
# the workflows, the app's clock and its forms all import it from here.
VN_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class _LibraryYear:
    """What the ``holidays`` library says about one year: its public holidays (swapped days
    off included), the weekdays that make the weekend, and the weekend days worked instead."""

    days_off: frozenset[date]
    weekend: frozenset[int]
    working_weekend_days: frozenset[date]


@lru_cache(maxsize=64)
def _library_year(year: int) -> _LibraryYear:
    # Building a holidays calendar computes the lunar dates each time; cache it per year, as
    # frozen sets (the library's object fills itself in lazily, so it is not shared).
    calendar = holidays.country_holidays("VN", years=year)
    return _LibraryYear(
        days_off=frozenset(calendar),
        weekend=frozenset(calendar.weekend),
        # A swap can reach across New Year (27/12/2014 worked for 02/01/2015 off), so the
        # library lists every such day in every year; the set is read by date, not by year.
        working_weekend_days=frozenset(calendar.weekend_workdays),
    )


def is_working_day(
    d: date, added: AbstractSet[date] = frozenset(), removed: AbstractSet[date] = frozenset()
) -> bool:
    """Whether the Vietnam-local day ``d`` is a working day.

    Without adjustments: a weekday that is not a public holiday, or a weekend day the
    government swapped into a working day (both from the ``holidays`` library). ``added`` are
    extra days off, even a swapped working Saturday; ``removed`` are days that count as working
    days even if they fall on a public holiday or weekend (a make-up working day the library
    does not know yet). An administrator's adjustment always wins over the library.
    """
    if isinstance(d, datetime):
        raise TypeError("is_working_day takes a date; convert the datetime to Vietnam local first")
    if d in removed:
        return True
    if d in added:
        return False
    library = _library_year(d.year)
    if d.weekday() in library.weekend:
        return d in library.working_weekend_days
    return d not in library.days_off


def _check_start(start: datetime, days: int) -> None:
    if not isinstance(start, datetime):
        raise InvalidInputError(f"start must be a datetime, got {start!r}")
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be timezone-aware (naive datetimes are ambiguous)")
    if isinstance(days, bool) or not isinstance(days, int):
        raise InvalidInputError(f"days must be an int, got {days!r}")
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")


def add_calendar_days(start: datetime, days: int) -> datetime:
    """``start`` plus ``days`` calendar days, keeping its time of day and tzinfo.

    :raises ValueError: for a naive ``start`` or a negative or non-integer ``days``.
    """
    _check_start(start, days)
    return start + timedelta(days=days)


def add_working_days(
    start: datetime,
    days: int,
    added: AbstractSet[date] = frozenset(),
    removed: AbstractSet[date] = frozenset(),
) -> datetime:
    """The same time of day on the ``days``-th working day after ``start``'s local day.

    Counting starts with the day after ``start`` (in Vietnam local time), so a start on a day
    off simply counts from the next working day; ``days == 0`` returns ``start`` unchanged. The
    result carries ``start``'s tzinfo.

    :raises ValueError: for a naive ``start`` or a negative or non-integer ``days``.
    """
    _check_start(start, days)
    local = start.astimezone(VN_TZ)
    day = local.date()
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, added, removed):
            remaining -= 1
    # Shift in local time (fixed offset, so whole days stay whole) and hand back in start's zone.
    shifted = local + timedelta(days=(day - local.date()).days)
    return shifted.astimezone(start.tzinfo)


def local_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The instants that bound the Vietnam-local days ``first`` to ``last`` (inclusive): local
    midnight opening ``first`` and local midnight after ``last`` (the first instant not
    included). Every count "by occurrence day in Vietnam time" filters with these."""
    return (
        datetime.combine(first, time(), tzinfo=VN_TZ),
        datetime.combine(last + timedelta(days=1), time(), tzinfo=VN_TZ),
    )
