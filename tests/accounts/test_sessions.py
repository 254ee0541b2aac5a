"""Sessions live in the shared cache and in the table (cached_db): a staff page reads the cache,
and an officer stays logged in when the cache loses it (a Redis restart)."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

MINE = "/can-bo/ho-so/cua-toi/"


def test_a_page_reads_the_session_from_the_cache(client, specialist):
    client.force_login(specialist)
    assert Session.objects.count() == 1  # written to the table too

    with CaptureQueriesContext(connection) as captured:
        response = client.get(MINE)
    assert response.status_code == 200 and response.wsgi_request.user == specialist
    tables = " ".join(q["sql"] for q in captured.captured_queries)
    assert "django_session" not in tables and "accounts_agency" in tables  # joined to the user's query
    assert len(captured.captured_queries) == 3  # the user, the capped count of an empty list, the bell


def test_the_officer_stays_logged_in_when_the_cache_loses_the_session(client, specialist):
    client.force_login(specialist)
    cache.clear()

    response = client.get(MINE)

    assert response.status_code == 200 and response.wsgi_request.user == specialist
    assert response.wsgi_request.user.agency.name  # read with the user (AgencyModelBackend)


def test_logging_out_ends_the_session_in_both_places(client, specialist):
    client.force_login(specialist)
    key = client.session.session_key

    client.post("/dang-xuat/")

    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(MINE).status_code == 302
