"""The lookup limits hold under a flood of concurrent wrong lookups (issue 7: checking the count
and only counting after the lookup let 11 through in a minute with a limit of 10).

Threads are released together and the lookup is slowed down, so that every one of them is inside
the lookup at once: exactly where checking first and counting afterwards lets them all through.
The same hammer against that old discipline shows it does (so these tests can fail). With
REDIS_URL the counts live in Redis (as in production), otherwise in the process's memory.
"""

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections

from dossiers.public import lookup
from mocua import ratelimit

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 10
SLOW = 0.02  # seconds inside the lookup: the window the old check-then-count left open


def hammer(attempt, *, threads: int = 16, each: int = 4) -> list[str]:
    """Run `attempt(n)` from `threads` threads released at once; "passed" or "refused" per call."""
    results, start = [], threading.Barrier(threads)

    def run(t: int) -> None:
        start.wait()
        try:
            for k in range(each):
                results.append(attempt(t * each + k))
        finally:
            connections.close_all()  # this thread's connection to the test database

    workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


@pytest.fixture
def slow_lookup(monkeypatch, settings):
    settings.LOOKUP_CLIENT_FAILURES = LIMIT
    real = lookup._pin_of

    def slowly(code):
        time.sleep(SLOW)
        return real(code)

    monkeypatch.setattr(lookup, "_pin_of", slowly)


def wrong_lookup(code: str, client: str) -> str:
    try:
        assert lookup.dossier_lookup(code=code, pin="AAAAAAAA", client=client) is None
        return "passed"
    except lookup.LookupThrottled:
        return "refused"


def test_a_flood_of_wrong_lookups_gets_exactly_the_limit_through(slow_lookup):
    results = hammer(lambda n: wrong_lookup(f"000.17.22.H56-260302-{n:04d}", "198.51.100.66"))

    assert len(results) == 64
    assert results.count("passed") == LIMIT
    # The client stays refused, and refusals did not pile up on its count.
    assert wrong_lookup("000.17.22.H56-260302-9999", "198.51.100.66") == "refused"
    assert ratelimit.count("lookup:ip:198.51.100.66") == LIMIT
    assert wrong_lookup("000.17.22.H56-260302-9999", "198.51.100.67") == "passed"


def test_many_clients_guessing_one_code_at_once_get_the_code_limit_through(slow_lookup, settings):
    settings.LOOKUP_CODE_FAILURES = 20

    results = hammer(lambda n: wrong_lookup("000.17.22.H56-260302-0007", f"203.0.113.{n}"), threads=30, each=1)

    assert results.count("passed") == 20 and results.count("refused") == 10


def test_the_right_pin_in_a_flood_is_answered_and_not_counted(slow_lookup, build_dossier, settings):
    settings.LOOKUP_CLIENT_FAILURES = 100
    dossier = build_dossier("processing")

    # Rows of this test's transaction are invisible to other threads: look the right one up here.
    assert lookup.dossier_lookup(code=dossier.code, pin=dossier.pin, client="198.51.100.70") == dossier
    hammer(lambda n: wrong_lookup(f"000.17.22.H56-260302-{n:04d}", "198.51.100.70"), threads=8, each=2)
    assert lookup.dossier_lookup(code=dossier.code, pin=dossier.pin, client="198.51.100.70") == dossier

    assert ratelimit.count("lookup:ip:198.51.100.70") == 16  # the failures only


def test_the_hammer_catches_checking_before_counting():
    """The discipline before issue 7, under the same hammer: more than the limit get through."""

    def check_then_count(n: int) -> str:
        if ratelimit.too_many("race:old", limit=LIMIT, window=60):
            return "refused"
        time.sleep(SLOW)  # the lookup
        ratelimit.hit("race:old", window=60)
        return "passed"

    assert hammer(check_then_count).count("passed") > LIMIT
    assert hammer(lambda n: "passed" if ratelimit.take("race:new", limit=LIMIT, window=60) else "refused"
                  ).count("passed") == LIMIT


# --------------------------------------------------------------------------- Redis: expiry, processes

needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL")


def _redis_ttl(key: str) -> int:
    client, redis_key = ratelimit._redis(f"{ratelimit.PREFIX}{key}")
    return client.ttl(redis_key)


@needs_redis
@pytest.mark.integration
def test_a_count_is_created_with_its_expiry():
    assert ratelimit.hit("race:ttl", window=60) == 1
    assert ratelimit.hit("race:ttl", window=60) == 2
    assert 0 < _redis_ttl("race:ttl") <= 60


@needs_redis
@pytest.mark.integration
def test_giving_back_after_the_window_ended_leaves_no_counter_behind():
    """Giving back must not recreate an ended window's key without an expiry (a client refused forever)."""
    assert ratelimit.take("race:late", limit=LIMIT, window=60)
    cache.delete(f"{ratelimit.PREFIX}race:late")  # the window ends while the lookup runs

    ratelimit.give_back("race:late")

    assert ratelimit.count("race:late") == 0 and _redis_ttl("race:late") == -2  # -2: no such key


@needs_redis
@pytest.mark.integration
def test_take_all_counts_every_key_with_its_expiry_in_one_round_trip(monkeypatch):
    client, _ = ratelimit._redis(f"{ratelimit.PREFIX}race:all:a")
    calls = []
    real = type(client).evalsha
    monkeypatch.setattr(type(client), "evalsha", lambda self, *a, **k: calls.append(a[0]) or real(self, *a, **k))

    assert ratelimit.take_all([("race:all:a", 3, 60), ("race:all:b", 5, 30)]) == ["race:all:a", "race:all:b"]

    assert len(calls) == 1
    assert ratelimit.count("race:all:a") == 1 and ratelimit.count("race:all:b") == 1
    assert 0 < _redis_ttl("race:all:a") <= 60 and 0 < _redis_ttl("race:all:b") <= 30


@needs_redis
@pytest.mark.integration
def test_take_all_refused_by_a_later_key_counts_nowhere():
    for _ in range(2):
        assert ratelimit.take_all([("race:ref:a", 5, 60), ("race:ref:b", 2, 60)]) is not None

    assert ratelimit.take_all([("race:ref:a", 5, 60), ("race:ref:b", 2, 60)]) is None  # b is full

    assert ratelimit.count("race:ref:a") == 2 and ratelimit.count("race:ref:b") == 2
    assert ratelimit.take_all([("race:ref:a", 2, 60)]) is None  # refused by the first key: a stays at 2
    assert ratelimit.count("race:ref:a") == 2


@needs_redis
@pytest.mark.integration
def test_give_back_all_uncounts_each_key_and_skips_ended_windows():
    taken = ratelimit.take_all([("race:gb:a", 5, 60), ("race:gb:b", 5, 60)])
    ratelimit.take_all([("race:gb:a", 5, 60)])
    cache.delete(f"{ratelimit.PREFIX}race:gb:b")  # b's window ended meanwhile

    ratelimit.give_back_all(taken)

    assert ratelimit.count("race:gb:a") == 1
    assert _redis_ttl("race:gb:b") == -2  # not recreated without an expiry


# Runs in a fresh interpreter: its own Django and cache connection, the same Redis and database.
# Eight threads each send wrong lookups through the API, slowed as above, from one address.
FLOOD_SCRIPT = textwrap.dedent("""
    import json, sys, threading, time
    import django
    django.setup()
    from django.db import connections
    from django.test import Client
    from django.test.utils import setup_test_environment
    from dossiers.public import lookup
    setup_test_environment()
    real = lookup._pin_of
    lookup._pin_of = lambda code: (time.sleep(0.02), real(code))[1]
    start_at, ip, statuses = float(sys.argv[1]), sys.argv[2], []

    def run(t):
        client = Client()
        for k in range(5):
            statuses.append(client.post("/api/v1/lookup/", {"code": f"000.17.22.H56-260302-{t}{k:03d}",
                            "pin": "AAAAAAAA"}, content_type="application/json", REMOTE_ADDR=ip).status_code)
        connections.close_all()

    workers = [threading.Thread(target=run, args=(t,)) for t in range(8)]
    time.sleep(max(0.0, start_at - time.time()))
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(json.dumps(statuses))
""")


def _child_env() -> dict:
    db = connection.settings_dict
    url = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "mocua.settings", "REDIS_URL": settings.REDIS_URL,
            "DATABASE_URL": url, "LOOKUP_CLIENT_FAILURES": str(LIMIT), "PYTHONPATH": str(ROOT)}


@needs_redis
@pytest.mark.integration
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the children read the test database by URL")
def test_two_processes_flooding_at_once_share_one_allowance():
    start_at = time.time() + 4  # both interpreters are up by then, and release their threads together
    runs = [subprocess.Popen([sys.executable, "-c", FLOOD_SCRIPT, str(start_at), "192.0.2.77"], cwd=ROOT,
                             env=_child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    statuses = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        statuses += json.loads(out.strip().splitlines()[-1])

    assert len(statuses) == 80
    assert statuses.count(404) == LIMIT and statuses.count(429) == 70


@needs_redis
@pytest.mark.integration
def test_the_limit_holds_over_any_window_not_per_fixed_window():
    """Issue 7's flood: a fixed window let the limit through at the end of one window and again at
    the start of the next. The log keeps each attempt for a whole window from its own time."""
    key, limit, window = "race:slide", 3, 2
    for _ in range(2):
        assert ratelimit.take(key, limit=limit, window=window)
    time.sleep(1.2)
    assert ratelimit.take(key, limit=limit, window=window)  # three within 2 s
    time.sleep(0.9)  # 2.1 s after the first two: they left the window, the third has not
    assert ratelimit.take(key, limit=limit, window=window)
    assert ratelimit.take(key, limit=limit, window=window)
    assert not ratelimit.take(key, limit=limit, window=window)  # a fixed window restarted would say yes
    assert ratelimit.count(key) == 3 and 0 < _redis_ttl(key) <= window


@needs_redis
@pytest.mark.integration
def test_a_counter_left_by_the_fixed_window_does_not_break_the_log():
    """At deploy Redis may still hold the old limiter's counters (strings under "rl:"), for up to an
    hour: the logs live under their own prefix, so a take never meets one."""
    client, old_key = ratelimit._redis("rl:race:deploy")
    client.set(old_key, 7, ex=60)

    assert ratelimit.take("race:deploy", limit=2, window=60)

    assert ratelimit.count("race:deploy") == 1 and client.get(old_key) == b"7"
