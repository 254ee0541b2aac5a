"""Settings: safe local defaults, and a production configuration Django's deploy check accepts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "mocua.example.gov.vn",
    "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "deploy-check.sqlite3"),
}


def manage(*args, env):
    dropped = ("DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_deploy_check_reports_nothing_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_refuses_to_start_in_production_with_the_development_key():
    result = manage("check", env={**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_malformed_boolean_is_refused():
    result = manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0 and "DEBUG" in result.stderr


def test_local_defaults_need_no_service(settings):
    from django.conf import settings as live

    assert live.LANGUAGE_CODE == "vi" and live.TIME_ZONE == "Asia/Ho_Chi_Minh"


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """JIT compilation cost the leaders' yearly reports more than it saved (mocua/settings.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_refuses_to_start_in_production_with_the_placeholder_of_env_example():
    """Issue 20, item 12: the SECRET_KEY a copied .env.example holds is as public as the development one."""
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    placeholder = next(line.split("=", 1)[1] for line in lines if line.startswith("SECRET_KEY="))
    assert len(placeholder) >= 40  # long enough to pass the length rule: the value itself is refused
    result = manage("check", env={**PRODUCTION, "SECRET_KEY": placeholder})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and ".env.example" in result.stderr
