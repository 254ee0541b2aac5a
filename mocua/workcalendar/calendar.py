"""Working-time arithmetic: the one place that computes due times (DESIGN.md "Deadlines").

A day is a working day when the DayOverride table says so; failing that, when the `holidays`
package's Vietnam calendar says so (Monday–Friday, not a public holiday, plus the few make-up
Saturdays the package knows). Office time is the agency's two sessions on working days.

All moments are handled as aware datetimes in Vietnam time; callers may pass any aware datetime.
This module must not import models at import time: the package `__init__` re-exports it and is
imported while apps are still loading.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

# Deadlines follow Vietnamese law and wall-clock office hours, whatever timezone a user has active.
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

DEFAULT_HOURS = ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 30), dt.time(17, 0)))
UNITS = ("working_days", "calendar_days", "working_hours", "same_day")

# The whole override table is a few dozen rows a year: cache it as one dict, bust it on every
# save/delete (apps.ready). The timeout only bounds staleness where the cache is per process
# (LocMemCache in the local demo) or after a rolled-back save.
CACHE_KEY = "workcalendar:overrides:v1"
CACHE_TIMEOUT = 3600

# Ten years: no real deadline is further away, and a table marking every day off must raise
# instead of looping forever.
MAX_DAYS = 3660

# The package's default calendar. Note 0.109 lists Tue 24/11/2026 "Ngày Văn hóa Việt Nam" as a
# holiday although the Labour Code amendment is unconfirmed (domain-vn.md §5.3, §12.6). We keep the
# package default and seed nothing for that date: administrators add a `work` row if it stays a
# working day.
_VN = holidays.country_holidays("VN")

Hours = tuple[tuple[dt.time, dt.time], tuple[dt.time, dt.time]]


def bust_overrides_cache(*, using: str | None = None, **kwargs) -> None:
    """post_save/post_delete receiver for DayOverride."""
    cache.delete(CACHE_KEY)
    # Again after commit: another process may re-cache the old rows between the save and the commit.
    transaction.on_commit(lambda: cache.delete(CACHE_KEY), using=using)


def _overrides() -> dict[dt.date, str]:
    rows = cache.get(CACHE_KEY)
    if rows is None:
        from .models import DayOverride  # lazy: see the module docstring

        rows = dict(DayOverride.objects.values_list("date", "kind"))
        cache.set(CACHE_KEY, rows, CACHE_TIMEOUT)
    return rows


def _local(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError("The workcalendar needs timezone-aware datetimes.")
    return timezone.localtime(moment, VN_TZ)


def _amount(amount: int | Decimal | float) -> Decimal:
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal | float):
        raise ValueError(f"Amount must be a number, not {amount!r}.")
    value = Decimal(str(amount)) if isinstance(amount, float) else Decimal(amount)
    if not value.is_finite() or value <= 0:
        raise ValueError(f"Amount must be positive, not {amount!r}.")
    return value


def _seconds(value: Decimal) -> dt.timedelta:
    # Whole seconds: a due time like 15:44:59.999 would only confuse the printed slip.
    return dt.timedelta(seconds=int(value.to_integral_value()))


@dataclass(frozen=True)
class _Clock:
    """The override table read once, plus one agency's hours, for one public call."""

    hours: Hours
    overrides: Mapping[dt.date, str]

    @classmethod
    def build(cls, agency=None) -> _Clock:
        return cls(office_hours(agency), _overrides())

    @property
    def day_length(self) -> dt.timedelta:
        return sum((_span(start, end) for start, end in self.hours), dt.timedelta())

    def is_working(self, day: dt.date) -> bool:
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == "work"
        # The package's is_working_day also honours the make-up Saturdays it knows
        # (weekend_workdays), so years past our seeded table still get them.
        return _VN.is_working_day(day)

    def closing(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.hours[1][1], VN_TZ)

    def working_days_from(self, day: dt.date) -> Iterator[dt.date]:
        """Working days from `day` (included) on, within MAX_DAYS."""
        for offset in range(MAX_DAYS):
            candidate = day + dt.timedelta(days=offset)
            if self.is_working(candidate):
                yield candidate
        raise ValueError(f"No working day within {MAX_DAYS} days of {day}: check the calendar.")

    def sessions_from(self, moment: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Office sessions ending after `moment`, in order; the first starts at `moment` at the earliest.

        Sessions are half-open: 11:30 and 17:00 are already closed.
        """
        for day in self.working_days_from(moment.date()):
            for start, end in self.hours:
                opens = dt.datetime.combine(day, start, VN_TZ)
                closes = dt.datetime.combine(day, end, VN_TZ)
                if closes > moment:
                    yield max(opens, moment), closes

    def next_opening(self, moment: dt.datetime) -> dt.datetime:
        return next(self.sessions_from(moment))[0]

    def add(self, moment: dt.datetime, delta: dt.timedelta) -> dt.datetime:
        for opens, closes in self.sessions_from(moment):
            if delta <= closes - opens:
                # `<=`: a budget that ends exactly at closing is due at closing, not next morning.
                return opens + delta
            delta -= closes - opens
        raise AssertionError("unreachable: sessions_from raises first")

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        total = dt.timedelta()
        if end <= start:
            return total
        for opens, closes in self.sessions_from(start):
            if opens >= end:
                break
            total += min(closes, end) - opens
        return total

    def nth_working_day_after(self, day: dt.date, n: int) -> dt.date:
        days = self.working_days_from(day + dt.timedelta(days=1))
        for _ in range(n - 1):
            next(days)
        return next(days)


def _span(start: dt.time, end: dt.time) -> dt.timedelta:
    return dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)


def office_hours(agency=None) -> Hours:
    """The agency's ((morning_start, morning_end), (afternoon_start, afternoon_end)).

    Read by duck typing so any object with the four `datetime.time` attributes works
    (accounts.Agency, or a SimpleNamespace in tests); the defaults are 07:30–11:30, 13:30–17:00.
    """
    if agency is None:
        return DEFAULT_HOURS
    ms, me, as_, ae = (getattr(agency, name) for name in
                       ("morning_start", "morning_end", "afternoon_start", "afternoon_end"))
    # Same rule as the Agency check constraint; out-of-order hours would make the sums meaningless.
    if not ms < me <= as_ < ae:
        raise ValueError(f"Office hours out of order: {ms}–{me}, {as_}–{ae}.")
    return ((ms, me), (as_, ae))


def is_working_day(day: dt.date) -> bool:
    """True when the clock runs on `day`: the override table wins, else the `holidays` VN calendar."""
    return _Clock(DEFAULT_HOURS, _overrides()).is_working(day)


def next_opening(moment: dt.datetime, agency=None) -> dt.datetime:
    """`moment` itself if the office is open then, else the start of the next session."""
    return _Clock.build(agency).next_opening(_local(moment))


def working_time_between(start: dt.datetime, end: dt.datetime, agency=None) -> dt.timedelta:
    """Office time between two moments (zero if `end <= start`)."""
    return _Clock.build(agency).between(_local(start), _local(end))


def working_times_between(spans: list[tuple[dt.datetime, dt.datetime]], agency=None) -> list[dt.timedelta]:
    """working_time_between for each (start, end), the override table read once: a list page colours
    25–50 rows, and each read is a round trip to the shared cache."""
    clock = _Clock.build(agency)
    return [clock.between(_local(start), _local(end)) for start, end in spans]


def working_time_horizon(start: dt.datetime, delta: dt.timedelta, agency=None) -> dt.datetime:
    """The latest moment with at most `delta` of office time after `start`: `end` is within it exactly
    when working_time_between(start, end) <= delta. A list colouring its rows "due soon" compares each
    due time with it instead of walking the calendar once per row."""
    if delta < dt.timedelta():
        raise ValueError("Cannot add negative working time.")
    clock = _Clock.build(agency)
    # Landing on a closing: the office time stays `delta` until the next session opens.
    return clock.next_opening(clock.add(_local(start), delta))


def add_working_time(start: dt.datetime, delta: dt.timedelta, agency=None) -> dt.datetime:
    """The moment `delta` of office time after `start`: the inverse of working_time_between."""
    if delta < dt.timedelta():
        raise ValueError("Cannot add negative working time.")
    return _Clock.build(agency).add(_local(start), delta)


def due_at(start: dt.datetime, amount: int | Decimal | float, unit: str, agency=None, *,
           cutoff: dt.time = dt.time(15, 0)) -> dt.datetime:
    """The due moment of a time limit of `amount` `unit`s received at `start` (aware, Vietnam time).

    A receipt outside office hours counts from the next opening (domain-vn.md §5.1). Whole
    working or calendar days end at closing time; fractional amounts (step budgets such as
    0.5 day) are converted to office time, see _fraction_due. `amount` is ignored for same_day.
    """
    if unit not in UNITS:
        raise ValueError(f"Unknown time-limit unit {unit!r}; expected one of {', '.join(UNITS)}.")
    clock = _Clock.build(agency)
    begin = clock.next_opening(_local(start))
    if unit == "same_day":
        return _same_day_due(clock, begin, cutoff)
    value = _amount(amount)
    if unit == "working_hours":
        return clock.add(begin, _seconds(value * 3600))
    if value != value.to_integral_value():
        return _fraction_due(clock, begin, value, unit)
    if unit == "working_days":
        # Civil Code art. 147: the day of receipt is not counted.
        return clock.closing(clock.nth_working_day_after(begin.date(), int(value)))
    # calendar_days: art. 147 (receipt day not counted), art. 148 (a last day that is a day off
    # moves to the next working day). We end at closing time rather than 24:00 because a dossier
    # can only be returned while the office is open.
    last = begin.date() + dt.timedelta(days=int(value))
    return clock.closing(next(clock.working_days_from(last)))


def _same_day_due(clock: _Clock, begin: dt.datetime, cutoff: dt.time) -> dt.datetime:
    # "Trong ngày, hoặc ngày làm việc tiếp theo nếu tiếp nhận sau 15 giờ" (domain-vn.md §5.1).
    if begin.time() <= cutoff:
        return clock.closing(begin.date())
    return clock.closing(clock.nth_working_day_after(begin.date(), 1))


def _fraction_due(clock: _Clock, begin: dt.datetime, value: Decimal, unit: str) -> dt.datetime:
    """Non-whole day amounts: office time for working days, elapsed time for calendar days.

    working_days: value × the agency's office day (7.5 h by default) of office time from `begin`,
    as for working_hours. So 0.5 day received Mon 07:30 is due Mon 11:15.
    calendar_days: value × 24 h of elapsed time from `begin`. If that moment is inside office
    hours it is the due time; otherwise the period ends at closing of the working day the office
    next opens on (art. 148 applied to the hour: never due while the office is shut).
    Note that whole days count from the end of the receipt day, fractions from `begin`, so
    2.5 days can fall before 2 days; budgets that need strict order should use working_hours.
    """
    if unit == "working_days":
        return clock.add(begin, _seconds(value * Decimal(clock.day_length.total_seconds())))
    raw = begin + _seconds(value * 86400)
    opening = clock.next_opening(raw)
    return raw if opening == raw else clock.closing(opening.date())
