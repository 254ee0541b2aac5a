"""Seed the official civil-servant schedules 2024–2026 (domain-vn.md §5.4).

Only weekdays off and make-up Saturdays are stored: weekends need no row. Many rows repeat what
the `holidays` package already knows; they are seeded anyway so the table alone is the reviewed
official schedule and a package upgrade cannot silently change a past or announced year.

Deliberately absent: Tue 24/11/2026 (Ngày Văn hóa Việt Nam). The package lists it as a holiday
but the Labour Code amendment is unconfirmed (domain-vn.md §5.3, §12.6); the package default
stands until an administrator decides.
"""

import datetime as dt

from django.core.cache import cache
from django.db import migrations

# Same key as mocua.workcalendar.calendar.CACHE_KEY; copied so the migration stays frozen.
CACHE_KEY = "workcalendar:overrides:v1"

BLLD = "Bộ luật Lao động 2019, Điều 112"
TB_2025 = "Thông báo 6150/TB-BLĐTBXH"
VPCP_2026 = "Công văn 12729/VPCP-KGVX ngày 25/12/2025"
TB_2026 = "Thông báo 9441/TB-BNV ngày 16/10/2025"


def _days(first, last):
    day = first
    while day <= last:
        if day.weekday() < 5:
            yield day
        day += dt.timedelta(days=1)


def _tet(first, last, year_name, note):
    return [(d, "off", f"Nghỉ Tết Nguyên đán {year_name}", note) for d in _days(first, last)]


D = dt.date
ROWS = [
    # 2024
    (D(2024, 1, 1), "off", "Tết Dương lịch", BLLD),
    *_tet(D(2024, 2, 8), D(2024, 2, 14), "Giáp Thìn", BLLD),
    (D(2024, 4, 18), "off", "Giỗ Tổ Hùng Vương (10/3 âm lịch)", BLLD),
    (D(2024, 4, 29), "off", "Nghỉ hoán đổi (làm bù thứ Bảy 04/05/2024)", "Hoán đổi ngày nghỉ dịp 30/4–1/5/2024"),
    (D(2024, 4, 30), "off", "Ngày Chiến thắng", BLLD),
    (D(2024, 5, 1), "off", "Ngày Quốc tế Lao động", BLLD),
    (D(2024, 5, 4), "work", "Làm bù cho ngày 29/04/2024", "Hoán đổi ngày nghỉ dịp 30/4–1/5/2024"),
    (D(2024, 9, 2), "off", "Quốc khánh", BLLD),
    (D(2024, 9, 3), "off", "Nghỉ Quốc khánh (ngày liền kề)", BLLD),
    # 2025
    (D(2025, 1, 1), "off", "Tết Dương lịch", BLLD),
    *_tet(D(2025, 1, 27), D(2025, 1, 31), "Ất Tỵ", BLLD),
    (D(2025, 4, 7), "off", "Giỗ Tổ Hùng Vương (10/3 âm lịch)", BLLD),
    (D(2025, 4, 26), "work", "Làm bù cho ngày 02/05/2025", TB_2025),
    (D(2025, 4, 30), "off", "Ngày Chiến thắng", BLLD),
    (D(2025, 5, 1), "off", "Ngày Quốc tế Lao động", BLLD),
    (D(2025, 5, 2), "off", "Nghỉ hoán đổi (làm bù thứ Bảy 26/04/2025)", TB_2025),
    (D(2025, 9, 1), "off", "Nghỉ Quốc khánh (ngày liền kề)", BLLD),
    (D(2025, 9, 2), "off", "Quốc khánh", BLLD),
    # 2026
    (D(2026, 1, 1), "off", "Tết Dương lịch", BLLD),
    (D(2026, 1, 2), "off", "Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)", VPCP_2026),
    (D(2026, 1, 10), "work", "Làm bù cho ngày 02/01/2026", VPCP_2026),
    *_tet(D(2026, 2, 16), D(2026, 2, 20), "Bính Ngọ", TB_2026),
    (D(2026, 4, 27), "off", "Nghỉ bù Giỗ Tổ Hùng Vương (26/04 là Chủ nhật)", BLLD),
    (D(2026, 4, 30), "off", "Ngày Chiến thắng", BLLD),
    (D(2026, 5, 1), "off", "Ngày Quốc tế Lao động", BLLD),
    (D(2026, 8, 22), "work", "Làm bù cho ngày 31/08/2026", TB_2026),
    (D(2026, 8, 31), "off", "Nghỉ hoán đổi (làm bù thứ Bảy 22/08/2026)", TB_2026),
    (D(2026, 9, 1), "off", "Nghỉ Quốc khánh (ngày liền kề)", TB_2026),
    (D(2026, 9, 2), "off", "Quốc khánh", BLLD),
]


def seed(apps, schema_editor):
    DayOverride = apps.get_model("workcalendar", "DayOverride")
    for day, kind, name, note in ROWS:
        DayOverride.objects.using(schema_editor.connection.alias).update_or_create(
            date=day, defaults={"kind": kind, "name": name, "note": note}
        )
    cache.delete(CACHE_KEY)  # historical models send no cache-busting signals


def unseed(apps, schema_editor):
    DayOverride = apps.get_model("workcalendar", "DayOverride")
    DayOverride.objects.using(schema_editor.connection.alias).filter(
        date__in=[row[0] for row in ROWS]
    ).delete()
    cache.delete(CACHE_KEY)


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
