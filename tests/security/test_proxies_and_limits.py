"""Issue 20, items 13 and 14: the client behind TRUSTED_PROXIES proxies is read from the right of
X-Forwarded-For, so a forged header does not dodge a limit; and the limits cannot be turned against
a citizen or an officer by a stranger."""

import pytest
from django.test import RequestFactory

from dossiers.public import lookup
from mocua import ratelimit
from mocua.accounts.models import User

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.5"  # nginx, as gunicorn sees it


def _address(settings, proxies: int, forwarded: str | None, remote: str = PROXY) -> str:
    settings.TRUSTED_PROXIES = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return ratelimit.client_address(RequestFactory().get("/", **meta))


def test_the_client_is_counted_from_the_right(settings):
    # nginx appends the address it was reached from; what the client sent stays to its left.
    assert _address(settings, 1, "203.0.113.7") == "203.0.113.7"
    assert _address(settings, 1, "198.51.100.1, 203.0.113.7") == "203.0.113.7"
    assert _address(settings, 2, "198.51.100.1, 203.0.113.7, 10.0.0.9") == "203.0.113.7"


def test_without_proxies_or_with_a_header_no_proxy_wrote_the_connection_counts(settings):
    assert _address(settings, 0, "198.51.100.1", remote="203.0.113.7") == "203.0.113.7"
    assert _address(settings, 2, "203.0.113.7") == PROXY  # fewer entries than proxies: not theirs
    assert _address(settings, 1, "not-an-address") == PROXY
    assert _address(settings, 1, "\x00" * 10_000) == PROXY


def test_forged_forwarded_for_does_not_dodge_the_lookup_limit(client, settings, build_dossier):
    """15 wrong lookups, each with a new leftmost X-Forwarded-For entry, behind one proxy."""
    settings.TRUSTED_PROXIES, settings.LOOKUP_CLIENT_FAILURES = 1, 10
    dossier = build_dossier("received")
    answers = [client.post("/tra-cuu/", {"code": dossier.code, "pin": "WRONG234"}, REMOTE_ADDR=PROXY,
                           HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7").status_code for n in range(15)]
    assert 429 in answers
    assert answers.count(200) <= 10


def test_the_old_switch_is_refused():
    """TRUST_X_FORWARDED_FOR trusted the leftmost entry, which any client writes."""
    from ..test_settings import PRODUCTION, manage

    result = manage("check", env={**PRODUCTION, "TRUST_X_FORWARDED_FOR": "true"})
    assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr


# --------------------------------------------------------------------------- a stranger cannot lock anyone out


def _wrong(code: str, client: str):
    try:
        return lookup.dossier_lookup(code=code, pin="WRONG234", client=client)
    except lookup.LookupThrottled:
        return "throttled"


def test_a_stranger_cannot_lock_a_citizen_out(settings, build_dossier):
    """Twenty wrong PINs from one address stop that address on that code, not the citizen."""
    dossier = build_dossier("received")
    answers = [_wrong(dossier.code, "198.51.100.66") for _ in range(20)]
    assert answers[:settings.LOOKUP_CLIENT_CODE_FAILURES] == [None] * settings.LOOKUP_CLIENT_CODE_FAILURES
    assert set(answers[settings.LOOKUP_CLIENT_CODE_FAILURES:]) == {"throttled"}
    found = lookup.dossier_lookup(code=dossier.code, pin=dossier.pin, client="203.0.113.7")
    assert found is not None and found.code == dossier.code


def test_many_strangers_block_a_code_only_briefly_and_never_its_qr_link(settings, build_dossier, client):
    from dossiers import tokens

    settings.LOOKUP_CODE_FAILURES = 30
    dossier = build_dossier("received")
    for n in range(40):  # forty addresses, one guess each
        _wrong(dossier.code, f"198.51.100.{n}")
    assert ratelimit.count(f"lookup:code:{dossier.code}") == 30
    with pytest.raises(lookup.LookupThrottled):
        lookup.dossier_lookup(code=dossier.code, pin=dossier.pin, client="203.0.113.7")
    # The window is brief (minutes, not an hour) …
    assert settings.LOOKUP_CODE_WINDOW <= 300
    # … and the receipt's QR link, a strong secret, still opens the dossier meanwhile.
    response = client.get(f"/tra-cuu/ma/{tokens.lookup_token(dossier)}/", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200 and dossier.code in response.content.decode()


def test_a_stranger_cannot_lock_an_officer_out(client, receptionist, settings):
    """Five wrong passwords lock that client out of that account for 15 minutes; the officer,
    from another address, still logs in, and so does the stranger's neighbour on another account."""
    receptionist.set_password("dung-mat-khau-1")
    receptionist.save()
    assert (settings.LOGIN_MAX_FAILURES, settings.LOGIN_WINDOW) == (5, 900)
    stranger = [client.post("/dang-nhap/", {"username": "tiepnhan", "password": "sai"},
                            REMOTE_ADDR="198.51.100.9").status_code for _ in range(7)]
    assert stranger == [200] * 5 + [429] * 2
    officer = client.post("/dang-nhap/", {"username": "tiepnhan", "password": "dung-mat-khau-1"},
                          REMOTE_ADDR="203.0.113.20")
    assert officer.status_code == 302


def test_many_strangers_on_one_account_are_stopped_loosely_and_briefly(client, receptionist, settings):
    settings.LOGIN_USER_FAILURES = 8
    for n in range(8):
        client.post("/dang-nhap/", {"username": "tiepnhan", "password": "sai"}, REMOTE_ADDR=f"198.51.100.{n}")
    blocked = client.post("/dang-nhap/", {"username": "tiepnhan", "password": "sai"}, REMOTE_ADDR="198.51.100.99")
    assert blocked.status_code == 429
    assert settings.LOGIN_USER_WINDOW <= 300 and User.objects.get(username="tiepnhan").is_active


def test_a_long_or_odd_username_cannot_swell_the_limiter_keys(client, settings):
    for username in ("x" * 10_000, "\x00\x01", "a b\nc"):
        response = client.post("/dang-nhap/", {"username": username, "password": "sai"}, REMOTE_ADDR="198.51.100.3")
        assert response.status_code in (200, 429)
    assert ratelimit._full("login:user:" + "x" * 10_000).startswith("rlog:h:")
    assert len(ratelimit._full("login:user:" + "x" * 10_000)) < 100


def test_a_right_pin_is_given_back_on_every_count(build_dossier):
    dossier = build_dossier("received")
    _wrong(dossier.code, "203.0.113.7")
    assert lookup.dossier_lookup(code=dossier.code, pin=dossier.pin, client="203.0.113.7") is not None
    for key in ("lookup:ip:203.0.113.7", f"lookup:ip-code:203.0.113.7:{dossier.code}", f"lookup:code:{dossier.code}"):
        assert ratelimit.count(key) == 1  # the failure, not the success
