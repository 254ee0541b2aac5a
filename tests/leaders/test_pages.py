"""The leaders' pages under /lanh-dao/: who may open them, whose numbers they show, the period and
filter parsing, sorting and the late steps page. The counting itself is tested against the stats
module's own fixture (tests/leaders/conftest.py); here the pages must show what it counts."""

import datetime as dt

import pytest
from django.urls import reverse

from dossiers.leaders.breakdown import breakdown
from dossiers.leaders.periods import month_period, quarter_period, range_period, year_period
from dossiers.leaders.rates import rounded
from dossiers.leaders.scope import scope_for
from mocua.accounts.models import Role
from mocua.text import fold

from ..factories import UserFactory
from ._data import MARCH

PAGES = ["leaders:dashboard", "leaders:officers", "leaders:report06", "leaders:index766"]
BREAKDOWNS = ["phong-ban", "don-vi", "linh-vuc", "thu-tuc"]


def all_urls(site) -> list[str]:
    return ([reverse(name) for name in PAGES] + [reverse("leaders:breakdown", args=[s]) for s in BREAKDOWNS]
            + [reverse("leaders:officer", args=[site.hoa.pk])])


def get(client, user, url, query=MARCH):
    client.force_login(user)
    return client.get(f"{url}?{query}")


# --------------------------------------------------------------------------- access


def test_anonymous_is_sent_to_the_login_page(client, site):
    for url in all_urls(site):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.SPECIALIST])
def test_counter_and_specialists_are_refused(client, site, role):
    officer = UserFactory(agency=site.a.agency, role=role)
    for url in all_urls(site):
        assert get(client, officer, url).status_code == 403, url


@pytest.mark.parametrize("role", [Role.HEAD, Role.LEADER])
def test_heads_and_leaders_open_every_page(client, site, role):
    # The head of the department whose officer the per-officer page shows.
    manager = UserFactory(agency=site.a.agency, role=role, department=site.hoa.department)
    for url in all_urls(site):
        response = get(client, manager, url)
        assert response.status_code == 200, url
        assert "Tháng 3/2026" in response.content.decode()


def test_a_department_head_sees_the_officers_of_their_own_department_only(client, site):
    head = UserFactory(agency=site.a.agency, role=Role.HEAD, department=site.hoa.department)
    page = get(client, head, reverse("leaders:officers")).content.decode()
    assert all(s.full_name in page for s in site.a.specialists)
    assert site.a.receptionist.full_name not in page and site.a.leader.full_name not in page
    # Another department's officer, or an agency below the head's, is not theirs to read.
    assert get(client, head, reverse("leaders:officer", args=[site.a.receptionist.pk])).status_code == 404
    assert get(client, head, reverse("leaders:officer", args=[site.a1.receptionist.pk])).status_code == 404


def test_the_staff_menu_links_the_dashboard_for_managers_only(client, site):
    link = f'href="{reverse("leaders:dashboard")}"'
    client.force_login(site.a.leader)
    assert link in client.get(reverse("dossiers:mine")).content.decode()
    client.force_login(site.hoa)
    assert link not in client.get(reverse("dossiers:mine")).content.decode()


# --------------------------------------------------------------------------- scope


def test_dashboard_counts_the_agency_and_its_sub_agency_only(client, site):
    figures = get(client, site.a.leader, reverse("leaders:dashboard")).context["board"].figures
    # A: 4 new in March + 1 carried from February; A1: 1 new; B's 3 dossiers are not counted.
    assert (figures["new_offline"], figures["carried_over"], figures["total"]) == (5, 1, 6)
    assert figures["resolved"] == 5 and figures["in_progress"] == 1

    assert get(client, site.b.leader, reverse("leaders:dashboard")).context["board"].figures["total"] == 3
    # Scope goes down the tree, never up: A1's leader sees A1 alone.
    assert get(client, site.a1.leader, reverse("leaders:dashboard")).context["board"].figures["total"] == 1


def test_a_leader_never_sees_another_agencys_officers(client, site):
    response = get(client, site.a.leader, reverse("leaders:officers"))
    names = [row.label for row in response.context["rows"]]
    assert "Vũ Thị Quảng" not in names and "Lãnh đạo B" not in names
    assert {"Phạm Thị Hoa", "Đỗ Minh Châu"} <= set(names)
    assert "Vũ Thị Quảng" not in response.content.decode()

    other = site.b.specialists[0]
    assert get(client, site.a.leader, reverse("leaders:officer", args=[other.pk])).status_code == 404


def test_asking_for_another_agency_is_refused(client, site):
    response = get(client, site.a.leader, reverse("leaders:dashboard"), f"{MARCH}&agency={site.b.agency.pk}")
    assert response.status_code == 400
    assert "Đơn vị không thuộc phạm vi quản lý của bạn." in response.content.decode()
    assert "board" not in response.context


def test_ranking_of_units_lists_the_scope_best_on_time_rate_first(client, site):
    response = get(client, site.a.leader, reverse("leaders:breakdown", args=["don-vi"]))
    rows = response.context["rows"]
    # A1: its one dossier resolved in time (100 %); A: the February dossier is overdue (4 of 5).
    assert [(row.label, row.report.on_time_rate) for row in rows] == [
        (site.a1.agency.name, 100.0), (site.a.agency.name, 80.0)]
    assert site.b.agency.name not in response.content.decode()


# --------------------------------------------------------------------------- period and filters


def test_default_period_is_the_current_month(client, site):
    response = get(client, site.a.leader, reverse("leaders:dashboard"), "")
    assert response.context["period"] == month_period(2026, 3)


@pytest.mark.parametrize(("query", "expected"), [
    ("period=quarter&year=2026&quarter=1", quarter_period(2026, 1)),
    ("period=year&year=2025", year_period(2025)),
    ("period=range&start=2026-03-02&end=2026-03-06", range_period(dt.date(2026, 3, 2), dt.date(2026, 3, 6))),
    ("period=range&start=02/03/2026&end=06/03/2026", range_period(dt.date(2026, 3, 2), dt.date(2026, 3, 6))),
])
def test_period_chooser(client, site, query, expected):
    response = get(client, site.a.leader, reverse("leaders:report06"), query)
    assert response.status_code == 200
    assert response.context["period"] == expected
    assert response.context["report"].period == expected


@pytest.mark.parametrize(("query", "message"), [
    ("period=week", "Loại kỳ báo cáo không hợp lệ."),
    ("period=month&month=13", "Tháng phải từ 1 đến 12."),
    ("period=quarter&quarter=5", "Quý phải từ 1 đến 4."),
    ("period=year&year=abc", "Năm phải là một số."),
    ("period=year&year=1999", "Năm phải từ 2000 đến 2100."),
    ("period=range&start=2026-03-01", "Cần nhập cả ngày bắt đầu và ngày kết thúc."),
    ("period=range&start=2026-03-10&end=2026-03-01", "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."),
    ("period=range&start=2020-01-01&end=2026-03-01", "Khoảng thời gian không được dài quá 5 năm."),
    ("period=range&start=31/02/2026&end=2026-03-01", "Ngày bắt đầu không hợp lệ."),
    ("field=999999", "Lĩnh vực không có trong phạm vi quản lý."),
    ("procedure=abc", "Thủ tục không có trong phạm vi quản lý."),
])
def test_bad_period_or_filter_is_explained_in_vietnamese(client, site, query, message):
    for url in (reverse("leaders:dashboard"), reverse("leaders:officers"), reverse("leaders:index766")):
        response = get(client, site.a.leader, url, query)
        assert response.status_code == 400, url
        assert message in response.content.decode(), url


def test_filter_by_sub_agency(client, site):
    query = f"{MARCH}&agency={site.a1.agency.pk}"
    board = get(client, site.a.leader, reverse("leaders:dashboard"), query).context["board"]
    assert board.figures["total"] == 1
    rows = get(client, site.a.leader, reverse("leaders:officers"), query).context["rows"]
    assert {row.label for row in rows} == {"Cán bộ một cửa A1", "Lãnh đạo A1", "Đỗ Minh Châu"}


def test_filter_by_field_and_procedure(client, site):
    procedure = site.variant.procedure
    query = f"{MARCH}&field={procedure.field_id}&procedure={procedure.pk}"
    assert get(client, site.a.leader, reverse("leaders:dashboard"), query).context["board"].figures["total"] == 6


# --------------------------------------------------------------------------- the per-officer table


def late_column(rows) -> list[int]:
    return [row.late_steps for row in rows]


def test_officer_with_most_late_steps_comes_first(client, site):
    response = get(client, site.a.leader, reverse("leaders:officers"))
    rows = response.context["rows"]
    assert rows[0].label == "Phạm Thị Hoa" and rows[0].late_steps == 2
    assert late_column(rows) == sorted(late_column(rows), reverse=True)
    html = response.content.decode()
    assert html.index("Phạm Thị Hoa") < html.index("Lê Văn Bình") < html.index("Trần Quốc Cường")


@pytest.mark.parametrize(("sort", "key"), [
    ("steps", lambda r: r.steps), ("late_steps", lambda r: r.late_steps), ("late_hours", lambda r: r.late_seconds),
    ("overdue_now", lambda r: r.overdue_now), ("late_rate", lambda r: r.late_rate or 0),
])
def test_every_column_sorts_both_ways(client, site, sort, key):
    url = reverse("leaders:officers")
    down = get(client, site.a.leader, url, f"{MARCH}&sort={sort}&order=desc").context["rows"]
    up = get(client, site.a.leader, url, f"{MARCH}&sort={sort}&order=asc").context["rows"]
    assert [key(r) for r in down] == sorted((key(r) for r in down), reverse=True)
    assert [key(r) for r in up] == sorted(key(r) for r in up)
    assert len({key(r) for r in down}) > 1  # the site gives every column something to sort


def test_sort_by_name_and_heading_links(client, site):
    response = get(client, site.a.leader, reverse("leaders:officers"), f"{MARCH}&sort=name")
    names = [row.label for row in response.context["rows"]]
    assert names == sorted(names, key=fold)  # Vietnamese order: Đ sorts with D
    headings = {h["key"]: h for h in response.context["headings"]}
    # A click on the current column reverses it; another column starts high to low.
    assert headings["name"]["order"] == "desc" and headings["name"]["aria"] == "ascending"
    assert headings["late_steps"]["order"] == "desc" and headings["late_steps"]["aria"] == "none"
    assert "sort=late_steps&amp;order=desc" in response.content.decode()


def test_unknown_sort_falls_back_to_late_steps(client, site):
    rows = get(client, site.a.leader, reverse("leaders:officers"), f"{MARCH}&sort=password").context["rows"]
    assert rows[0].label == "Phạm Thị Hoa"


def test_each_row_prints_the_officers_figures_escaped(client, site):
    """The rows are formatted in Python (dossiers/templatetags/rows.py): figures as the template
    engine prints them (a decimal comma), the name linking to the officer's page with the same
    period, and a name typed in the admin still text, never markup."""
    UserFactory(agency=site.a.agency, role=Role.SPECIALIST, full_name="<i>Nguyễn</i> & Co")
    response = get(client, site.a.leader, reverse("leaders:officers"))
    html = response.content.decode()
    hoa = next(r for r in response.context["rows"] if r.label == "Phạm Thị Hoa")

    query = response.context["q"].query.replace("&", "&amp;")
    link = f'<a href="{reverse("leaders:officer", args=[hoa.key])}?{query}">'
    assert f"{link}Phạm Thị Hoa</a>" in html
    cells = (f'<td class="num">{hoa.steps}</td><td class="num">{hoa.late_steps}</td>'
             f'<td class="num">{str(hoa.late_rate).replace(".", ",")}%</td>')
    assert cells in html and "." in str(hoa.late_rate)  # a rate with decimals, printed with a comma
    assert "&lt;i&gt;Nguyễn&lt;/i&gt; &amp; Co" in html and "<i>Nguyễn</i>" not in html


# --------------------------------------------------------------------------- late steps of one officer


def test_late_steps_page_lists_the_officers_late_steps_with_links(client, site):
    response = get(client, site.a.leader, reverse("leaders:officer", args=[site.hoa.pk]))
    assert response.status_code == 200
    steps = response.context["steps"]
    assert {s.dossier.code for s in steps} == {site.codes["hoa_late_1"], site.codes["hoa_late_2"]}
    assert all(s.due_at < s.finished_at and s.late_seconds > 0 for s in steps)
    assert steps[0].late_seconds >= steps[1].late_seconds  # worst first
    html = response.content.decode()
    for code in (site.codes["hoa_late_1"], site.codes["hoa_late_2"]):
        assert f'href="{reverse("dossiers:detail", args=[code])}"' in html
    assert site.codes["cuong_on_time"] not in html
    assert "17,25" in html  # the Vietnamese decimal comma
    assert response.context["late_hours"] == rounded(sum(s.late_seconds for s in steps) / 3600) == 17.25


def test_late_steps_page_shows_dossiers_overdue_on_the_desk_now(client, site):
    response = get(client, site.a.leader, reverse("leaders:officer", args=[site.binh.pk]))
    assert [d.code for d in response.context["overdue"]] == [site.codes["carried"]]
    assert [s.dossier.code for s in response.context["steps"]] == [site.codes["binh_late"]]


def test_a_sub_agencys_dossier_is_listed_without_a_link_the_leader_cannot_open(client, site):
    officer = site.a1.specialists[0]
    response = get(client, site.a.leader, reverse("leaders:officer", args=[officer.pk]))
    code = site.codes["a1_late"]
    html = response.content.decode()
    assert code in html
    assert reverse("dossiers:detail", args=[code]) not in html


# --------------------------------------------------------------------------- breakdowns, report, index


@pytest.mark.parametrize("slug", BREAKDOWNS)
def test_breakdowns_match_the_stats_module(client, site, slug):
    by = {"phong-ban": "department", "don-vi": "agency", "linh-vuc": "field", "thu-tuc": "procedure"}[slug]
    response = get(client, site.a.leader, reverse("leaders:breakdown", args=[slug]))
    expected = breakdown(scope=scope_for(site.a.leader), period=month_period(2026, 3), by=by,
                               sort="on_time_rate" if by == "agency" else "late_steps")
    got = response.context["rows"]
    assert [(r.label, r.steps, r.late_steps, r.overdue_now) for r in got] == \
        [(r.label, r.steps, r.late_steps, r.overdue_now) for r in expected]
    assert sum(r.late_steps for r in got) == 4  # Hoa 2, Bình 1, Châu 1


def test_report06_page_by_unit(client, site):
    response = get(client, site.a.leader, reverse("leaders:report06"), f"{MARCH}&by=unit")
    report = response.context["report"]
    assert [r.label for r in report.rows] == [site.a.agency.name, site.a1.agency.name]
    assert report.total.cells == [6, 0, 5, 1, 5, 5, 0, 0, 1, 0, 1]
    assert not report.warnings
    html = response.content.decode()
    for number in range(1, 14):
        assert f"({number})" in html
    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC" in html


def test_index766_page_has_a_row_per_unit_and_the_total(client, site):
    response = get(client, site.a.leader, reverse("leaders:index766"))
    assert [r.label for r in response.context["rows"]] == [site.a.agency.name, site.a1.agency.name]
    total = response.context["total"]
    assert total.report["total"] == 6
    assert total.indicator("3.3")["rate"] == 0.0  # nothing was submitted online
    assert total.indicator("4.1")["no_data"] is False  # computable since electronic results exist


def test_the_charts_draw_the_tables_figures(client, site):
    """Issue 22, item 15: the 766 points against their full points, the officers' late steps as bars;
    the data drawn is the table's, and the table stays under the chart."""
    response = get(client, site.a.leader, reverse("leaders:index766"))
    chart, total = response.context["chart"], response.context["total"]
    assert [d["data"] for d in chart["datasets"]] == [[i["points"] or 0 for i in total.indicators],
                                                      [20, 6, 6, 4, 6]]
    html = response.content.decode()
    assert 'data-chart="index766-chart-data"' in html and "chart.umd.min.js" in html
    assert html.index("index766-chart-data") < html.index("<table")
    officers = get(client, site.a.leader, reverse("leaders:officers")).context
    late = sorted(((r.late_steps, r.label) for r in officers["rows"] if r.late_steps), key=lambda x: (-x[0], x[1]))
    assert officers["chart"]["labels"] == [label for _, label in late][:20]
    assert officers["chart"]["datasets"][0]["data"] == [n for n, _ in late][:20]
    assert officers["chart"]["labels"][0] == "Phạm Thị Hoa"
    for slug in ("phong-ban", "don-vi", "linh-vuc", "thu-tuc"):
        page = get(client, site.a.leader, reverse("leaders:breakdown", args=[slug])).context
        assert page["chart"]["labels"] == [r.label for r in page["rows"]][:20], slug
        assert all(len(d["data"]) == len(page["chart"]["labels"]) for d in page["chart"]["datasets"])
    units = get(client, site.a.leader, reverse("leaders:breakdown", args=["don-vi"])).context
    resolved = [r.report.counts["resolved"] for r in units["rows"]]
    drawn = units["chart"]["datasets"]
    assert [a + b for a, b in zip(drawn[0]["data"], drawn[1]["data"], strict=True)] == resolved[:20]
