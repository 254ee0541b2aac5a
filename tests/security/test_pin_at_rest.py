"""The PIN is a password (issue 20, item 11): at rest its keyed hash only (HMAC-SHA256 with PIN_KEY,
by default SECRET_KEY); the clear PIN only where it is shown once: the intake's answer and first
message, the online submission's page, and the receipt (Mẫu 01), whose first print blanks the
clear column while the stored copy keeps the PIN for re-prints."""

import datetime as dt
import hashlib
import hmac
import importlib
import io
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from pypdf import PdfReader

from dossiers import services, tokens
from dossiers.models import Dossier, IssuedForm, Message

from ..dossiers.conftest import make_intake
from ..public.conftest import look_up

pytestmark = pytest.mark.django_db


def expected_hash(pin: str, key: str) -> str:
    """Django's salted_hmac written out: key = SHA-256(salt + secret), then HMAC-SHA256."""
    derived = hashlib.sha256(b"mocua.dossiers.pin" + key.encode()).digest()
    return hmac.new(derived, pin.encode(), hashlib.sha256).hexdigest()


def row_text(dossier) -> str:
    """Every column of the dossier's row, as PostgreSQL holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(d)::text FROM dossiers_dossier d WHERE id = %s", [dossier.pk])
        return cursor.fetchone()[0]


def pdf_text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def receipt(client, officer, code: str) -> bytes:
    client.force_login(officer)
    response = client.get(f"/can-bo/ho-so/{code}/mau-01.pdf")
    client.logout()
    assert response.status_code == 200
    return response.content


@pytest.fixture
def received(build_dossier):
    return build_dossier("received")


def test_the_counter_intake_keeps_the_keyed_hash_and_the_clear_pin_only_until_the_receipt(
        client, received, receptionist):
    pin = received.new_pin
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{8}", pin)
    stored = Dossier.objects.get(pk=received.pk)
    assert stored.pin_hash == expected_hash(pin, settings.SECRET_KEY)
    assert stored.pin == pin  # the receipt is not printed yet: it must still carry the PIN

    first = receipt(client, receptionist, received.code)
    assert pin in pdf_text(first)
    assert pin not in row_text(received)
    assert Dossier.objects.get(pk=received.pk).pin == ""
    # The re-print is the stored copy: still the PIN, though the table no longer has it.
    again = receipt(client, receptionist, received.code)
    assert pin in pdf_text(again) and "BẢN IN LẠI" in pdf_text(again)
    assert IssuedForm.objects.filter(dossier=received, number="01").count() == 1

    assert received.code in look_up(client, received.code, pin).content.decode()
    assert look_up(client, received.code, pin.lower()).status_code == 200
    wrong = look_up(client, received.code, "WRONG234").content.decode()
    assert "Mã hồ sơ hoặc mã tra cứu không đúng." in wrong and "Đăng ký khai sinh" not in wrong


def test_the_qr_link_works_once_the_clear_pin_is_gone(client, received, receptionist):
    receipt(client, receptionist, received.code)
    dossier = Dossier.objects.get(pk=received.pk)
    assert dossier.pin == ""
    url = tokens.lookup_url(dossier).removeprefix(settings.SITE_URL)
    assert url == tokens.lookup_url(received).removeprefix(settings.SITE_URL)  # the receipt's own QR
    page = client.get(url)
    assert page.status_code == 200 and received.code in page.content.decode()


def test_an_online_dossier_never_stores_its_pin_and_its_receipt_says_where_it_was_given(
        client, submit_online, receptionist):
    dossier = submit_online()
    pin = dossier.new_pin
    assert pin and pin not in row_text(dossier)
    assert Dossier.objects.get(pk=dossier.pk).pin_hash == expected_hash(pin, settings.SECRET_KEY)
    # The first message carries it (pending here; its row drops it once delivered, outbox.py).
    submitted = list(Message.objects.filter(dossier=dossier, key__contains=":submitted:", recipient=None))
    assert submitted and all(pin in m.body for m in submitted)

    services.dossier_accept_online(dossier=Dossier.objects.get(pk=dossier.pk), actor=receptionist)
    accepted = list(Message.objects.filter(dossier=dossier, key__contains=":received:", recipient=None))
    assert accepted and all(pin not in m.body and "Mã tra cứu: đã gửi khi nộp hồ sơ" in m.body for m in accepted)

    text = pdf_text(receipt(client, receptionist, dossier.code))
    assert pin not in text and "Mã tra cứu: đã cấp khi nộp hồ sơ" in text
    assert dossier.code in look_up(client, dossier.code, pin).content.decode()


def test_the_key_is_pin_key_when_set(client, received, settings):
    pin = received.new_pin
    settings.PIN_KEY = "another-key-for-the-pins-of-this-deployment"
    # A PIN hashed with SECRET_KEY no longer matches: the key is PIN_KEY now.
    assert "Mã hồ sơ hoặc mã tra cứu không đúng." in look_up(client, received.code, pin).content.decode()
    Dossier.objects.filter(pk=received.pk).update(pin_hash=expected_hash(pin, settings.PIN_KEY))
    assert received.code in look_up(client, received.code, pin).content.decode()


def test_the_migration_hashes_existing_pins_and_blanks_those_no_receipt_will_show(
        client, build_dossier, submit_online, receptionist):
    counter, printed, online = build_dossier("received"), build_dossier("processing"), submit_online()
    refused = build_dossier("refused_at_intake")
    receipt(client, receptionist, printed.code)
    # The rows as they were before the migration: clear PINs, no hash.
    for dossier in (counter, printed, online, refused):
        Dossier.objects.filter(pk=dossier.pk).update(pin=dossier.new_pin, pin_hash="")
    migration = importlib.import_module("dossiers.migrations.0015_pin_keyed_hash")
    migration.hash_pins(apps, None)

    rows = {d.pk: d for d in Dossier.objects.filter(pk__in=[counter.pk, printed.pk, online.pk, refused.pk])}
    for dossier in (counter, printed, online, refused):
        assert rows[dossier.pk].pin_hash == expected_hash(dossier.new_pin, settings.SECRET_KEY)
        assert look_up(client, dossier.code, dossier.new_pin).status_code == 200
        assert dossier.code in look_up(client, dossier.code, dossier.new_pin).content.decode()
    assert [rows[d.pk].pin for d in (counter, printed, online, refused)] == [counter.new_pin, "", "", ""]


def test_a_refusal_at_the_counter_stores_no_clear_pin(build_dossier):
    # No receipt is issued for it (Mẫu 03 instead), so nothing would ever blank the clear PIN.
    refused = build_dossier("refused_at_intake")
    stored = Dossier.objects.get(pk=refused.pk)
    assert stored.pin == "" and refused.new_pin not in row_text(refused)
    assert stored.pin_hash == expected_hash(refused.new_pin, settings.SECRET_KEY)


def test_a_receipt_never_printed_keeps_the_clear_pin_at_most_pin_clear_hours(frozen, client, build_dossier,
                                                                             receptionist, settings):
    """An intake whose receipt nobody prints here (another counter system took the PIN from the API's
    answer) must not keep the clear PIN for good: the hourly sweep blanks it after PIN_CLEAR_HOURS;
    the hash stays, so the citizen's PIN still opens the lookup, and a later first print says the PIN
    was given when the dossier was handed in."""
    from dossiers import pins, tasks

    settings.PIN_CLEAR_HOURS = 24
    old = build_dossier("received")
    received_at = Dossier.objects.get(pk=old.pk).received_at
    fresh_at = received_at + dt.timedelta(hours=23)
    frozen.set(fresh_at)
    fresh = services.dossier_receive(actor=receptionist, intake=make_intake(old.variant))

    # 24 h after the first intake plus a second: the first is forgotten, the second (1 s under 1 h old) kept.
    frozen.set(received_at + dt.timedelta(hours=24, seconds=1))
    assert tasks.forget_unprinted_pins() == 1
    assert Dossier.objects.get(pk=old.pk).pin == "" and old.new_pin not in row_text(old)
    assert Dossier.objects.get(pk=fresh.pk).pin == fresh.new_pin
    assert pins.pins_forget_unprinted() == 0  # a second run changes nothing

    found = look_up(client, old.code, old.new_pin).content.decode()
    assert old.code in found and "không đúng" not in found
    text = pdf_text(receipt(client, receptionist, old.code))
    assert old.new_pin not in text and "Mã tra cứu: đã cấp khi nộp hồ sơ" in text
