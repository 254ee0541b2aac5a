"""Dossier codes are predictable, so an unknown code and a wrong PIN must answer alike: same
status, same bytes, same queries, (near enough) the same time; and walking the codes of one
agency and day reveals nothing before the rate limit stops the walker."""

import hashlib
import hmac
import logging
import re
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.models import CodeCounter
from dossiers.public import lookup

from .conftest import CITIZEN_IP, api_look_up, look_up, unlocked, without_csrf

pytestmark = pytest.mark.django_db


def typed_out(content: bytes, code: str) -> bytes:
    """The answer without its CSRF token and without the code the visitor typed."""
    return without_csrf(content).replace(code.encode(), b"<code typed>")


TRIES_LEFT = re.compile(rb"B\xe1\xba\xa1n c\xc3\xb2n \d+ l\xe1\xba\xa7n th\xe1\xbb\xad")


def unknown_code_of(dossier) -> str:
    """A code of the same agency and day that nobody was given."""
    return dossier.code[:-4] + "9999"


@pytest.mark.parametrize("ask", [look_up, api_look_up], ids=["page", "api"])
def test_unknown_code_and_wrong_pin_answer_byte_for_byte_alike(client, build_dossier, loose_limits, ask):
    dossier = build_dossier("processing")

    # From two clients with no failure yet: the tries left are counted from the same start.
    wrong_pin = ask(client, dossier.code, "WRONG234", ip="198.51.100.31")
    unknown = ask(client, unknown_code_of(dossier), "WRONG234", ip="198.51.100.32")

    assert wrong_pin.status_code == unknown.status_code
    # The page gives the code typed back (issue 22, item 11: only the PIN is cleared): the answers
    # are alike once each one's own input is taken out, and the PIN typed is never given back.
    assert typed_out(wrong_pin.content, dossier.code) == typed_out(unknown.content, unknown_code_of(dossier))
    assert b"WRONG234" not in wrong_pin.content
    assert wrong_pin.get("Set-Cookie") is None and unknown.get("Set-Cookie") is None or (
        wrong_pin.cookies.keys() == unknown.cookies.keys())


def test_the_pin_is_compared_whether_or_not_the_code_exists(build_dossier, monkeypatch, loose_limits):
    """What keeps the two branches equally long: a constant-time comparison runs in both."""
    dossier = build_dossier("processing")
    calls, real = [], hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(lookup.hmac, "compare_digest", spy)

    assert lookup.dossier_lookup(code=unknown_code_of(dossier), pin="WRONG234", client=CITIZEN_IP) is None
    assert lookup.dossier_lookup(code=dossier.code, pin="WRONG234", client=CITIZEN_IP) is None
    assert lookup.dossier_lookup(code=dossier.code, pin=dossier.pin, client=CITIZEN_IP) == dossier

    assert len(calls) == 3
    # What is compared is the typed PIN's hash with the stored one; the unknown code's stand-in is
    # as long as a real SHA-256 hex digest, and the PIN itself is never compared clear.
    sha256_hex = len(hashlib.sha256().hexdigest())
    assert [len(a) for a, _b in calls] == [len(b) for _a, b in calls] == [sha256_hex] * 3
    assert calls[2][1] == dossier.pin_hash.encode() and all(b"WRONG234" not in a for a, _b in calls)


def _sql_shapes(run) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        run()
    return [q["sql"].split(" WHERE ")[0] for q in queries.captured_queries]


def test_both_failures_run_the_same_queries(build_dossier, loose_limits):
    dossier = build_dossier("returned")

    wrong_pin = _sql_shapes(lambda: lookup.dossier_lookup(code=dossier.code, pin="WRONG234", client=CITIZEN_IP))
    unknown = _sql_shapes(lambda: lookup.dossier_lookup(code=unknown_code_of(dossier), pin="WRONG234",
                                                       client=CITIZEN_IP))

    assert wrong_pin == unknown and len(wrong_pin) == 1


# --------------------------------------------------------------------------- timing


def _seconds(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def assert_similar_timing(run_a, run_b, *, tries: int = 30) -> None:
    """Medians within 5 ms or 50 % of each other: generous enough for a busy CI machine, tight
    enough to catch a branch that does real extra work (a password hash, a page render). The two
    runs alternate, so that a machine slowing down for a while slows both alike."""
    run_a(), run_b()  # warm up both paths (connections, template and query caches)
    pairs = [(_seconds(run_a), _seconds(run_b)) for _ in range(tries)]
    a, b = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
    assert abs(a - b) <= max(0.005, 0.5 * min(a, b)), f"medians {a * 1000:.2f} ms vs {b * 1000:.2f} ms"


def test_unknown_code_and_wrong_pin_take_about_the_same_time(client, build_dossier, loose_limits):
    dossier = build_dossier("returned")
    assert_similar_timing(lambda: look_up(client, dossier.code, "WRONG234"),
                          lambda: look_up(client, unknown_code_of(dossier), "WRONG234"))


def test_the_timing_check_catches_a_slower_branch(client, build_dossier, loose_limits, monkeypatch):
    """The check above can fail: make the known-code branch do 20 ms more work and it does."""
    dossier = build_dossier("returned")
    real = lookup._pin_of

    def slower_when_found(code):
        found = real(code)
        if found[0] is not None:
            time.sleep(0.02)
        return found

    monkeypatch.setattr(lookup, "_pin_of", slower_when_found)
    with pytest.raises(AssertionError, match="medians"):
        assert_similar_timing(lambda: look_up(client, dossier.code, "WRONG234"),
                              lambda: look_up(client, unknown_code_of(dossier), "WRONG234"), tries=10)


# --------------------------------------------------------------------------- walking the codes


@pytest.fixture
def scattered(frozen, build_dossier, agency):
    """Real dossiers of one agency and one day at 0001, 0101, 0401, 0777 and 0999."""
    dossiers = []
    for state, number in (("returned", 1), ("processing", 101), ("awaiting_supplement", 401),
                          ("refused", 777), ("received", 999)):
        CodeCounter.objects.filter(agency=agency).update(last=number - 1)
        dossiers.append(build_dossier(state))
    assert [d.code[-4:] for d in dossiers] == ["0001", "0101", "0401", "0777", "0999"]
    return dossiers


def walk(client, prefix: str, numbers=range(1, 1001), ask=look_up, ip: str = CITIZEN_IP):
    return [ask(client, f"{prefix}-{n:04d}", "AAAAAAAA", ip=ip) for n in numbers]


def test_walking_a_thousand_codes_reveals_nothing(client, scattered, loose_limits):
    prefix = scattered[0].code[:-5]

    answers = walk(client, prefix)

    assert {a.status_code for a in answers} == {200}
    # Alike but for the code typed and the tries left (which fall by one per try, whatever the code).
    bodies = {TRIES_LEFT.sub(b"", typed_out(a.content, f"{prefix}-{n:04d}")) for n, a in enumerate(answers, 1)}
    assert len(bodies) == 1
    assert "Mã hồ sơ hoặc mã tra cứu không đúng." in bodies.pop().decode()
    assert unlocked(client) == []


def test_walking_through_the_api_reveals_nothing(client, scattered, loose_limits):
    """The API, around each real dossier (the page walks all thousand above)."""
    around = [n + d for n in (1, 101, 401, 777, 999) for d in (-1, 0, 1) if n + d > 0]
    answers = walk(client, scattered[0].code[:-5], around, ask=api_look_up)
    assert {(a.status_code, a.content) for a in answers} == {
        (404, '{"code":"not_found","detail":"Mã hồ sơ hoặc mã tra cứu không đúng."}'.encode())}


def test_a_walker_is_stopped_by_the_client_limit(client, scattered, settings, caplog):
    settings.LOOKUP_CLIENT_FAILURES = 10
    caplog.set_level(logging.INFO, logger="mocua.security")

    answers = walk(client, scattered[0].code[:-5], range(1, 41))

    assert [a.status_code for a in answers[:10]] == [200] * 10
    assert {a.status_code for a in answers[10:]} == {429}
    assert len({without_csrf(a.content) for a in answers[10:]}) == 1
    page = answers[10].content.decode()
    assert "Vui lòng thử lại sau" in page and answers[10]["Retry-After"] == "60"
    throttled = [r for r in caplog.records if r.name == "mocua.security" and "throttled" in r.getMessage()]
    assert throttled and throttled[0].levelno == logging.WARNING and CITIZEN_IP in throttled[0].getMessage()
    # Once stopped, even the right PIN of a real dossier gets nothing from this client…
    real = scattered[1]
    assert look_up(client, real.code, real.pin).status_code == 429
    # …while another client is not punished for the walker.
    assert look_up(client, real.code, real.pin, ip="198.51.100.20").status_code == 200


def test_many_clients_guessing_one_code_are_stopped_by_the_code_limit(client, build_dossier, settings, caplog):
    settings.LOOKUP_CLIENT_FAILURES = 3
    settings.LOOKUP_CODE_FAILURES = 20
    caplog.set_level(logging.INFO, logger="mocua.security")
    dossier = build_dossier("processing")

    answers = [look_up(client, dossier.code, f"GUESS{n:03d}", ip=f"198.51.100.{n}") for n in range(1, 31)]

    assert [a.status_code for a in answers] == [200] * 20 + [429] * 10
    assert "Vui lòng thử lại sau" in answers[-1].content.decode()
    assert any("throttled" in r.getMessage() and dossier.code in r.getMessage() for r in caplog.records)
    # Another code from the same clients is still answered.
    other = build_dossier("received")
    assert look_up(client, other.code, other.pin, ip="198.51.100.30").status_code == 200


def test_a_right_pin_is_not_counted_as_a_failure(client, build_dossier, settings):
    settings.LOOKUP_CLIENT_FAILURES = 2
    dossier = build_dossier("processing")
    for _ in range(5):
        assert look_up(client, dossier.code, dossier.pin).status_code == 200
