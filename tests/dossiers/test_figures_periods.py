"""dossiers.figures.pieces: a period of whole local days is read from the figures tables as the month
rows of the months wholly inside it and the day rows of the days before and after them, each day
once, in at most three pieces that are each one range of the (agency, grain, day) index.

Synthetic rows tell which were read: every day row counts 1 in new_online, every month row counts
its number of days in new_offline.
"""

import calendar
import datetime as dt

import pytest
from django.db.models import Sum

from dossiers.figures import pieces
from dossiers.leaders.periods import Period, month_period, quarter_period, range_period, year_period
from dossiers.models import DossierDayFigures, Grain

from ..factories import AgencyFactory, ProcedureFactory

pytestmark = pytest.mark.django_db

FIRST, LAST = dt.date(2025, 11, 1), dt.date(2027, 2, 28)

PERIODS = [
    month_period(2026, 2),
    month_period(2026, 12),
    quarter_period(2026, 1),
    year_period(2026),
    range_period(dt.date(2026, 3, 5), dt.date(2026, 3, 20)),  # inside one month
    range_period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)),  # a month chosen as a range
    range_period(dt.date(2026, 1, 15), dt.date(2026, 4, 10)),  # February and March whole, both ends cut
    range_period(dt.date(2026, 3, 1), dt.date(2026, 4, 10)),  # a whole month, then a cut one
    range_period(dt.date(2026, 1, 15), dt.date(2026, 3, 31)),  # a cut month, then whole ones
    range_period(dt.date(2026, 1, 31), dt.date(2026, 3, 1)),  # February whole, a day either side
    range_period(dt.date(2026, 1, 31), dt.date(2026, 2, 27)),  # two cut months, none whole
    range_period(dt.date(2026, 12, 15), dt.date(2027, 1, 31)),  # across the new year
    range_period(dt.date(2026, 12, 1), dt.date(2026, 12, 1)),  # the first of a month alone
    range_period(dt.date(2026, 11, 30), dt.date(2026, 11, 30)),  # the last of a month alone
]


@pytest.fixture
def figures():
    agency, procedure = AgencyFactory(), ProcedureFactory()
    rows, day = [], FIRST
    while day <= LAST:
        rows.append(DossierDayFigures(grain=Grain.DAY, day=day, agency=agency, procedure=procedure, new_online=1))
        if day.day == 1:
            length = calendar.monthrange(day.year, day.month)[1]
            rows.append(DossierDayFigures(grain=Grain.MONTH, day=day, agency=agency, procedure=procedure,
                                          new_offline=length))
        day += dt.timedelta(days=1)
    DossierDayFigures.objects.bulk_create(rows)


def expected(period: Period) -> tuple[int, int]:
    """(days read from day rows, days read from month rows), day by day: a day is in a month row
    when its whole month lies inside the period."""
    from_days = from_months = 0
    day = period.start
    while day <= period.end:
        month_end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        if period.start <= day.replace(day=1) and month_end <= period.end:
            from_months += 1
        else:
            from_days += 1
        day += dt.timedelta(days=1)
    return from_days, from_months


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.slug)
def test_each_day_is_read_once_from_its_month_row_or_its_day_row(figures, period):
    read = pieces(period.start, period.end)
    found = [DossierDayFigures.objects.filter(piece).aggregate(days=Sum("new_online"), months=Sum("new_offline"))
             for piece in read]
    days, months = (sum(f[name] or 0 for f in found) for name in ("days", "months"))

    assert (days, months) == expected(period)
    assert days + months == (period.end - period.start).days + 1
    assert 1 <= len(read) <= 3


def test_a_year_reads_twelve_month_rows_and_no_day_row(figures):
    (rows,) = (DossierDayFigures.objects.filter(piece) for piece in pieces(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))

    assert sorted(rows.values_list("grain", "day")) == [(Grain.MONTH, dt.date(2026, m, 1)) for m in range(1, 13)]
