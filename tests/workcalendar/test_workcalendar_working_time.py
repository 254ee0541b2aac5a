"""working_time_between and add_working_time: the paused clock and 'hours over budget'."""

import datetime as dt
import types

import pytest

from mocua.workcalendar import add_working_time, working_time_between, working_time_horizon
from mocua.workcalendar.calendar import VN_TZ

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def at(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (at(2026, 10, 5, 10, 30), at(2026, 10, 5, 14, 30), 2 * H),  # lunch skipped
        (at(2026, 10, 9, 16), at(2026, 10, 12, 8, 30), 2 * H),  # weekend skipped
        (at(2026, 10, 5, 7, 30), at(2026, 10, 12, 7, 30), 37.5 * H),  # one office week
        (at(2026, 10, 5, 6), at(2026, 10, 5, 20), 7.5 * H),
        (at(2026, 10, 5, 12), at(2026, 10, 5, 13), dt.timedelta()),  # inside lunch
        (at(2026, 2, 16, 7, 30), at(2026, 2, 23, 7, 30), dt.timedelta()),  # Tết Bính Ngọ
        (at(2026, 1, 9, 7, 30), at(2026, 1, 12, 7, 30), 15 * H),  # Fri + make-up Sat 10/01
        (at(2026, 10, 5, 14), at(2026, 10, 5, 10), dt.timedelta()),  # end before start
        (at(2026, 10, 5, 10), at(2026, 10, 5, 10), dt.timedelta()),
    ],
)
def test_working_time_between(start, end, expected):
    assert working_time_between(start, end) == expected


def test_working_time_between_uses_agency_hours():
    agency = types.SimpleNamespace(morning_start=dt.time(8), morning_end=dt.time(12),
                                   afternoon_start=dt.time(13), afternoon_end=dt.time(17))
    assert working_time_between(at(2026, 10, 5, 7), at(2026, 10, 6, 7), agency) == 8 * H
    assert working_time_between(at(2026, 10, 5, 7), at(2026, 10, 6, 7)) == 7.5 * H


@pytest.mark.parametrize(
    ("start", "delta", "expected"),
    [
        (at(2026, 10, 5, 10, 30), 2 * H, at(2026, 10, 5, 14, 30)),
        (at(2026, 10, 9, 16), 2 * H, at(2026, 10, 12, 8, 30)),
        (at(2026, 10, 5, 12), dt.timedelta(), at(2026, 10, 5, 13, 30)),  # zero → next opening
        (at(2026, 8, 28, 16), 2 * H, at(2026, 9, 3, 8, 30)),  # National Day 2026
    ],
)
def test_add_working_time(start, delta, expected):
    assert add_working_time(start, delta) == expected


STARTS = [at(2026, 10, 5, 10, 17), at(2026, 10, 5, 12), at(2026, 10, 10, 9), at(2026, 1, 9, 16, 40),
          at(2025, 1, 24, 11, 29)]
DELTAS = [dt.timedelta(), dt.timedelta(minutes=30), 2 * H, 7.5 * H, 4 * H + dt.timedelta(minutes=1), 40 * H]


@pytest.mark.parametrize("start", STARTS)
@pytest.mark.parametrize("delta", DELTAS)
def test_add_then_measure_round_trip(start, delta):
    assert working_time_between(start, add_working_time(start, delta)) == delta


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (at(2026, 10, 5, 10, 17), at(2026, 10, 5, 16, 59)),
        (at(2026, 10, 5, 12), at(2026, 10, 12, 9)),
        (at(2026, 10, 10, 9), at(2026, 10, 12, 9)),
        (at(2026, 1, 9, 16, 40), at(2026, 2, 23, 14)),  # over the make-up Saturday and Tết
        (at(2025, 1, 24, 11, 29), at(2026, 10, 5, 16, 59)),  # a long pause
    ],
)
def test_measure_then_add_round_trip(start, end):
    # Ends inside office hours come back exactly (an end in lunch would come back as 11:30).
    assert add_working_time(start, working_time_between(start, end)) == end


def test_add_working_time_rejects_negative_delta():
    with pytest.raises(ValueError, match="negative"):
        add_working_time(at(2026, 10, 5, 10), -H)


@pytest.mark.parametrize("start", [
    dt.datetime(2026, 4, 24, 9, 0, tzinfo=VN_TZ),  # Friday morning, the 30/4–1/5 holidays ahead
    dt.datetime(2026, 4, 24, 15, 30, tzinfo=VN_TZ),  # landing on Friday's closing: the horizon is Monday's opening
    dt.datetime(2026, 4, 25, 10, 0, tzinfo=VN_TZ),  # Saturday
    dt.datetime(2026, 4, 29, 16, 59, tzinfo=VN_TZ),  # the evening before the holidays
    dt.datetime(2026, 6, 10, 11, 30, tzinfo=VN_TZ),  # at the lunch break
])
@pytest.mark.parametrize("hours", [0, 1, 3.5, 4, 8])
def test_horizon_agrees_with_the_working_time_of_every_end(start, hours):
    """end ≤ horizon exactly when working_time_between(start, end) ≤ delta, for ends every 15 minutes
    over the next week and a half (the lists' "due soon" reads the horizon instead)."""
    delta = dt.timedelta(hours=hours)
    horizon = working_time_horizon(start, delta)
    for quarter in range(1, 4 * 24 * 10):
        end = start + dt.timedelta(minutes=15 * quarter)
        assert (end <= horizon) == (working_time_between(start, end) <= delta), (end, horizon)


def test_horizon_at_a_closing_is_the_next_opening():
    # 3.5 h from Friday 13:30 ends at 17:00: nothing more counts until Monday 07:30.
    friday = at(2026, 10, 9, 13, 30)
    assert working_time_horizon(friday, dt.timedelta(hours=3.5)) == at(2026, 10, 12, 7, 30)
