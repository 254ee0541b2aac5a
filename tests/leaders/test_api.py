"""/api/v1/stats/…: roles, scope, input validation (structured 400 in Vietnamese), sorting, the same
numbers as the pages, and the OpenAPI schema."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from dossiers.leaders.breakdown import breakdown
from dossiers.leaders.periods import month_period
from dossiers.leaders.scope import scope_for
from mocua.accounts.models import Role

from ..factories import UserFactory

MARCH = {"period": "month", "year": 2026, "month": 3}
ENDPOINTS = ["api-stats-dashboard", "api-stats-officers", "api-stats-report06", "api-stats-index766"]


def urls(site) -> list[str]:
    return ([reverse(name) for name in ENDPOINTS] + [reverse("api-stats-breakdown") + "?by=agency"]
            + [reverse("api-stats-officer-late-steps", args=[site.hoa.pk])])


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def get(user, name, params=None, args=()):
    return api(user).get(reverse(name, args=args), {**MARCH, **(params or {})})


# --------------------------------------------------------------------------- access


def test_anonymous_gets_no_figures(site):
    for url in urls(site):
        response = api().get(url)
        assert response.status_code in (401, 403), url
        assert "figures" not in response.json() and "rows" not in response.json()


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.SPECIALIST])
def test_counter_and_specialists_are_refused(site, role):
    officer = UserFactory(agency=site.a.agency, role=role)
    for url in urls(site):
        response = api(officer).get(url)
        assert response.status_code == 403, url
        assert "figures" not in response.json() and "rows" not in response.json()


@pytest.mark.parametrize("role", [Role.HEAD, Role.LEADER])
def test_heads_and_leaders_read_every_endpoint(site, role):
    # The head of the department whose officer the per-officer endpoint asks for.
    manager = UserFactory(agency=site.a.agency, role=role, department=site.hoa.department)
    for url in urls(site):
        response = api(manager).get(f"{url}{'&' if '?' in url else '?'}{urlencode(MARCH)}")
        assert response.status_code == 200, (url, response.content)
        assert response.json()["period"]["label"] == "Tháng 3/2026"


# --------------------------------------------------------------------------- scope and numbers


def test_dashboard_is_scoped_to_the_leaders_units(site):
    figures = get(site.a.leader, "api-stats-dashboard").json()["figures"]
    assert (figures["total"], figures["new_offline"], figures["carried_over"], figures["resolved"]) == (6, 5, 1, 5)
    assert get(site.b.leader, "api-stats-dashboard").json()["figures"]["total"] == 3
    assert get(site.a1.leader, "api-stats-dashboard").json()["figures"]["total"] == 1


def test_dashboard_body(site):
    body = get(site.a.leader, "api-stats-dashboard").json()
    assert body["figures"]["on_time_rate"] == 83.33  # (5 resolved in time + 0 within) / 6
    # 766 indicator 5.4 (the one satisfaction rate): no resolved dossier late or disliked.
    assert body["satisfaction_rate"] == 100.0 and body["rated"] == 0 and body["disliked"] == 0
    assert body["returned"] == 0 and body["warnings"] == []
    assert len(body["months"]) == 12 and body["months"][-1]["month"] == "2026-03-01"
    assert body["months"][-1]["received"] == 5


def test_another_agency_is_a_structured_400(site):
    response = get(site.a.leader, "api-stats-dashboard", {"agency": site.b.agency.pk})
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "detail": "Dữ liệu không hợp lệ.",
                               "fields": {"agency": ["Đơn vị không thuộc phạm vi quản lý của bạn."]}}


def test_another_agencys_officer_is_404(site):
    response = get(site.a.leader, "api-stats-officer-late-steps", args=[site.b.specialists[0].pk])
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_officers_never_include_another_agency(site):
    rows = get(site.a.leader, "api-stats-officers").json()["rows"]
    names = {row["label"] for row in rows}
    assert "Vũ Thị Quảng" not in names and "Phạm Thị Hoa" in names
    assert rows[0]["label"] == "Phạm Thị Hoa" and rows[0]["late_steps"] == 2


def test_filter_by_sub_agency(site):
    body = get(site.a.leader, "api-stats-officers", {"agency": site.a1.agency.pk}).json()
    assert {row["label"] for row in body["rows"]} == {"Cán bộ một cửa A1", "Lãnh đạo A1", "Đỗ Minh Châu"}


# --------------------------------------------------------------------------- input validation


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"period": "week"}, "period", None),
    ({"month": 13}, "month", None),
    ({"quarter": 0}, "quarter", None),
    ({"year": "abc"}, "year", None),
    ({"period": "range", "start": "2026-03-01"}, "end", "Cần nhập cả ngày bắt đầu và ngày kết thúc."),
    ({"period": "range", "start": "2026-03-10", "end": "2026-03-01"}, "end",
     "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."),
    ({"period": "range", "start": "2026-02-31", "end": "2026-03-01"}, "start", None),
    ({"field": 999999}, "field", "Lĩnh vực không có trong phạm vi quản lý."),
    ({"procedure": 999999}, "procedure", "Thủ tục không có trong phạm vi quản lý."),
])
def test_bad_query_is_a_400_naming_the_field(site, params, field, message):
    for name in ("api-stats-dashboard", "api-stats-report06", "api-stats-index766"):
        response = get(site.a.leader, name, params)
        assert response.status_code == 400, name
        body = response.json()
        assert body["code"] == "invalid" and list(body["fields"]) == [field]
        if message:
            assert body["fields"][field] == [message]


def test_period_kinds(site):
    quarter = get(site.a.leader, "api-stats-report06", {"period": "quarter", "quarter": 1}).json()["period"]
    assert quarter == {"kind": "quarter", "start": "2026-01-01", "end": "2026-03-31", "label": "Quý 1/2026"}
    dates = get(site.a.leader, "api-stats-report06",
                {"period": "range", "start": "2026-03-02", "end": "2026-03-06"}).json()["period"]
    assert (dates["start"], dates["end"]) == ("2026-03-02", "2026-03-06")
    year = api(site.a.leader).get(reverse("api-stats-dashboard"), {"period": "year"}).json()["period"]
    assert year["label"] == "Năm 2026"  # the year defaults to this one


def test_officers_sort_and_order(site):
    by_name = get(site.a.leader, "api-stats-officers", {"sort": "name"}).json()["rows"]
    assert by_name[0]["label"] == "Cán bộ một cửa A"
    fewest = get(site.a.leader, "api-stats-officers", {"sort": "late_steps", "order": "asc"}).json()["rows"]
    assert fewest[-1]["label"] == "Phạm Thị Hoa"
    wrong = get(site.a.leader, "api-stats-officers", {"sort": "password"})
    assert wrong.status_code == 400 and list(wrong.json()["fields"]) == ["sort"]


def test_breakdown_needs_a_grouping_and_a_fitting_sort(site):
    assert list(get(site.a.leader, "api-stats-breakdown").json()["fields"]) == ["by"]
    response = get(site.a.leader, "api-stats-breakdown", {"by": "department", "sort": "on_time_rate"})
    assert response.status_code == 400 and list(response.json()["fields"]) == ["sort"]


@pytest.mark.parametrize("by", ["department", "agency", "field", "procedure"])
def test_breakdown_matches_the_stats_module(site, by):
    rows = get(site.a.leader, "api-stats-breakdown", {"by": by}).json()["rows"]
    expected = breakdown(scope=scope_for(site.a.leader), period=month_period(2026, 3), by=by,
                               sort="on_time_rate" if by == "agency" else "late_steps")
    assert [(r["label"], r["late_steps"], r["overdue_now"]) for r in rows] == \
        [(r.label, r.late_steps, r.overdue_now) for r in expected]
    assert all((r["figures"] is None) == (by == "department") for r in rows)


# --------------------------------------------------------------------------- late steps, report, index


def test_officer_late_steps(site):
    body = get(site.a.leader, "api-stats-officer-late-steps", args=[site.binh.pk]).json()
    assert body["officer"]["name"] == "Lê Văn Bình"
    assert [s["dossier_code"] for s in body["late_steps"]] == [site.codes["binh_late"]]
    step = body["late_steps"][0]
    assert step["late_seconds"] > 0 and step["due_at"] < step["finished_at"]
    assert [d["code"] for d in body["overdue_now"]] == [site.codes["carried"]]


def test_report06_by_unit_adds_up(site):
    body = get(site.a.leader, "api-stats-report06", {"by": "unit"}).json()
    assert [c["number"] for c in body["columns"]] == list(range(3, 14))
    assert [r["label"] for r in body["rows"]] == [site.a.agency.name, site.a1.agency.name]
    total = body["total"]["figures"]
    assert [total[c["key"]] for c in body["columns"]] == [6, 0, 5, 1, 5, 5, 0, 0, 1, 0, 1]
    assert total["total"] == sum(r["figures"]["total"] for r in body["rows"])
    assert body["warnings"] == []


def test_index766(site):
    body = get(site.a.leader, "api-stats-index766").json()
    assert [r["label"] for r in body["rows"]] == [site.a.agency.name, site.a1.agency.name]
    indicators = {i["number"]: i for i in body["total"]["indicators"]}
    assert set(indicators) == {"2.1", "3.3", "4.1", "4.2", "5.4"}
    assert indicators["4.1"]["no_data"] is False  # computable: dossiers with a signed electronic result
    assert indicators["2.1"]["rate"] == 83.33 and indicators["2.1"]["max_points"] == 20


# --------------------------------------------------------------------------- schema


def test_schema_documents_the_stats_endpoints_without_warnings(db):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    for path in ("/api/v1/stats/dashboard/", "/api/v1/stats/officers/", "/api/v1/stats/officers/{id}/late-steps/",
                 "/api/v1/stats/breakdown/", "/api/v1/stats/report06/", "/api/v1/stats/index766/"):
        operation = schema["paths"][path]["get"]
        assert {"200", "400", "403"} <= set(operation["responses"]), path
        names = {p["name"] for p in operation["parameters"]}
        assert {"period", "year", "month", "quarter", "start", "end", "agency", "field", "procedure"} <= names, path
    breakdown = schema["paths"]["/api/v1/stats/breakdown/"]["get"]["parameters"]
    assert {"sort", "order", "by"} <= {p["name"] for p in breakdown}
    messages = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    ours = [m for m in messages if "stats_api" in m or "Stats" in m]
    assert ours == []
    assert "DashboardOutput" in schema["components"]["schemas"]
