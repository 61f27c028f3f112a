"""Calendar days and Vietnamese working days (law.md §13 "d" and "wd")."""

from datetime import UTC, date, datetime, timedelta

import pytest

from workflows.law.calendar import VN_TZ, add_calendar_days, add_working_days, is_working_day


def vn(year, month, day, hour=9):
    return datetime(year, month, day, hour, tzinfo=VN_TZ)


def test_vietnam_is_utc_plus_seven():
    assert VN_TZ.utcoffset(None) == timedelta(hours=7)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (vn(2027, 1, 22), 5, vn(2027, 1, 29)),  # Fri → next Fri, over one weekend
        (vn(2027, 1, 29), 1, vn(2027, 2, 1)),  # Fri → Mon
        (vn(2027, 1, 29), 3, vn(2027, 2, 3)),  # Fri → Wed
        (vn(2027, 1, 29), 5, vn(2027, 2, 12)),  # the weekend, then Tết 4-10 Feb 2027
        (vn(2027, 2, 3), 1, vn(2027, 2, 11)),  # Wed before Tết → Thu after it
        (vn(2027, 1, 30), 1, vn(2027, 2, 1)),  # a Saturday start counts from Monday
        (vn(2026, 12, 31), 1, vn(2027, 1, 4)),  # New Year's Day and a weekend, across years
        (vn(2027, 1, 29), 0, vn(2027, 1, 29)),
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


@pytest.mark.parametrize("day", [date(2027, 2, d) for d in range(4, 11)])
def test_tet_2027_is_not_working(day):
    assert not is_working_day(day)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2027, 2, 3), True),
        (date(2027, 2, 11), True),
        (date(2027, 1, 30), False),  # Saturday
        (date(2027, 1, 31), False),  # Sunday
        (date(2027, 9, 2), False),  # National Day
        (date(2027, 1, 1), False),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_added_holiday_is_skipped():
    added = frozenset({date(2027, 1, 26)})
    assert not is_working_day(date(2027, 1, 26), added=added)
    assert add_working_days(vn(2027, 1, 22), 3, added=added) == vn(2027, 1, 28)


def test_removed_holiday_and_make_up_saturday_count_as_working_days():
    removed = frozenset({date(2027, 2, 4), date(2027, 1, 30)})
    assert is_working_day(date(2027, 1, 30), removed=removed)
    assert add_working_days(vn(2027, 1, 29), 1, removed=removed) == vn(2027, 1, 30)
    assert add_working_days(vn(2027, 2, 3), 1, removed=removed) == vn(2027, 2, 4)


def test_days_are_judged_in_vietnam_time_and_tzinfo_is_kept():
    start = datetime(2027, 1, 29, 20, tzinfo=UTC)  # already Saturday 03:00 in Hà Nội
    result = add_working_days(start, 1)
    assert result == datetime(2027, 1, 31, 20, tzinfo=UTC)  # Monday 03:00 local
    assert result.tzinfo is UTC


def test_add_calendar_days_keeps_time_and_zone():
    start = datetime(2026, 11, 20, 8, 30, tzinfo=VN_TZ)
    result = add_calendar_days(start, 30)
    assert result == datetime(2026, 12, 20, 8, 30, tzinfo=VN_TZ)
    assert result.tzinfo is VN_TZ


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_working_days(datetime(2027, 1, 29, 9), 5),
        lambda: add_calendar_days(datetime(2027, 1, 29, 9), 5),
        lambda: add_working_days(vn(2027, 1, 29), -1),
        lambda: add_calendar_days(vn(2027, 1, 29), -1),
        lambda: add_working_days(vn(2027, 1, 29), 1.5),
        lambda: add_calendar_days(date(2027, 1, 29), 1),
    ],
)
def test_nonsense_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


# The government's swaps of a weekend day for a bridging day off, as the ``holidays`` library
# lists them (its ``special_public_holidays`` for Vietnam), with the weekday of each date checked
# below so the table cannot silently name a wrong day.
SWAPS = [
    # (worked weekend day, its weekday, the day off it pays for, its weekday)
    (date(2024, 5, 4), "Sat", date(2024, 4, 29), "Mon"),
    (date(2025, 4, 26), "Sat", date(2025, 5, 2), "Fri"),
    (date(2026, 8, 22), "Sat", date(2026, 8, 31), "Mon"),
    (date(2014, 12, 27), "Sat", date(2015, 1, 2), "Fri"),  # across New Year
]


@pytest.mark.parametrize(("worked", "worked_weekday", "off", "off_weekday"), SWAPS)
def test_a_swapped_weekend_day_is_worked_and_its_bridge_day_is_off(
    worked, worked_weekday, off, off_weekday
):
    assert worked.strftime("%a") == worked_weekday and off.strftime("%a") == off_weekday
    assert is_working_day(worked) is True
    assert is_working_day(off) is False


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Fri 21/08/2026 + 1 working day: the swapped Saturday 22/08, not Monday 24/08.
        (vn(2026, 8, 21), 1, vn(2026, 8, 22)),
        # Fri 28/08/2026 + 1: Mon 31/08 is the bridge day off, then National Day 01-02/09.
        (vn(2026, 8, 28), 1, vn(2026, 9, 3)),
        # Thu 20/08/2026 + 5: Fri 21, Sat 22 (worked), Mon 24, Tue 25, Wed 26.
        (vn(2026, 8, 20), 5, vn(2026, 8, 26)),
        # Fri 25/04/2025 + 1: the swapped Saturday 26/04/2025.
        (vn(2025, 4, 25), 1, vn(2025, 4, 26)),
        # Thu 24/04/2025 + 3: Fri 25, Sat 26 (worked), then 28/04 (30/04-02/05 off follow).
        (vn(2025, 4, 24), 3, vn(2025, 4, 28)),
        # Tue 29/04/2025 + 1: 30/04, 01/05 and the bridge Friday 02/05 off, then the weekend.
        (vn(2025, 4, 29), 1, vn(2025, 5, 5)),
    ],
)
def test_working_days_count_the_swapped_weekend_days(start, days, expected):
    assert add_working_days(start, days) == expected


@pytest.mark.parametrize(
    ("day", "added", "removed", "working"),
    [
        # The administrator can still make the library's worked Saturday a day off…
        (date(2026, 8, 22), {date(2026, 8, 22)}, set(), False),
        # …or the library's bridge day a working day.
        (date(2026, 8, 31), set(), {date(2026, 8, 31)}, True),
        # An adjustment of another day leaves the library's answer alone.
        (date(2026, 8, 22), {date(2026, 8, 21)}, set(), True),
        (date(2026, 8, 29), set(), set(), False),  # the Saturday after: an ordinary day off
    ],
)
def test_an_administrators_adjustment_wins_over_the_library(day, added, removed, working):
    assert is_working_day(day, added=frozenset(added), removed=frozenset(removed)) is working
