"""Two ratings of one dossier at the same moment (real PostgreSQL connections, one per thread):
exactly one rating row; the other request gets the "already rated" answer."""

import time

import pytest
from django.db import connection
from django.test import Client

from dossiers.models import Dossier
from ratings import services
from ratings.models import Level, Rating, RatingChannel

from ..dossiers.test_concurrency import run_together

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real connections"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def slow_check(monkeypatch):
    """Widen the window between "is there a rating?" and "insert it", where a race would hit."""
    clean = services._clean_criteria

    def slow(criteria):
        time.sleep(0.3)
        return clean(criteria)

    monkeypatch.setattr(services, "_clean_criteria", slow)


def test_two_ratings_at_once_make_one_row(returned, slow_check):
    def rate(level):
        return lambda: services.rating_submit(dossier=Dossier.objects.get(pk=returned.pk), level=level,
                                              channel=RatingChannel.LOOKUP)

    results, errors = run_together([rate(Level.VERY_SATISFIED), rate(Level.SATISFIED)])

    assert len(results) == 1 and len(errors) == 1
    [error] = errors.values()
    assert isinstance(error, services.AlreadyRated) and error.code == "already_rated"
    [winner] = results.values()
    assert list(Rating.objects.values_list("pk", "level")) == [(winner.pk, winner.level)]
    assert error.rating.pk == winner.pk
    assert Dossier.objects.get(pk=returned.pk).events.filter(action="rate").count() == 1


def test_two_api_requests_at_once_get_201_and_409(returned, slow_check):
    def post(level):
        def call():
            return Client().post("/api/v1/ratings/", {"code": returned.code, "pin": returned.pin, "level": level},
                                 content_type="application/json")
        return call

    results, errors = run_together([post(Level.VERY_SATISFIED), post(Level.SATISFIED)])

    assert errors == {}
    assert sorted(r.status_code for r in results.values()) == [201, 409]
    [conflict] = [r for r in results.values() if r.status_code == 409]
    assert conflict.json()["code"] == "already_rated"
    assert Rating.objects.count() == 1
