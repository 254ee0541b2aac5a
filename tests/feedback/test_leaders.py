"""The leaders' feedback, targets and rankings pages and their xlsx: the scope rule, the figures the
page shows (and downloads), the query counts pinned with several units, targets set on the page by
a leader only, a unit below its target marked, the rankings' order and their formula on the page."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from feedback import services
from feedback.models import UnitTarget
from feedback.workflow import Category
from mocua.accounts.models import Role

from ..factories import ProcedureFactory, UserFactory
from .conftest import send, vn

pytestmark = pytest.mark.django_db
MARCH = {"period": "month", "year": "2026", "month": "3"}


@pytest.fixture
def province(tree, frozen):
    """P with communes A (and H below it) and B, each with a specialist, a head and feedback in March."""
    p, a, h, b, q = tree
    people = {"governor": UserFactory(agency=p, role=Role.LEADER, username="chutich", full_name="Chủ Tịch")}
    for key, unit in (("a", a), ("h", h), ("b", b), ("q", q)):
        people[f"{key}_specialist"] = UserFactory(agency=unit, role=Role.SPECIALIST, username=f"cv.{key}",
                                                  full_name=f"Chuyên Viên {key.upper()}")
        people[f"{key}_head"] = UserFactory(agency=unit, role=Role.HEAD, username=f"tp.{key}",
                                            department=people[f"{key}_specialist"].department)
    ProcedureFactory(code="1.000001").agencies.add(a, b)  # so that the filters have a procedure and a field
    frozen.set(vn(2026, 3, 2, 8, 0))
    items = {key: [send(unit, title=f"{key}{n}") for n in range(3)] for key, unit in (("a", a), ("b", b), ("q", q))}
    frozen.set(vn(2026, 3, 3, 9, 0))
    for key in ("a", "b"):
        for item in items[key][:2]:
            item = services.feedback_classify(item=item, actor=people[f"{key}_specialist"], category=Category.RULE)
            if key == "a":  # A answers and publishes on time; B never answers (late by the end of March)
                item = services.feedback_answer(item=item, actor=people["a_specialist"], answer="Đã trả lời.")
                services.feedback_publish(item=item, actor=people["a_head"], public_question="Hỏi.",
                                          public_answer="Đáp.")
    frozen.set(vn(2026, 4, 6, 10, 0))
    return {"units": tree, **people}


def test_the_feedback_page_per_unit_and_officer_in_a_fixed_number_of_queries(client, province,
                                                                            django_assert_num_queries):
    client.force_login(province["governor"])
    # the user; the scope; procedures and fields for the filters; per unit; per officer; the bell
    with django_assert_num_queries(7):
        response = client.get("/lanh-dao/phan-anh/", MARCH)
    assert response.status_code == 200
    p, a, h, b, q = province["units"]
    units = {row.key: row for row in response.context["units"]}
    assert list(units) == [p.pk, a.pk, h.pk, b.pk]  # the scope, depth first: no Q
    assert (units[a.pk].received, units[a.pk].handled, units[a.pk].handled_late) == (3, 2, 0)
    assert (units[b.pk].received, units[b.pk].handled, units[b.pk].open_late) == (3, 0, 3)
    total = response.context["total"]
    assert (total.received, total.handled, total.open_end) == (6, 2, 4)
    officers = {row.label for row in response.context["officers"]}
    assert officers == {"Chuyên Viên A", "Chuyên Viên B", "Chưa giao"}
    book = load_workbook(io.BytesIO(client.get("/lanh-dao/phan-anh/", {**MARCH, "format": "xlsx"}).content))
    sheet = book["Phản ánh theo đơn vị"]
    total_row = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "Toàn phạm vi")
    assert list(total_row[2:8]) == [6, 2, 2, 0, 4, 4]


def test_a_commune_leader_reads_their_own_commune_only(client, province):
    p, a, h, b, q = province["units"]
    leader = UserFactory(agency=b, role=Role.LEADER, username="ct.b")
    client.force_login(leader)
    response = client.get("/lanh-dao/phan-anh/", MARCH)
    assert [row.key for row in response.context["units"]] == [b.pk]
    assert client.get("/lanh-dao/phan-anh/", {**MARCH, "agency": a.pk}).status_code == 400


def test_a_leader_sets_a_target_and_sees_the_unit_below_it(client, province, django_assert_num_queries):
    p, a, h, b, q = province["units"]
    client.force_login(province["governor"])
    response = client.post("/lanh-dao/chi-tieu/luu/", {"agency": b.pk, "year": 2026, "feedback_on_time": "90",
                                                       "back": "?period=month&year=2026&month=3"})
    assert response.status_code == 302 and response["Location"] == "/lanh-dao/chi-tieu/?period=month&year=2026&month=3"
    assert UnitTarget.objects.get().feedback_on_time == Decimal("90.00")
    # the user; scope; filter choices (2); the daily rows per unit; the open dossiers; feedback per unit;
    # the targets; the bell
    with django_assert_num_queries(9):
        page = client.get("/lanh-dao/chi-tieu/", MARCH)
    rows = {row.card.key: row for row in page.context["rows"]}
    below = rows[b.pk].below
    assert [(p_.metric, p_.target, p_.actual) for p_ in below] == [("feedback_on_time", 90.0, 0.0)]
    assert rows[a.pk].below == [] and page.context["below"] == 1
    html = page.content.decode()
    assert "1 đơn vị chưa đạt ít nhất một chỉ tiêu." in html and "chưa đạt" in html


def test_only_a_leader_sets_targets_and_a_bad_value_is_a_message(client, province):
    p, a, h, b, q = province["units"]
    client.force_login(province["a_head"])
    assert client.post("/lanh-dao/chi-tieu/luu/", {"agency": a.pk, "year": 2026, "on_time": 90}).status_code == 403
    page = client.get("/lanh-dao/chi-tieu/", MARCH)
    assert page.status_code == 200 and page.context["target_form"] is None
    client.force_login(province["governor"])
    response = client.post("/lanh-dao/chi-tieu/luu/", {"agency": a.pk, "year": 2026, "on_time": "120"}, follow=True)
    assert "Chỉ tiêu từ 0 đến 100%." in response.content.decode()
    response = client.post("/lanh-dao/chi-tieu/luu/", {"agency": q.pk, "year": 2026, "on_time": "90"}, follow=True)
    assert "Đơn vị không thuộc phạm vi quản lý của bạn." in response.content.decode()
    assert not UnitTarget.objects.exists()
    assert client.post("/lanh-dao/chi-tieu/luu/", {"agency": a.pk, "year": 2026, "back": "//evil.example/"}
                       )["Location"] == "/lanh-dao/chi-tieu/"


def test_the_rankings_order_the_units_by_score_and_explain_it(client, province, django_assert_num_queries):
    p, a, h, b, q = province["units"]
    client.force_login(province["governor"])
    # the user; scope; filter choices (2); daily rows; open dossiers; feedback per unit; officers with their
    # steps; feedback per officer; the bell
    with django_assert_num_queries(10):
        response = client.get("/lanh-dao/xep-hang/", MARCH)
    units = response.context["units"]
    ranked = [(rank, card.key) for rank, card in units]
    # A answered on time (5.2 partly, 5.1 2/3), B classified but late; P and H have nothing: unranked
    assert ranked[:2] == [(1, a.pk), (2, b.pk)] and {key for rank, key in ranked[2:]} == {p.pk, h.pk}
    assert all(rank == 0 for rank, _ in ranked[2:])
    assert units[0][1].score > units[1][1].score
    html = response.content.decode()
    assert "Điểm = tổng điểm các chỉ số 766 tính được" in html and "Điểm cán bộ =" in html
    officers = client.get("/lanh-dao/xep-hang/", {**MARCH, "agency": a.pk}).context["officers"]
    assert [(rank, o.label, o.score) for rank, o in officers][:1] == [(1, "Chuyên Viên A", 100.0)]
    book = load_workbook(io.BytesIO(client.get("/lanh-dao/xep-hang/", {**MARCH, "format": "xlsx"}).content))
    first = next(row for row in book["Xếp hạng đơn vị"].iter_rows(values_only=True) if row[0] == 1)
    assert first[1] == a.name and first[-1] == units[0][1].score


def test_the_leaders_menu_leads_to_the_new_pages(client, province):
    client.force_login(province["governor"])
    html = client.get("/lanh-dao/", MARCH).content.decode()
    for url, name in (("/lanh-dao/phan-anh/", "Phản ánh, kiến nghị"), ("/lanh-dao/chi-tieu/", "Chỉ tiêu"),
                      ("/lanh-dao/xep-hang/", "Xếp hạng thi đua")):
        assert f'href="{url}?' in html and name in html


def test_equal_scores_share_a_rank_and_no_score_is_unranked():
    from types import SimpleNamespace

    from feedback.scores import rank

    rows = [SimpleNamespace(label=label, score=score) for label, score in
            (("B", 80.0), ("A", 80.0), ("C", 90.0), ("D", None), ("E", 70.0))]
    found = rank(rows, lambda r: r.score, lambda r: (-r.score, r.label))
    assert [(n, r.label) for n, r in found] == [(1, "C"), (2, "A"), (2, "B"), (4, "E"), (0, "D")]


def test_a_procedure_chosen_in_the_filters_ranks_on_that_work_only(client, province):
    from procedures.models import Procedure

    client.force_login(province["governor"])
    procedure = Procedure.objects.get(code="1.000001")
    units = client.get("/lanh-dao/xep-hang/", {**MARCH, "procedure": procedure.pk}).context["units"]
    assert [rank for rank, _ in units] == [0] * len(units)  # none of the feedback is about it
