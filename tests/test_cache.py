"""The shared cache keeps one Redis client per pool (mocua.cache): Django's own client builds a
redis.Redis on every call, which was 8 % of a public lookup."""

import pytest
from django.core.cache import caches

from mocua import cache as mocua_cache
from mocua import ratelimit


@pytest.fixture
def redis_cache():
    backend = caches["default"]
    if not isinstance(backend, mocua_cache.RedisCache):
        pytest.skip("the tests run against Redis (REDIS_URL); this run has no Redis cache")
    backend.clear()
    yield backend
    backend.clear()


def test_one_client_serves_every_call_and_the_cache_works(redis_cache):
    client = redis_cache._cache.get_client(write=True)

    assert redis_cache._cache.get_client(write=False) is client
    assert redis_cache._cache.get_client("any key", write=True) is client
    redis_cache.set("mocua:test", {"a": 1}, 30)
    assert redis_cache.get("mocua:test") == {"a": 1}
    assert client.ttl(redis_cache.make_and_validate_key("mocua:test")) > 0


def test_the_rate_limits_count_through_the_shared_client(redis_cache):
    limits = [("test:one", 2, 60), ("test:two", 5, 60)]

    assert ratelimit.take_all(limits) == ["test:one", "test:two"]
    assert ratelimit.take_all(limits) == ["test:one", "test:two"]
    assert ratelimit.take_all(limits) is None  # the third attempt passes the first limit
    ratelimit.give_back_all(["test:one"])
    assert ratelimit.take_all(limits) == ["test:one", "test:two"]
    assert ratelimit.count("test:two") == 3  # the refused attempt counts on neither key
