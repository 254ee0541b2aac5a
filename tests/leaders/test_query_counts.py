"""Every leaders' page and stats endpoint makes the same number of queries whatever the number of
officers, agencies, fields and dossiers: counted on the small site, then again after it grew
(a new sub-agency with its staff, a second field and procedure, more dossiers and late steps).

Each page: the user with their agency (1; the session comes from the shared cache), scope: all
agencies (1), filter choices: procedures, fields (2), its figures, then the base template's bell
count (1). A download has no template (Biểu 06's reporting agency is the user's, read with them).
An endpoint: the user (force authenticated, no session), scope, filter choices, its figures."""

from django.urls import reverse
from rest_framework.test import APIClient

from ._data import MARCH, grow

FIGURES = {
    # the daily figures per unit; the dossiers in progress at the end; the months for the chart; the
    # transfers between agencies (one UNION)
    "dashboard": 4,
    "officers": 1,  # officers with their steps grouped, overdue-now as a subquery
    "officer": 3,  # the officer; late steps with their dossiers; dossiers overdue now
    "department": 2,  # steps grouped; dossiers overdue now grouped
    "agency": 3,  # steps grouped; the daily figures grouped; in progress and overdue now grouped
    "field": 3,
    "procedure": 3,
    # the daily figures grouped; the dossiers in progress at the end grouped; the note on dossiers received
    # at one agency's desk for another
    "report06": 3,
    "index766": 2,  # the daily figures per unit; the dossiers in progress at the end per unit
    "report06_pdf": 3,
}
PAGE_BASE = 5
DOWNLOAD_BASE = 4
API_BASE = 3
BREAKDOWN_SLUGS = {"department": "phong-ban", "agency": "don-vi", "field": "linh-vuc", "procedure": "thu-tuc"}


def page_urls(site) -> dict[str, str]:
    urls = {name: reverse(f"leaders:{name}") for name in ("dashboard", "officers", "report06", "index766")}
    urls["officer"] = reverse("leaders:officer", args=[site.cuong.pk])
    urls.update({by: reverse("leaders:breakdown", args=[slug]) for by, slug in BREAKDOWN_SLUGS.items()})
    return {name: f"{url}?{MARCH}" for name, url in urls.items()}


def api_urls(site) -> dict[str, str]:
    urls = {name: reverse(f"api-stats-{name}") + f"?{MARCH}" for name in ("dashboard", "officers", "report06",
                                                                         "index766")}
    urls["officer"] = reverse("api-stats-officer-late-steps", args=[site.cuong.pk]) + f"?{MARCH}"
    urls.update({by: reverse("api-stats-breakdown") + f"?{MARCH}&by={by}" for by in BREAKDOWN_SLUGS})
    return urls


def check_counts(get, urls: dict, base: int, django_assert_num_queries) -> None:
    for name, url in urls.items():
        with django_assert_num_queries(base + FIGURES[name]):
            response = get(url)
        assert response.status_code == 200, (name, response.content[:500])


def test_pages_query_count_does_not_grow(client, site, django_assert_num_queries):
    client.force_login(site.a.leader)
    check_counts(client.get, page_urls(site), PAGE_BASE, django_assert_num_queries)
    before = client.get(page_urls(site)["officers"]).context["rows"]
    grow(site, size=3)
    after = client.get(page_urls(site)["officers"]).context["rows"]
    assert len(after) >= len(before) + 5  # the site really grew
    check_counts(client.get, page_urls(site), PAGE_BASE, django_assert_num_queries)


def test_xlsx_downloads_query_count_does_not_grow(client, site, django_assert_num_queries):
    client.force_login(site.a.leader)
    urls = {name: f"{url}&format=xlsx" for name, url in page_urls(site).items()}
    urls["report06_pdf"] = page_urls(site)["report06"] + "&format=pdf"
    check_counts(client.get, urls, DOWNLOAD_BASE, django_assert_num_queries)
    grow(site, size=3)
    check_counts(client.get, urls, DOWNLOAD_BASE, django_assert_num_queries)


def test_endpoints_query_count_does_not_grow(site, django_assert_num_queries):
    api = APIClient()
    api.force_authenticate(site.a.leader)
    check_counts(api.get, api_urls(site), API_BASE, django_assert_num_queries)
    grow(site, size=3)
    body = api.get(api_urls(site)["agency"]).json()
    assert len(body["rows"]) == 3  # A, A1 and the new sub-agency
    check_counts(api.get, api_urls(site), API_BASE, django_assert_num_queries)
