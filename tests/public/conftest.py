"""Public-side fixtures: dossiers built by the real services (tests/dossiers/conftest.py), a
helper that looks one up as a citizen would, and one that strips the per-response CSRF token."""

import re

import pytest
from django.http import HttpRequest

from dossiers.public import lookup

from ..dossiers.conftest import build_dossier, frozen, make_intake, submit_online, variant, vn  # noqa: F401

CSRF_INPUT = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
CITIZEN_IP = "203.0.113.7"

# What the citizen gave at the counter (make_intake) and must never see again on a public page.
PRIVATE = ["Trần Thị Bình", "0912345678", "912345678", "038190001234", "12 Lê Lợi", "binh@example.com"]


def without_csrf(content: bytes) -> bytes:
    """The page minus its CSRF token, which Django masks afresh on every response."""
    return CSRF_INPUT.sub(b"", content)


def unlocked(client) -> list[str]:
    """The codes the browser's signed cookie lets it rate, read as ratings.views reads them."""
    request = HttpRequest()
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    return lookup.unlocked_codes(request)


def look_up(client, code: str, pin: str, ip: str = CITIZEN_IP):
    return client.post("/tra-cuu/", {"code": code, "pin": pin}, REMOTE_ADDR=ip)


def shown_pin(response) -> str:
    """The clear PIN the online submission's page shows once (it is stored only as a hash)."""
    return re.search(r'id="dossier-pin">([^<]*)<', response.content.decode()).group(1)


def api_look_up(client, code: str, pin: str, ip: str = CITIZEN_IP):
    return client.post("/api/v1/lookup/", {"code": code, "pin": pin}, content_type="application/json",
                       REMOTE_ADDR=ip)


@pytest.fixture
def loose_limits(settings):
    """Limits high enough that a test about answers, not about limits, never meets them."""
    settings.LOOKUP_CLIENT_FAILURES = 100_000
    settings.LOOKUP_CODE_FAILURES = 100_000
    settings.LOOKUP_CLIENT_CODE_FAILURES = 100_000
    return settings
