"""Lists never count a whole archive: the agency list and the API count at most CAP + 1 rows
(a LIMIT inside the COUNT), and say "more than" beyond it."""

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


def test_the_page_counts_under_a_limit_and_says_more_than(client, leader, five, cap_of_three):
    client.force_login(leader)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/can-bo/ho-so/")
    assert response.status_code == 200
    assert "Hơn 3 hồ sơ: thu hẹp bằng bộ lọc để xem hết." in response.content.decode()
    [count_sql] = count_queries(ctx.captured_queries)
    assert "LIMIT 4" in count_sql
    # Which rows fill the cap does not matter to a count: no ORDER BY, so an index can answer it.
    assert "ORDER BY" not in count_sql


def test_my_dossiers_count_reads_no_order(client, specialist, five, receptionist, cap_of_three):
    for dossier in five:
        services.dossier_hand_over(actor=receptionist, dossier=dossier, to_user=specialist)
    client.force_login(specialist)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/can-bo/ho-so/cua-toi/")
    assert response.status_code == 200
    [count_sql] = count_queries(ctx.captured_queries)
    assert "LIMIT 4" in count_sql and "ORDER BY" not in count_sql
    assert response.content.decode().count('<td class="code">') == 4  # the first cap + 1, as on every capped list


def test_below_the_cap_the_page_gives_the_exact_count(client, leader, five):
    client.force_login(leader)
    response = client.get("/can-bo/ho-so/")
    assert "5 hồ sơ." in response.content.decode() and "Hơn" not in response.content.decode()


def test_the_api_count_is_capped_and_flagged(leader, five, cap_of_three):
    api = APIClient()
    api.force_authenticate(leader)
    with CaptureQueriesContext(connection) as ctx:
        body = api.get("/api/v1/dossiers/").json()
    assert (body["count"], body["count_capped"]) == (3, True)
    # Only the first cap + 1 rows (newest first) are reachable by paging; beyond, a filter is needed.
    assert len(body["results"]) == 4 and body["next"] is None
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
