"""Satisfaction figures per officer, department, agency, procedure and month, and the 766
index's indicator 5.4, on the staff page /can-bo/danh-gia/ and GET /api/v1/ratings/stats/."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers import services as dossier_services
from mocua.accounts.models import Role
from mocua.accounts.selectors import FiguresScope, Unit
from ratings import services, stats
from ratings.models import Level, RatingChannel

from ..factories import AgencyFactory, UserFactory
from .conftest import NINE_TWOS, make_intake

pytestmark = pytest.mark.django_db

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
NINE_ZEROS = {key: 0 for key in NINE_TWOS}


def rate(dossier, level, **kwargs):
    return services.rating_submit(dossier=dossier, level=level, channel=RatingChannel.LOOKUP, **kwargs)


@pytest.fixture
def rated(frozen, build_dossier):
    """Three rated dossiers of March 2026: 18 points, 0 points and no score."""
    first, second, third = build_dossier("returned"), build_dossier("returned"), build_dossier("refused")
    rate(first, Level.VERY_SATISFIED, criteria=NINE_TWOS)
    rate(second, Level.NOT_SATISFIED, reason="Chờ lâu", criteria={**NINE_ZEROS, "c1": 1})
    rate(third, Level.SATISFIED)
    return first, second, third


def scope_of(agency) -> FiguresScope:
    """The agency alone, as its leader's scope would be with no agency below it."""
    return FiguresScope((Unit(agency.pk, agency.name, None, 0),))


def table(agency, by):
    return stats.satisfaction_table(scope=scope_of(agency), start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31),
                                    by=by)


def test_figures_per_officer(rated, agency, receptionist, specialist):
    rows = {row["label"]: row for row in table(agency, "officer")}
    assert set(rows) == {receptionist.full_name, specialist.full_name}
    row = rows[specialist.full_name]
    assert (row["count"], row["very_satisfied"], row["satisfied"], row["not_satisfied"]) == (3, 1, 1, 1)
    assert row["satisfied_rate"] == 66.67
    assert row["average_total"] == 9.5 and row["grade"] == "Khá"  # (18 + 1) / 2; the unscored one is left out
    assert row["criteria"]["c1"] == 1.5 and row["criteria"]["c2"] == 1.0


@pytest.mark.parametrize("by", ["agency", "procedure", "month"])
def test_figures_per_agency_procedure_and_month(rated, agency, by):
    [row] = table(agency, by)
    assert (row["count"], row["very_satisfied"], row["satisfied"], row["not_satisfied"]) == (3, 1, 1, 1)
    assert (row["satisfied_rate"], row["average_total"], row["grade"]) == (66.67, 9.5, "Khá")
    expected = {"agency": agency.name, "procedure": "Đăng ký khai sinh"}
    if by == "month":
        assert (row["label"].year, row["label"].month) == (2026, 3)
    else:
        assert row["label"] == expected[by]


def test_a_department_counts_a_rating_once_however_many_of_its_officers_handled_it(
        frozen, variant, agency, receptionist, specialist, leader):
    colleague = UserFactory(agency=agency, role=Role.SPECIALIST, department=specialist.department, username="cv.b")
    # An officer with no department is in no department's row (and makes none of their own).
    loner = UserFactory(agency=agency, role=Role.SPECIALIST, department=None, username="cv.c")

    def returned(*holders):
        dossier = dossier_services.dossier_receive(actor=receptionist, intake=make_intake(variant))
        dossier = dossier_services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=holders[0])
        for before, after in zip(holders, holders[1:], strict=False):
            dossier = dossier_services.dossier_hand_over(dossier=dossier, actor=before, to_user=after,
                                                         next_step=False)
        dossier = dossier_services.dossier_approve(dossier=dossier, actor=leader)
        return dossier_services.dossier_return(dossier=dossier, actor=receptionist, collected_by="Trần Thị Bình")

    rate(returned(specialist, colleague, loner), Level.VERY_SATISFIED, criteria=NINE_TWOS)
    rate(returned(specialist), Level.NOT_SATISFIED, reason="Chậm", criteria=NINE_ZEROS)

    rows = {row["key"]: row for row in table(agency, "department")}
    assert None not in rows
    row = rows[specialist.department_id]
    assert row["label"] == specialist.department.name
    assert (row["count"], row["very_satisfied"], row["not_satisfied"]) == (2, 1, 1)
    assert row["average_total"] == 9.0 and row["criteria"]["c5"] == 1.0  # not (18 + 18 + 0) / 3
    assert rows[receptionist.department_id]["count"] == 2


def test_ratings_outside_the_period_or_agency_are_left_out(rated, agency, other_agency):
    assert stats.satisfaction_table(scope=scope_of(agency), start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30),
                                    by="agency") == []
    assert table(other_agency, "officer") == []


def test_indicator_5_4(rated, agency):
    figure = stats.indicator_5_4(scope=scope_of(agency), start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    # Three dossiers resolved, none late, one "not satisfied": 100 % − 33.33 % = 66.67 %, below 90 %.
    assert figure == {"total": 3, "late": 0, "disliked": 1, "rate": 66.67, "points": 4.44, "max_points": 6}


def test_indicator_5_4_counts_a_late_dossier_rated_badly_once(frozen, build_dossier, agency, receptionist,
                                                              specialist, leader, variant):
    dossier = dossier_services.dossier_receive(actor=receptionist, intake=make_intake(variant))
    dossier = dossier_services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    frozen.set(frozen.moment + dt.timedelta(days=14))  # far past the three working days
    dossier = dossier_services.dossier_approve(dossier=dossier, actor=leader)
    dossier = dossier_services.dossier_return(dossier=dossier, actor=receptionist, collected_by="Trần Thị Bình")
    rate(dossier, Level.NOT_SATISFIED, reason="Trễ hẹn")
    for _ in range(9):
        build_dossier("returned")

    figure = stats.indicator_5_4(scope=scope_of(agency), start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))

    assert (figure["total"], figure["late"], figure["disliked"]) == (10, 1, 0)
    assert (figure["rate"], figure["points"]) == (90.0, 6.0)  # full points from 90 %


def test_indicator_5_4_without_dossiers():
    assert stats.indicator_5_4(scope=FiguresScope(()), start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)) == {
        "total": 0, "late": 0, "disliked": 0, "rate": None, "points": None, "max_points": 6}


# --------------------------------------------------------------------------- page and API


def test_the_staff_page_shows_the_figures(client, rated, leader, specialist):
    client.force_login(leader)
    response = client.get("/can-bo/danh-gia/", {**MARCH, "by": "officer"})
    assert response.status_code == 200
    page = response.content.decode()
    # Vietnamese number format: a decimal comma.
    assert specialist.full_name in page and "66,67%" in page and "9,5" in page and "Khá" in page
    assert "chỉ số 5.4" in page and "4,44/6 điểm" in page
    for private in ("Trần Thị Bình", "Chờ lâu"):  # neither the citizen nor their words are figures
        assert private not in page


def test_the_api_gives_the_same_figures(client, rated, leader, specialist):
    client.force_login(leader)
    body = client.get("/api/v1/ratings/stats/", {**MARCH, "by": "officer"}).json()
    assert (body["start"], body["end"], body["by"]) == ("2026-03-01", "2026-03-31", "officer")
    row = next(r for r in body["rows"] if r["label"] == specialist.full_name)
    assert (row["count"], row["satisfied_rate"], row["average_total"], row["grade"]) == (3, 66.67, 9.5, "Khá")
    assert row["criteria"]["c1"] == 1.5
    assert body["indicator_5_4"]["rate"] == 66.67


def test_figures_are_for_officers_only(client, rated, agency):
    assert client.get("/can-bo/danh-gia/").status_code == 302
    assert client.get("/api/v1/ratings/stats/").status_code in (401, 403)
    client.force_login(UserFactory(agency=agency, role="", username="khong.vai.tro"))
    assert client.get("/can-bo/danh-gia/").status_code == 403
    assert client.get("/api/v1/ratings/stats/").status_code == 403


def test_another_agency_sees_none_of_these_figures(client, rated, other_agency, specialist):
    client.force_login(UserFactory(agency=other_agency, role=Role.LEADER, username="lanhdao.khac"))
    page = client.get("/can-bo/danh-gia/", MARCH).content.decode()
    assert specialist.full_name not in page and "Chưa có đánh giá trong kỳ." in page
    assert client.get("/api/v1/ratings/stats/", MARCH).json()["rows"] == []


def test_a_department_head_sees_the_officers_of_their_own_department(client, rated, agency, head, specialist,
                                                                     receptionist):
    client.force_login(head)
    assert specialist.full_name not in client.get("/can-bo/danh-gia/", {**MARCH, "by": "officer"}).content.decode()
    colleague = UserFactory(agency=agency, role=Role.HEAD, department=specialist.department)
    client.force_login(colleague)
    page = client.get("/can-bo/danh-gia/", {**MARCH, "by": "officer"}).content.decode()
    assert specialist.full_name in page and receptionist.full_name not in page
    rows = client.get("/api/v1/ratings/stats/", {**MARCH, "by": "department"}).json()["rows"]
    assert [r["label"] for r in rows] == [specialist.department.name]


def test_a_leader_sees_the_agencies_below_and_a_counter_officer_only_their_own(client, rated, agency, specialist):
    parent = AgencyFactory(code="000.00.22.H56", name="Ủy ban nhân dân tỉnh Thanh Hóa")
    agency.parent = parent
    agency.save()
    province_leader = UserFactory(agency=parent, role=Role.LEADER, username="lanhdao.tinh")
    province_counter = UserFactory(agency=parent, role=Role.RECEPTION, username="motcua.tinh")

    client.force_login(province_leader)
    assert specialist.full_name in client.get("/can-bo/danh-gia/", MARCH).content.decode()
    client.force_login(province_counter)
    assert specialist.full_name not in client.get("/can-bo/danh-gia/", MARCH).content.decode()


# --------------------------------------------------------------------------- query budgets


@pytest.fixture
def many_rated(frozen, variant, agency, receptionist, leader):
    """make(n): n more returned dossiers, each handled by its own specialist and department, rated."""

    def make(n):
        for index in range(n):
            officer = UserFactory(agency=agency, role=Role.SPECIALIST)
            dossier = dossier_services.dossier_receive(actor=receptionist, intake=make_intake(variant))
            dossier = dossier_services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=officer)
            dossier = dossier_services.dossier_approve(dossier=dossier, actor=leader)
            dossier = dossier_services.dossier_return(dossier=dossier, actor=receptionist, collected_by="Bình")
            rate(dossier, [Level.VERY_SATISFIED, Level.SATISFIED][index % 2], criteria=NINE_TWOS)

    return make


# Per request: the user with their agency (the session comes from the shared cache); the agencies
# (the scope's tree, mocua.accounts.selectors.agency_tree); the satisfaction rows (one grouped
# query); indicator 5.4 (the daily figures summed per unit); the unread-message count.
FIGURES_QUERIES = 5
# The API has no menu: the user, the agencies, rows, indicator.
STATS_API_QUERIES = 4


@pytest.mark.parametrize("by", ["officer", "department", "agency", "procedure", "month"])
def test_the_figures_page_costs_the_same_for_2_or_10_officers(client, many_rated, leader, by,
                                                               django_assert_num_queries):
    client.force_login(leader)
    many_rated(2)
    with django_assert_num_queries(FIGURES_QUERIES):
        first = client.get("/can-bo/danh-gia/", {**MARCH, "by": by})
    many_rated(8)
    with django_assert_num_queries(FIGURES_QUERIES):
        second = client.get("/can-bo/danh-gia/", {**MARCH, "by": by})
    assert first.status_code == second.status_code == 200
    rows = second.context["rows"]
    assert sum(row["count"] for row in rows) >= 10 if by in ("officer", "department") else rows[0]["count"] == 10


@pytest.mark.parametrize("by", ["officer", "department", "month"])
def test_the_stats_endpoint_costs_the_same_for_2_or_10_officers(client, many_rated, leader, by,
                                                                 django_assert_num_queries):
    client.force_login(leader)
    many_rated(2)
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/ratings/stats/", {**MARCH, "by": by})
    many_rated(8)
    with django_assert_num_queries(len(small.captured_queries)):
        body = client.get("/api/v1/ratings/stats/", {**MARCH, "by": by}).json()
    assert len(small.captured_queries) == STATS_API_QUERIES
    assert body["indicator_5_4"]["total"] == 10


def test_a_period_is_whole_local_days_of_ratings(frozen, build_dossier, agency):
    """Midnight in Vietnam starts a day (17:00 UTC the day before): the rating given at 00:00 on the
    first day and the one at 23:59 on the last count; the one at 00:00 after the last does not."""
    from .conftest import vn

    frozen.set(vn(2026, 2, 24, 9, 0))  # handed back before the first rating
    dossiers = [build_dossier("returned") for _ in range(4)]
    for dossier, moment in zip(dossiers, [vn(2026, 2, 28, 23, 59), vn(2026, 3, 1, 0, 0), vn(2026, 3, 31, 23, 59),
                                          vn(2026, 4, 1, 0, 0)], strict=True):
        frozen.set(moment)
        rate(dossier, Level.SATISFIED)

    assert set(stats.ratings_in(agency_ids=[agency.pk], start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
               .values_list("dossier_id", flat=True)) == {dossiers[1].pk, dossiers[2].pk}
    [row] = table(agency, "agency")
    assert row["count"] == 2
