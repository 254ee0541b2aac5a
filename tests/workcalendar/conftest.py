import pytest
from django.core.cache import cache

from mocua.workcalendar.calendar import CACHE_KEY


@pytest.fixture(autouse=True)
def _fresh_override_cache():
    # Test transactions roll back without post_delete, so a cached dict could leak between tests.
    cache.delete(CACHE_KEY)
    yield
    cache.delete(CACHE_KEY)
