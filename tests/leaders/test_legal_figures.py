"""Issue 21, item 11: Biểu 06 per field groups its rows by level ("Lĩnh vực, công việc giải quyết
theo cấp"), and a dossier stopped after its due time is late (only a withdrawn one takes the on-time
convention, domain-vn.md §8.1). Expected cells are counted here by hand from the moves made."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dossiers import services
from dossiers.leaders.index766 import index766
from dossiers.leaders.periods import month_period
from dossiers.leaders.report06 import report06
from dossiers.leaders.scope import scope_for
from mocua.accounts.models import Level, Role

from ..dossiers.conftest import make_intake
from ..factories import AgencyFactory, UserFactory, full_variant

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = month_period(2026, 3)


def vn(day, hour=8, minute=0):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=VN)


@pytest.fixture
def world(db):
    province = AgencyFactory(code="000.00.00.T09", name="Trung tâm Phục vụ hành chính công tỉnh", level=Level.PROVINCE)
    commune = AgencyFactory(code="000.01.00.T09", name="UBND xã A", parent=province, level=Level.COMMUNE)
    variant = full_variant(code="1.009001", name="Đăng ký khai sinh")
    variant.procedure.agencies.add(province, commune)
    people = {}
    for agency, key in ((province, "p"), (commune, "c")):
        for role in (Role.RECEPTION, Role.SPECIALIST, Role.LEADER):
            people[key, role] = UserFactory(agency=agency, role=role, username=f"{key}.{role}")
    return province, commune, variant, people


def _received(people, key, variant, day):
    return services.dossier_receive(actor=people[key, Role.RECEPTION], intake=make_intake(variant), now=vn(day))


def test_a_dossier_stopped_after_its_due_time_is_late_and_a_withdrawn_one_on_time(world):
    province, commune, variant, people = world
    # Both received Mon 02/03 08:00 (3 working days: due Thu 05/03 17:00), closed Mon 09/03.
    stopped = _received(people, "c", variant, 2)
    services.dossier_stop(dossier=stopped, actor=people["c", Role.LEADER], reason="Có tranh chấp", now=vn(9))
    withdrawn = _received(people, "c", variant, 2)
    services.dossier_withdraw(dossier=withdrawn, actor=people["c", Role.RECEPTION], reason="Xin rút", now=vn(9))

    report = report06(scope=scope_for(people["c", Role.LEADER]), period=MARCH, by="unit")
    row = report.rows[0]
    # Received 2, resolved 2: the stopped one late, the withdrawn one on time.
    assert (row["total"], row["resolved"], row["resolved_early"], row["resolved_on_time"], row["resolved_late"]) == (
        2, 2, 0, 1, 1)
    # The 766 index judges the withdrawn one by its clock too: 2 late of 2, each counted once.
    rows, _ = index766(scope=scope_for(people["c", Role.LEADER]), period=MARCH)
    unit = rows[0]
    assert unit.late == 2


def test_the_report_by_field_groups_its_rows_by_level(world):
    province, commune, variant, people = world
    _received(people, "p", variant, 2)
    _received(people, "c", variant, 3)
    _received(people, "c", variant, 4)

    report = report06(scope=scope_for(people["p", Role.LEADER]), period=MARCH, by="field")

    field = variant.procedure.field.name
    assert [(r.group, r.label, r["total"]) for r in report.rows] == [("Cấp tỉnh", field, 1), ("Cấp xã", field, 2)]
    assert report.total["total"] == 3


def test_the_page_shows_the_level_headings(world, client):
    province, commune, variant, people = world
    _received(people, "p", variant, 2)
    _received(people, "c", variant, 3)
    client.force_login(people["p", Role.LEADER])
    html = client.get("/lanh-dao/bieu-06/", {"period": "month", "year": 2026, "month": 3}).content.decode()
    assert html.index("Cấp tỉnh") < html.index("Cấp xã")
    # The note under the form says how a stopped dossier counts now.
    assert "hồ sơ dừng xử lý tính theo thời hạn, dừng sau hạn là quá hạn" in html


def test_the_officers_page_says_what_counts_as_late(world, client):
    province, commune, variant, people = world
    client.force_login(people["p", Role.LEADER])
    html = client.get("/lanh-dao/can-bo/").content.decode()
    assert "khi bước đã quá hạn vẫn tính là quá hạn" in html
    assert "chờ công dân đến nhận, không tính là trễ của cán bộ" in html


def test_the_dashboard_says_what_its_on_time_rate_counts(world, client):
    # Issue 21, item 13 (its last sentence only): the open overdue dossiers are in the denominator.
    province, commune, variant, people = world
    client.force_login(people["p", Role.LEADER])
    html = client.get("/lanh-dao/").content.decode()
    assert "(trước hạn + đúng hạn + đang giải quyết trong hạn) ÷ tổng số hồ sơ" in html
    assert "hồ sơ đang quá hạn tính là không đúng hạn" in html
