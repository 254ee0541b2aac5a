"""due_at against the real 2024–2026 calendars: exact due moments, Vietnam time."""

import datetime as dt
import types
from decimal import Decimal

import pytest

from mocua.workcalendar import due_at, next_opening, office_hours
from mocua.workcalendar.calendar import VN_TZ

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


# Mon 05/10/2026 starts an ordinary week (no holiday before Fri 16/10).
MON = (2026, 10, 5)
FRI = (2026, 10, 9)
SAT = (2026, 10, 10)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (at(*MON, 10), at(*MON, 10)),  # open: the moment itself
        (at(*MON, 7, 30), at(*MON, 7, 30)),
        (at(*MON, 6), at(*MON, 7, 30)),  # before opening
        (at(*MON, 11, 30), at(*MON, 13, 30)),  # 11:30 is already lunch
        (at(*MON, 12, 15), at(*MON, 13, 30)),
        (at(*MON, 17), at(2026, 10, 6, 7, 30)),  # 17:00 is already closed
        (at(*FRI, 18), at(2026, 10, 12, 7, 30)),
        (at(*SAT, 9), at(2026, 10, 12, 7, 30)),
        (at(2026, 1, 9, 18), at(2026, 1, 10, 7, 30)),  # make-up Saturday opens
        (at(2025, 12, 31, 17, 30), at(2026, 1, 5, 7, 30)),  # 01–02/01/2026 off, then weekend
        (at(2026, 2, 13, 17, 5), at(2026, 2, 23, 7, 30)),  # Tết Bính Ngọ
    ],
)
def test_next_opening(start, expected):
    assert next_opening(start) == expected


def test_next_opening_converts_to_vietnam_time():
    result = next_opening(dt.datetime(2026, 10, 5, 3, 0, tzinfo=dt.UTC))  # 10:00 in Hà Nội
    assert result == at(*MON, 10)
    assert result.utcoffset() == dt.timedelta(hours=7)
    assert (result.hour, result.minute) == (10, 0)


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        (at(*MON, 10), 3, at(2026, 10, 8, 17)),  # receipt day not counted (BLDS art. 147)
        (at(*MON, 10), 1, at(2026, 10, 6, 17)),
        (at(*FRI, 18), 3, at(2026, 10, 15, 17)),  # effective Mon 07:30
        (at(*SAT, 9), 1, at(2026, 10, 13, 17)),  # Saturday intake counts from Monday
        (at(*MON, 12), 1, at(2026, 10, 6, 17)),  # lunch
        (at(*MON, 6), 1, at(2026, 10, 6, 17)),  # before opening
        (at(*MON, 17, 30), 1, at(2026, 10, 7, 17)),  # after closing
        (at(*MON, 10), 10, at(2026, 10, 19, 17)),
        # Tết Ất Tỵ 2025 (off 27–31/01).
        (at(2025, 1, 23, 16), 1, at(2025, 1, 24, 17)),
        (at(2025, 1, 23, 16), 2, at(2025, 2, 3, 17)),
        (at(2025, 1, 24, 10), 3, at(2025, 2, 5, 17)),
        # Tết Bính Ngọ 2026 (off 16–20/02).
        (at(2026, 2, 13, 9), 1, at(2026, 2, 23, 17)),
        (at(2026, 2, 17, 10), 1, at(2026, 2, 24, 17)),  # online intake during Tết
        # 30/4–1/5 2025: Sat 26/04 worked, Fri 02/05 off.
        (at(2025, 4, 25, 10), 1, at(2025, 4, 26, 17)),
        (at(2025, 4, 25, 10), 2, at(2025, 4, 28, 17)),
        (at(2025, 4, 25, 10), 4, at(2025, 5, 5, 17)),
        (at(2025, 4, 26, 9), 1, at(2025, 4, 28, 17)),  # intake on the make-up Saturday
        # New Year 2026: Fri 02/01 off, Sat 10/01 worked.
        (at(2025, 12, 31, 10), 1, at(2026, 1, 5, 17)),
        (at(2026, 1, 2, 8), 1, at(2026, 1, 6, 17)),
        (at(2026, 1, 9, 10), 1, at(2026, 1, 10, 17)),
        (at(2026, 1, 9, 10), 2, at(2026, 1, 12, 17)),
        # National Day 2026: Sat 22/08 worked; 31/08, 01/09, 02/09 off.
        (at(2026, 8, 21, 10), 1, at(2026, 8, 22, 17)),
        (at(2026, 8, 28, 10), 1, at(2026, 9, 3, 17)),
        # Giỗ Tổ 2026: nghỉ bù Mon 27/04; then 30/04–01/05.
        (at(2026, 4, 24, 10), 1, at(2026, 4, 28, 17)),
        (at(2026, 4, 29, 10), 1, at(2026, 5, 4, 17)),
        (at(2026, 4, 29, 10), Decimal("2"), at(2026, 5, 5, 17)),  # a whole Decimal
    ],
)
def test_working_days(start, amount, expected):
    assert due_at(start, amount, "working_days") == expected


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        (at(*MON, 10), 3, at(2026, 10, 8, 17)),
        (at(*MON, 10), 5, at(2026, 10, 12, 17)),  # Sat 10/10 → next working day (art. 148)
        (at(*FRI, 18), 3, at(2026, 10, 15, 17)),  # counted from Mon 12/10
        (at(2026, 8, 24, 10), 7, at(2026, 9, 3, 17)),  # Mon 31/08 off, then 01–02/09
        (at(2026, 8, 17, 10), 5, at(2026, 8, 22, 17)),  # lands on the make-up Saturday
        (at(2026, 2, 9, 10), 10, at(2026, 2, 23, 17)),  # Thu 19/02 is Tết
        (at(2025, 1, 24, 10), 10, at(2025, 2, 3, 17)),  # holidays inside the period still count
        (at(2024, 4, 25, 10), 4, at(2024, 5, 2, 17)),  # Mon 29/04/2024 swapped, 30/4, 1/5 off
    ],
)
def test_calendar_days(start, amount, expected):
    assert due_at(start, amount, "calendar_days") == expected


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        (at(*MON, 10, 30), 2, at(*MON, 14, 30)),  # lunch 11:30–13:30 skipped
        (at(*MON, 10, 30), 1, at(*MON, 11, 30)),  # ends exactly at lunch
        (at(*MON, 12), 1, at(*MON, 14, 30)),  # starts in lunch
        (at(*FRI, 16), 1, at(*FRI, 17)),  # ends exactly at closing, not next morning
        (at(*FRI, 16), 2, at(2026, 10, 12, 8, 30)),  # across the weekend
        (at(*SAT, 9), 1, at(2026, 10, 12, 8, 30)),
        (at(*MON, 7, 30), Decimal("1.5"), at(*MON, 9)),
        (at(*MON, 7, 30), 15, at(2026, 10, 6, 17)),  # two full office days
        (at(2026, 4, 29, 16), 2, at(2026, 5, 4, 8, 30)),  # across 30/4–1/5 2026
    ],
)
def test_working_hours(start, amount, expected):
    assert due_at(start, amount, "working_hours") == expected


@pytest.mark.parametrize(
    ("start", "cutoff", "expected"),
    [
        (at(*MON, 14, 59), dt.time(15), at(*MON, 17)),
        (at(*MON, 15), dt.time(15), at(*MON, 17)),  # at the cut-off is still today
        (at(*MON, 15, 1), dt.time(15), at(2026, 10, 6, 17)),
        (at(*MON, 6), dt.time(15), at(*MON, 17)),  # before opening
        (at(*MON, 12), dt.time(15), at(*MON, 17)),  # lunch
        (at(*MON, 17, 30), dt.time(15), at(2026, 10, 6, 17)),  # after closing
        (at(*FRI, 15, 30), dt.time(15), at(2026, 10, 12, 17)),
        (at(*SAT, 9), dt.time(15), at(2026, 10, 12, 17)),  # Saturday → Monday closing
        (at(2026, 1, 9, 15, 30), dt.time(15), at(2026, 1, 10, 17)),  # make-up Saturday
        (at(2026, 2, 13, 16), dt.time(15), at(2026, 2, 23, 17)),  # Tết Bính Ngọ
        (at(*MON, 10, 59), dt.time(11), at(*MON, 17)),  # custom cut-offs
        (at(*MON, 11, 15), dt.time(11), at(2026, 10, 6, 17)),
        (at(*MON, 15, 30), dt.time(16), at(*MON, 17)),
    ],
)
def test_same_day(start, cutoff, expected):
    assert due_at(start, 1, "same_day", cutoff=cutoff) == expected


def test_same_day_ignores_amount():
    assert due_at(at(*MON, 9), 5, "same_day") == at(*MON, 17)


@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        # Working days: amount × 7.5 h of office time from the effective start.
        (at(*MON, 7, 30), Decimal("0.5"), "working_days", at(*MON, 11, 15)),
        (at(*MON, 7, 30), 0.5, "working_days", at(*MON, 11, 15)),
        (at(*MON, 10), Decimal("2.5"), "working_days", at(2026, 10, 7, 15, 45)),
        (at(*MON, 10), Decimal("3.0"), "working_days", at(2026, 10, 8, 17)),  # whole: day rule
        (at(2025, 1, 23, 16), Decimal("0.5"), "working_days", at(2025, 1, 24, 10, 15)),
        (at(2025, 1, 24, 16), Decimal("0.5"), "working_days", at(2025, 2, 3, 10, 15)),  # over Tết
        # Calendar days: amount × 24 h; outside office hours → closing of the next open day.
        (at(*MON, 10), Decimal("0.25"), "calendar_days", at(*MON, 16)),
        (at(*MON, 7, 30), Decimal("0.5"), "calendar_days", at(2026, 10, 6, 17)),
        (at(*MON, 10), Decimal("1.5"), "calendar_days", at(2026, 10, 7, 17)),
        (at(*FRI, 10), Decimal("1.5"), "calendar_days", at(2026, 10, 12, 17)),  # Sat 22:00
    ],
)
def test_fractional_amounts(start, amount, unit, expected):
    assert due_at(start, amount, unit) == expected


# Agency open 07:00–11:00 and 13:00–16:00 (a 7-hour day).
AGENCY = types.SimpleNamespace(
    morning_start=dt.time(7), morning_end=dt.time(11), afternoon_start=dt.time(13), afternoon_end=dt.time(16)
)


@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        (at(*MON, 10), 1, "working_days", at(2026, 10, 6, 16)),
        (at(*MON, 16, 30), 1, "working_days", at(2026, 10, 7, 16)),  # 16:30 is after its closing
        (at(*MON, 7), Decimal("0.5"), "working_days", at(*MON, 10, 30)),  # 3.5 h
        (at(*MON, 10), 2, "working_hours", at(*MON, 14)),
        (at(*MON, 15), 1, "same_day", at(*MON, 16)),
        (at(*MON, 16, 15), 1, "same_day", at(2026, 10, 6, 16)),
        (at(*MON, 10), 5, "calendar_days", at(2026, 10, 12, 16)),
    ],
)
def test_agency_hours(start, amount, unit, expected):
    assert due_at(start, amount, unit, AGENCY) == expected


def test_agency_lunch_differs_from_default():
    assert next_opening(at(*MON, 11, 15)) == at(*MON, 11, 15)
    assert next_opening(at(*MON, 11, 15), AGENCY) == at(*MON, 13)


def test_office_hours():
    assert office_hours() == ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 30), dt.time(17)))
    assert office_hours(AGENCY) == ((dt.time(7), dt.time(11)), (dt.time(13), dt.time(16)))
    broken = types.SimpleNamespace(**{**vars(AGENCY), "afternoon_end": dt.time(12)})
    with pytest.raises(ValueError, match="out of order"):
        office_hours(broken)


def test_due_at_returns_vietnam_time_for_utc_input():
    result = due_at(dt.datetime(2026, 10, 5, 3, tzinfo=dt.UTC), 1, "working_days")
    assert (result.date(), result.hour, result.utcoffset()) == (
        dt.date(2026, 10, 6), 17, dt.timedelta(hours=7))


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [
        (1, "months", "Unknown time-limit unit"),
        (1, "", "Unknown time-limit unit"),
        (0, "working_days", "positive"),
        (Decimal("0"), "working_hours", "positive"),
        (-2, "calendar_days", "positive"),
        (Decimal("NaN"), "working_days", "positive"),
        (None, "working_days", "number"),
        (True, "working_days", "number"),
    ],
)
def test_rejects_bad_limits(amount, unit, message):
    with pytest.raises(ValueError, match=message):
        due_at(at(*MON, 10), amount, unit)


def test_rejects_naive_datetimes():
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(dt.datetime(2026, 10, 5, 10), 1, "working_days")


def test_all_days_off_raises_instead_of_looping():
    from mocua.workcalendar.models import DayOverride

    start = dt.date(2026, 10, 5)
    DayOverride.objects.bulk_create(
        DayOverride(date=start + dt.timedelta(days=n), kind="off", name="x") for n in range(3700)
    )
    from django.core.cache import cache

    from mocua.workcalendar.calendar import CACHE_KEY

    cache.delete(CACHE_KEY)  # bulk_create sends no signals
    with pytest.raises(ValueError, match="No working day"):
        due_at(at(*MON, 10), 1, "working_days")
