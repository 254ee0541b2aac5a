"""Which days the clock runs on: the seeded official schedules over the `holidays` package."""

import datetime as dt
import importlib

import holidays
import pytest
from django.db import connection

from mocua.workcalendar import is_working_day
from mocua.workcalendar.calendar import bust_overrides_cache
from mocua.workcalendar.models import DayOverride

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Tết Ất Tỵ 2025: official days off Mon 27/01 – Fri 31/01.
        (D(2025, 1, 24), True),
        *[(D(2025, 1, n), False) for n in range(27, 32)],
        (D(2025, 2, 3), True),
        # Tết Bính Ngọ 2026: Mon 16/02 – Fri 20/02.
        (D(2026, 2, 13), True),
        *[(D(2026, 2, n), False) for n in range(16, 21)],
        (D(2026, 2, 23), True),
        # 30/4–1/5 2025: Fri 02/05 swapped for Sat 26/04.
        (D(2025, 4, 26), True),
        (D(2025, 4, 30), False),
        (D(2025, 5, 1), False),
        (D(2025, 5, 2), False),
        (D(2025, 5, 3), False),
        (D(2025, 5, 5), True),
        # New Year 2026: Fri 02/01 swapped for Sat 10/01 (the package knows neither).
        (D(2026, 1, 1), False),
        (D(2026, 1, 2), False),
        (D(2026, 1, 5), True),
        (D(2026, 1, 10), True),
        (D(2026, 1, 17), False),
        # National Day 2026: Mon 31/08 swapped for Sat 22/08; 01–02/09 off.
        (D(2026, 8, 22), True),
        (D(2026, 8, 29), False),
        (D(2026, 8, 31), False),
        (D(2026, 9, 1), False),
        (D(2026, 9, 2), False),
        (D(2026, 9, 3), True),
        # Giỗ Tổ 2026 falls on Sunday 26/04: nghỉ bù Mon 27/04.
        (D(2026, 4, 26), False),
        (D(2026, 4, 27), False),
        (D(2026, 4, 28), True),
        # 2024: Mon 29/04 swapped for Sat 04/05; Quốc khánh 02–03/09.
        (D(2024, 4, 29), False),
        (D(2024, 5, 4), True),
        (D(2024, 9, 3), False),
        # Ordinary weeks.
        (D(2026, 10, 5), True),
        (D(2026, 10, 10), False),
        (D(2026, 10, 11), False),
    ],
)
def test_official_calendar(day, expected):
    assert is_working_day(day) is expected


def test_unconfirmed_culture_day_is_left_to_the_package():
    # 24/11/2026 is not seeded either way (domain-vn.md §5.3): the package decides.
    day = D(2026, 11, 24)
    assert not DayOverride.objects.filter(date=day).exists()
    assert is_working_day(day) is holidays.country_holidays("VN").is_working_day(day)


def test_seed_has_weekdays_off_and_saturdays_worked():
    rows = list(DayOverride.objects.all())
    assert len(rows) == 41
    worked = sorted(r.date for r in rows if r.kind == DayOverride.Kind.WORK)
    assert worked == [D(2024, 5, 4), D(2025, 4, 26), D(2026, 1, 10), D(2026, 8, 22)]
    assert all(r.date.weekday() < 5 for r in rows if r.kind == DayOverride.Kind.OFF)
    assert DayOverride.objects.get(date=D(2026, 1, 10)).name == "Làm bù cho ngày 02/01/2026"
    assert DayOverride.objects.get(date=D(2026, 2, 16)).name == "Nghỉ Tết Nguyên đán Bính Ngọ"


def _run(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)
    bust_overrides_cache()  # the migration's SQL sends no cache-busting signal


def test_seed_is_reversible_and_leaves_an_administrators_rows():
    migration = importlib.import_module("mocua.workcalendar.migrations.0001_initial")
    DayOverride.objects.create(date=D(2027, 1, 1), kind="off", name="Tết Dương lịch 2027")

    _run(migration.UNSEED)
    # Only what the migration seeded goes; an administrator's own row stays.
    assert list(DayOverride.objects.values_list("date", flat=True)) == [D(2027, 1, 1)]
    assert is_working_day(D(2026, 1, 2)) is True  # back to the package default

    _run(migration.SEED)
    assert DayOverride.objects.count() == 42
    assert DayOverride.objects.get(date=D(2026, 1, 2)).name.startswith("Nghỉ hoán đổi")
    assert is_working_day(D(2026, 1, 2)) is False
