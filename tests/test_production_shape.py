"""Issue 22, item 18: the image collects static files as production runs and its pages render.

The Dockerfile once collected with DEBUG on (no manifest) and ran with DEBUG off (manifest
required): every page answered 500 while /healthz stayed green. These tests run the same two steps
in fresh processes with the production variables: collectstatic, then the main pages and the page
probe through Django's test client, DEBUG off, on a throwaway SQLite database.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/", "/tra-cuu/", "/dang-nhap/", "/phan-anh/", "/healthz/trang", "/quan-tri/login/"]

RENDER = """
import json
from django.test import Client
# Behind nginx and the TLS gateway, as production serves: the proxy says https.
client = Client(HTTP_HOST="mocua.example.gov.vn", HTTP_X_FORWARDED_PROTO="https", raise_request_exception=False)
found = {}
for url in %r:
    response = client.get(url)
    body = response.content.decode()
    found[url] = [response.status_code, "Traceback" in body or "DEBUG = True" in body]
    if url.startswith("/healthz"):
        found[url + " body"] = body
from django.conf import settings
found["debug"] = settings.DEBUG
print("RESULT" + json.dumps(found))
"""


def run(args, env):
    dropped = ("DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "VAR_DIR")
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The production variables on a migrated throwaway SQLite database (shared by the tests)."""
    var = tmp_path_factory.mktemp("var")
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "p" * 20 + "-production-secret-for-the-shape-test-0123456789",
        "ALLOWED_HOSTS": "mocua.example.gov.vn",
        "VAR_DIR": str(var),
        "DATABASE_URL": "sqlite:///" + str(var / "shape.sqlite3"),
    }
    migrated = run(["migrate", "--noinput"], env)
    assert migrated.returncode == 0, migrated.stderr
    return env


def test_collectstatic_with_production_settings_writes_the_manifest_and_pages_render(production):
    collected = run(["collectstatic", "--noinput"], production)
    assert collected.returncode == 0, collected.stderr
    manifest = Path(production["VAR_DIR"]) / "staticfiles" / "staticfiles.json"
    assert manifest.exists(), "no manifest: pages would answer 500 with DEBUG off"
    assert json.loads(manifest.read_text())["paths"], "the manifest lists no file"

    rendered = run(["shell", "-c", RENDER % PAGES], production)
    assert rendered.returncode == 0, rendered.stderr
    found = json.loads(rendered.stdout.split("RESULT", 1)[1])
    assert found.pop("debug") is False
    assert json.loads(found.pop("/healthz/trang body")) == {"status": "ok", "page": 200}
    assert found == {url: [200, False] for url in PAGES}, found


def test_the_page_probe_fails_without_the_manifest(production, tmp_path):
    """The probe the compose file uses goes red where /healthz alone stayed green."""
    env = {**production, "VAR_DIR": str(tmp_path)}  # an empty STATIC_ROOT: nothing collected
    rendered = run(["shell", "-c", RENDER % ["/healthz", "/healthz/trang"]], env)
    assert rendered.returncode == 0, rendered.stderr
    found = json.loads(rendered.stdout.split("RESULT", 1)[1])
    assert found["/healthz"][0] == 200
    assert found["/healthz/trang"][0] == 503
    assert json.loads(found["/healthz/trang body"])["page"] == "error: ValueError"  # no manifest entry


def test_debug_is_off_unless_asked_for():
    """Issue 22, item 19: what serves pages (wsgi, Celery: the settings' own default) runs with DEBUG
    off when the variable is missing; manage.py on a checkout and `make demo` ask for it."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    read = "import mocua.settings as s; print('DEBUG', s.DEBUG)"
    served = subprocess.run([sys.executable, "-c", read], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**env, "SECRET_KEY": "s" * 50})
    assert served.returncode == 0 and "DEBUG False" in served.stdout, served.stderr
    keyless = subprocess.run([sys.executable, "-c", read], cwd=ROOT, capture_output=True, text=True, timeout=60,
                             env=env)
    assert keyless.returncode != 0 and "SECRET_KEY" in keyless.stderr
    tool = subprocess.run([sys.executable, "manage.py", "shell", "-c", "from django.conf import settings; "
                           "print('DEBUG', settings.DEBUG)"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env=env)
    assert "DEBUG True" in tool.stdout, tool.stderr
    assert "demo: export DEBUG = true" in (ROOT / "Makefile").read_text()
    assert "DEBUG=false" in (ROOT / "Dockerfile").read_text().split("collectstatic")[0]
