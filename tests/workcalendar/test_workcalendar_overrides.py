"""The override table is cached and the cache is busted when an administrator edits it."""

import ast
import datetime as dt
import pathlib

import pytest
from django.urls import reverse

import mocua.workcalendar
from mocua.workcalendar import due_at, is_working_day
from mocua.workcalendar.calendar import VN_TZ
from mocua.workcalendar.models import DayOverride

pytestmark = pytest.mark.django_db
TUESDAY = dt.date(2026, 10, 6)
SATURDAY = dt.date(2026, 10, 10)


def test_new_day_off_takes_effect_immediately():
    monday_10h = dt.datetime(2026, 10, 5, 10, tzinfo=VN_TZ)
    assert is_working_day(TUESDAY) is True
    assert due_at(monday_10h, 1, "working_days") == dt.datetime(2026, 10, 6, 17, tzinfo=VN_TZ)

    row = DayOverride.objects.create(date=TUESDAY, kind="off", name="Nghỉ đột xuất")
    assert is_working_day(TUESDAY) is False
    assert due_at(monday_10h, 1, "working_days") == dt.datetime(2026, 10, 7, 17, tzinfo=VN_TZ)

    row.kind = DayOverride.Kind.WORK
    row.save()
    assert is_working_day(TUESDAY) is True

    row.delete()
    assert is_working_day(TUESDAY) is True
    assert due_at(monday_10h, 1, "working_days") == dt.datetime(2026, 10, 6, 17, tzinfo=VN_TZ)


def test_extra_working_saturday_takes_effect_immediately():
    assert is_working_day(SATURDAY) is False
    DayOverride.objects.create(date=SATURDAY, kind="work", name="Làm bù")
    assert is_working_day(SATURDAY) is True
    DayOverride.objects.filter(date=SATURDAY).delete()
    assert is_working_day(SATURDAY) is False


def test_table_is_read_once_then_cached(django_assert_num_queries):
    with django_assert_num_queries(1):
        is_working_day(TUESDAY)
    with django_assert_num_queries(0):
        is_working_day(SATURDAY)
        due_at(dt.datetime(2026, 10, 5, 10, tzinfo=VN_TZ), 30, "working_days")


def test_core_app_imports_no_other_project_app():
    root = pathlib.Path(mocua.workcalendar.__file__).parent
    imported = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    project = {m for m in imported if m.split(".")[0] in {"mocua", "procedures", "dossiers", "ratings"}}
    assert project <= {"mocua.text"}


def test_admin_lists_the_seeded_days(admin_client):
    url = reverse("admin:workcalendar_dayoverride_changelist")
    response = admin_client.get(url, {"date__year": "2026"})
    assert response.status_code == 200
    assert "Làm bù cho ngày 02/01/2026" in response.content.decode()
