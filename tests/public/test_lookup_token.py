"""The receipt's QR code: a long signed token opens the same masked page without typing; a
forged, altered, expired or stale token opens nothing, and bad tokens count against the client."""

import logging
import re
import time

import pytest
from django.core import signing

from dossiers import tokens

from .conftest import PRIVATE, look_up, unlocked, without_csrf

pytestmark = pytest.mark.django_db


def token_path(dossier) -> str:
    return f"/tra-cuu/ma/{tokens.lookup_token(dossier)}/"


def test_the_token_opens_the_same_masked_page_as_code_and_pin(client, build_dossier):
    dossier = build_dossier("returned")

    by_token = client.get(token_path(dossier))
    by_pin = look_up(client, dossier.code, dossier.pin)

    assert by_token.status_code == 200
    main = re.compile(rb"<main.*</main>", re.S)
    assert without_csrf(main.search(by_token.content).group(0)) == without_csrf(main.search(by_pin.content).group(0))
    page = by_token.content.decode()
    assert dossier.code in page and "T*** T** B***" in page
    for private in PRIVATE:
        assert private not in page
    assert unlocked(client) == [dossier.code]


def test_the_printed_url_is_the_token_page(client, build_dossier, settings):
    dossier = build_dossier("received")
    url = tokens.lookup_url(dossier)
    assert url.startswith(f"{settings.SITE_URL}/tra-cuu/ma/") and len(url) > 80
    assert client.get(url.removeprefix(settings.SITE_URL)).status_code == 200


def test_the_token_carries_no_pin_characters(build_dossier):
    dossier = build_dossier("received")
    claims = signing.loads(tokens.lookup_token(dossier), salt=tokens.SALT)
    assert set(claims) == {"c", "p"}
    assert claims["c"] == dossier.code and claims["p"] == tokens.pin_tag(dossier.pin_hash)
    assert dossier.new_pin not in str(claims) and claims["p"] != dossier.new_pin[:2]


def _refused(response):
    assert response.status_code == 404
    page = response.content.decode()
    assert "Đường dẫn tra cứu không hợp lệ hoặc đã hết hạn." in page
    assert "Đăng ký khai sinh" not in page and "T*** T** B***" not in page


def test_an_altered_token_opens_nothing(client, build_dossier):
    dossier = build_dossier("returned")
    token = tokens.lookup_token(dossier)
    altered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    _refused(client.get(f"/tra-cuu/ma/{altered}/"))
    assert unlocked(client) == []


def test_a_token_signed_for_another_dossier_code_cannot_be_made(client, build_dossier):
    """Swapping the code inside the payload breaks the signature."""
    first, second = build_dossier("returned"), build_dossier("returned")
    token = tokens.lookup_token(first)
    payload, rest = token.split(":", 1)
    forged = signing.dumps({"c": second.code, "p": tokens.pin_tag(second.pin)}, salt="another-salt",
                           compress=True)
    _refused(client.get(f"/tra-cuu/ma/{forged}/"))
    _refused(client.get(f"/tra-cuu/ma/{forged.split(':', 1)[0]}:{rest}/"))


def test_a_token_printed_with_another_pin_opens_nothing(client, build_dossier):
    dossier = build_dossier("returned")
    stale = signing.dumps({"c": dossier.code, "p": tokens.pin_tag("OLDPIN23")}, salt=tokens.SALT, compress=True)
    _refused(client.get(f"/tra-cuu/ma/{stale}/"))


def test_an_expired_token_opens_nothing(client, build_dossier, monkeypatch):
    dossier = build_dossier("returned")
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now - tokens.MAX_AGE - 3600)
    old = tokens.lookup_token(dossier)
    monkeypatch.setattr(signing.time, "time", lambda: now)
    _refused(client.get(f"/tra-cuu/ma/{old}/"))
    assert client.get(token_path(dossier)).status_code == 200  # a fresh one still works


def test_bad_tokens_count_against_the_client(client, build_dossier, settings, caplog):
    settings.LOOKUP_CLIENT_FAILURES = 5
    caplog.set_level(logging.INFO, logger="mocua.security")
    dossier = build_dossier("returned")

    answers = [client.get(f"/tra-cuu/ma/not-a-token-{n}/").status_code for n in range(7)]

    assert answers == [404] * 5 + [429] * 2
    assert client.get(token_path(dossier)).status_code == 429
    assert any(r.getMessage().startswith("lookup token refused") for r in caplog.records)
