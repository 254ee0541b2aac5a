"""The lookup limit is shared through Redis, so two web processes cannot each grant the full
allowance: two separate Python processes ask the lookup API from the same client address and
the combined count is enforced. Needs REDIS_URL (the cache of every process)."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from mocua import ratelimit

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL: without it each process has its own cache"),
    pytest.mark.django_db,
]

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter: its own Django, its own cache connection, the same Redis.
CLIENT_SCRIPT = textwrap.dedent("""
    import json, sys
    import django
    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment
    setup_test_environment()
    tries, ip = int(sys.argv[1]), sys.argv[2]
    client = Client()
    statuses = [client.post("/api/v1/lookup/", {"code": f"000.17.22.H56-260302-{n:04d}", "pin": "AAAAAAAA"},
                            content_type="application/json", REMOTE_ADDR=ip).status_code for n in range(tries)]
    print(json.dumps(statuses))
""")

HIT_SCRIPT = textwrap.dedent("""
    import json, sys
    import django
    django.setup()
    from mocua import ratelimit
    print(json.dumps([ratelimit.hit(sys.argv[2], window=60) for _ in range(int(sys.argv[1]))]))
""")


def _env() -> dict:
    """This run's settings for the child: the test database (it only reads) and Redis db."""
    db = connection.settings_dict
    url = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "mocua.settings", "REDIS_URL": settings.REDIS_URL,
            "DATABASE_URL": url if connection.vendor == "postgresql" else os.environ.get("DATABASE_URL", ""),
            "LOOKUP_CLIENT_FAILURES": str(settings.LOOKUP_CLIENT_FAILURES),
            "LOOKUP_CODE_FAILURES": str(settings.LOOKUP_CODE_FAILURES), "PYTHONPATH": str(ROOT)}


def _start(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _result(process: subprocess.Popen) -> list:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the child reads the test database by URL")
def test_two_processes_share_one_client_allowance(settings):
    assert settings.LOOKUP_CLIENT_FAILURES == 10
    ip = "192.0.2.55"

    first = _result(_start(CLIENT_SCRIPT, "6", ip))
    second = _result(_start(CLIENT_SCRIPT, "6", ip))

    assert first == [404] * 6
    assert second == [404] * 4 + [429] * 2  # the second process saw the first one's six failures
    # And this process, the third, is refused too; another address is not.
    assert ratelimit.too_many(f"lookup:ip:{ip}", limit=10, window=60)
    assert not ratelimit.too_many("lookup:ip:192.0.2.56", limit=10, window=60)


def test_counts_from_processes_running_at_once_add_up():
    """Each hit is one atomic Redis increment: no count is lost when processes race."""
    runs = [_start(HIT_SCRIPT, "40", "xproc:race") for _ in range(2)]
    counts = [_result(run) for run in runs]

    assert sorted(counts[0] + counts[1]) == list(range(1, 81))
    assert ratelimit.too_many("xproc:race", limit=80, window=60)
    assert not ratelimit.too_many("xproc:race", limit=81, window=60)
