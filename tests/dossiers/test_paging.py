"""Lists never count a whole archive: the agency list and the API count at most CAP + 1 rows
(a LIMIT inside the COUNT), and say "more than" beyond it, and every row stays reachable page by
page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from dossiers import services
from mocua import paging

from .conftest import make_intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(receptionist, variant):
    return [services.dossier_receive(actor=receptionist, intake=make_intake(variant)) for _ in range(5)]


@pytest.fixture
def cap_of_three(monkeypatch):
    monkeypatch.setattr(paging.CappedPaginator, "cap", 3)
    monkeypatch.setattr(paging, "CAP", 3)


def count_queries(queries) -> list[str]:
    """The counts over dossiers (the bell's unread count is another, small one)."""
    return [q["sql"] for q in queries
            if q["sql"].upper().startswith("SELECT COUNT(") and '"dossiers_dossier"' in q["sql"]]


def test_the_page_counts_under_a_limit_and_says_more_than(client, leader, five, cap_of_three, monkeypatch):
    from dossiers import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)  # more rows than a page: counted (a list that fits is not)
    client.force_login(leader)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/can-bo/ho-so/")
    assert response.status_code == 200
    assert "Hơn 3 hồ sơ, trang này: 1–2. Thu hẹp bằng bộ lọc để tìm nhanh hơn." in response.content.decode()
    [count_sql] = count_queries(ctx.captured_queries)
    assert "LIMIT 4" in count_sql
    # Which rows fill the cap does not matter to a count: no ORDER BY, so an index can answer it.
    assert "ORDER BY" not in count_sql


def test_my_dossiers_count_reads_no_order(client, specialist, five, receptionist, cap_of_three, monkeypatch):
    from dossiers import views

    monkeypatch.setattr(views, "MINE_PAGE_SIZE", 2)
    for dossier in five:
        services.dossier_hand_over(actor=receptionist, dossier=dossier, to_user=specialist)
    client.force_login(specialist)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/can-bo/ho-so/cua-toi/")
    assert response.status_code == 200
    [count_sql] = count_queries(ctx.captured_queries)
    assert "LIMIT 4" in count_sql and "ORDER BY" not in count_sql
    assert response.content.decode().count('<td class="code">') == 2  # beyond the cap, as many as the page holds


def test_below_the_cap_the_page_gives_the_exact_count(client, leader, five):
    client.force_login(leader)
    response = client.get("/can-bo/ho-so/")
    assert "5 hồ sơ." in response.content.decode() and "Hơn" not in response.content.decode()


@pytest.mark.parametrize("page_size, counted", [(5, False), (4, True)])
def test_a_first_page_that_holds_the_whole_list_is_counted_by_its_length(client, leader, five, monkeypatch,
                                                                        page_size, counted):
    """The first page is read one row past its end: five dossiers on a page of five need no COUNT
    (and say so exactly); on a page of four the sixth row is missing, so the list is counted."""
    from dossiers import views

    monkeypatch.setattr(views, "PAGE_SIZE", page_size)
    client.force_login(leader)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/can-bo/ho-so/")
    html = response.content.decode()
    assert "5 hồ sơ." in html and "Hơn" not in html
    assert codes_on(html) == [d.code for d in sorted(five, key=lambda d: (d.received_at, d.pk), reverse=True)][
        :page_size]
    assert bool(count_queries(ctx.captured_queries)) is counted
    assert ("Trang 1/2" in html) is counted  # the pager from the count: two pages of four


def test_the_api_count_is_capped_and_flagged(leader, five, cap_of_three):
    api = APIClient()
    api.force_authenticate(leader)
    with CaptureQueriesContext(connection) as ctx:
        body = api.get("/api/v1/dossiers/").json()
    assert (body["count"], body["count_capped"]) == (3, True)
    assert len(body["results"]) == 5 and body["next"] is None  # the page holds 20: all five
    [count_sql] = count_queries(ctx.captured_queries)
    assert "LIMIT 4" in count_sql


def test_the_api_count_is_exact_below_the_cap(leader, five):
    api = APIClient()
    api.force_authenticate(leader)
    body = api.get("/api/v1/dossiers/").json()
    assert (body["count"], body["count_capped"]) == (5, False)


def test_my_dossiers_page_the_most_urgent_first(client, receptionist, specialist, variant, monkeypatch):
    from dossiers import views

    monkeypatch.setattr(views, "MINE_PAGE_SIZE", 2)
    received = [services.dossier_receive(actor=receptionist, intake=make_intake(variant)) for _ in range(3)]
    held = [services.dossier_hand_over(dossier=d, actor=receptionist, to_user=specialist) for d in received]
    urgent = sorted(held, key=lambda d: (d.step_due_at, d.pk))
    client.force_login(specialist)
    first, second = (client.get("/can-bo/ho-so/cua-toi/", {"page": n}).content.decode() for n in (1, 2))
    assert urgent[0].code in first and urgent[1].code in first and urgent[2].code not in first
    assert urgent[2].code in second and "Trang 2/2" in second


def codes_on(html: str) -> list[str]:
    return re.findall(r'<td class="code"><a [^>]*>([^<]+)</a>', html)


@pytest.fixture
def pages_of_two(client, leader, monkeypatch):
    """The leader's agency list, two dossiers a page: five dossiers take three pages."""
    from dossiers import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.force_login(leader)

    def get(number=None) -> str:
        return client.get("/can-bo/ho-so/", {} if number is None else {"page": number}).content.decode()
    return get


@pytest.fixture
def api_pages_of_two(leader, monkeypatch):
    monkeypatch.setattr(paging.CappedPagination, "page_size", 2)
    api = APIClient()
    api.force_authenticate(leader)
    return api


def test_beyond_the_cap_every_row_is_reachable_page_by_page(pages_of_two, five, cap_of_three):
    pages = [pages_of_two(n) for n in (1, 2, 3, 4)]
    seen = [code for page in pages for code in codes_on(page)]
    # The cap's four rows fill two pages; the fifth, on the third, is reachable all the same.
    assert sorted(seen) == sorted(d.code for d in five) and len(seen) == 5
    assert "Hơn 3 hồ sơ, trang này: 5–5." in pages[2] and "Trang 3<" in pages[2]  # no "of M": unknown
    assert "page=4" not in pages[2] and "page=2" in pages[2]
    # Past the end: an empty page that links back, not a jump to some "last" page.
    assert codes_on(pages[3]) == [] and "Không có hồ sơ nào phù hợp." in pages[3] and "page=3" in pages[3]


def test_a_page_beyond_the_cap_costs_what_the_first_costs(pages_of_two, five, cap_of_three):
    pages_of_two()  # the session and the caches warm, as on every later page
    counts = []
    for number in (1, 3):
        with CaptureQueriesContext(connection) as ctx:
            pages_of_two(number)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("capped", [True, False])
@pytest.mark.parametrize("number", ["abc", "0", "-2"])
def test_a_bad_page_number_shows_the_first_page(request, pages_of_two, five, number, capped):
    if capped:
        request.getfixturevalue("cap_of_three")
    assert codes_on(pages_of_two(number)) == codes_on(pages_of_two())


def test_below_the_cap_a_page_past_the_end_shows_the_last(pages_of_two, five):
    assert codes_on(pages_of_two(9)) == codes_on(pages_of_two(3))


def test_the_api_follows_next_links_past_the_cap(api_pages_of_two, five, cap_of_three):
    url, seen = "/api/v1/dossiers/", []
    while url:
        body = api_pages_of_two.get(url).json()
        assert (body["count"], body["count_capped"]) == (3, True)
        seen += [row["code"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(d.code for d in five) and len(seen) == 5
    assert api_pages_of_two.get("/api/v1/dossiers/", {"page": 4}).status_code == 404  # past the end, as below the cap
    assert api_pages_of_two.get("/api/v1/dossiers/", {"page": "x"}).status_code == 404


def test_a_browser_reading_the_api_past_the_cap_gets_json(api_pages_of_two, five, cap_of_three):
    """Every answer under /api/ is JSON (no browsable HTML API): a browser's Accept takes JSON too."""
    response = api_pages_of_two.get("/api/v1/dossiers/", {"page": 3},
                                    HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert five[0].code in {row["code"] for row in body["results"]} and "page=2" in body["previous"]
