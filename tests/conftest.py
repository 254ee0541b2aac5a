import os

import pytest

from mocua.accounts.models import Role

from . import factories

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache, caches

    # The shared cache and each process's own ("local": template fragments, mocua/settings.py).
    for each in (cache, caches["local"]):
        each.clear()
    yield
    for each in (cache, caches["local"]):
        each.clear()


@pytest.fixture
def agency(db):
    return factories.AgencyFactory(code="000.17.22.H56", name="Ủy ban nhân dân phường Hạc Thành")


@pytest.fixture
def other_agency(db):
    return factories.AgencyFactory(code="000.18.22.H56", name="Ủy ban nhân dân phường Quảng Phú")


def _officer(agency, role, username):
    return factories.UserFactory(agency=agency, role=role, username=username)


@pytest.fixture
def receptionist(agency):
    return _officer(agency, Role.RECEPTION, "tiepnhan")


@pytest.fixture
def specialist(agency):
    return _officer(agency, Role.SPECIALIST, "chuyenvien")


@pytest.fixture
def head(agency):
    return _officer(agency, Role.HEAD, "truongphong")


@pytest.fixture
def leader(agency):
    return _officer(agency, Role.LEADER, "lanhdao")


@pytest.fixture(autouse=True)
def _celery_eager():
    """Unit tests touch no broker: tasks queued after commit run in-process."""
    from mocua.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


@pytest.fixture(autouse=True)
def _official_calendar(request):
    """Transactional tests end with a flush that empties every table, the seeded calendar of
    official days off included; put it back for the transactional tests that follow."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server"))
    if transactional:
        import importlib

        from django.db import connection

        from mocua.workcalendar.calendar import bust_overrides_cache
        from mocua.workcalendar.models import DayOverride

        request.getfixturevalue("transactional_db")
        if not DayOverride.objects.exists():
            migration = importlib.import_module("mocua.workcalendar.migrations.0001_initial")
            with connection.cursor() as cursor:
                cursor.execute(migration.SEED)
            bust_overrides_cache()
    yield


@pytest.fixture
def tree(db):
    """Province P with communes A (and a hamlet office H below it) and B; Q is another province."""
    p = factories.AgencyFactory(code="000.00.00.T01", name="UBND tỉnh T")
    a = factories.AgencyFactory(code="000.01.00.T01", name="UBND xã A", parent=p)
    h = factories.AgencyFactory(code="000.01.01.T01", name="Điểm tiếp nhận thôn H", parent=a)
    b = factories.AgencyFactory(code="000.02.00.T01", name="UBND xã B", parent=p)
    q = factories.AgencyFactory(code="000.00.00.T02", name="UBND tỉnh Q")
    return p, a, h, b, q
