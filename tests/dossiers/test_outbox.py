"""The outbox (issue 4, item 5): messages are rows written in the event's transaction, delivered
after commit, retried with backoff, swept up when their task never ran, and sent exactly once.

The broker-down test points the Celery app at a port where nothing listens: publishing fails at
once, the intake and the handover still commit, their rows wait, and the sweep delivers them.
"""

import datetime as dt
import time
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.db import transaction

from dossiers import outbox, services, tasks
from dossiers.models import Dossier, Message
from mocua.celery import app

from .conftest import vn

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]


def pending():
    return Message.objects.filter(state=Message.State.PENDING)


def citizen_messages(dossier):
    return Message.objects.filter(dossier=dossier, recipient__isnull=True)


# --------------------------------------------------------------------------- written with the event


def test_messages_roll_back_with_the_event(receptionist, intake):
    with pytest.raises(RuntimeError), transaction.atomic():
        dossier = services.dossier_receive(actor=receptionist, intake=intake)
        assert citizen_messages(dossier).count() == 2  # e-mail and SMS, inside the intake's transaction
        raise RuntimeError("the request fails after the intake")

    assert not Dossier.objects.exists()
    assert not Message.objects.exists()


def test_messages_are_delivered_after_commit_not_before(receptionist, intake, sms,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        dossier = services.dossier_receive(actor=receptionist, intake=intake)
    assert set(citizen_messages(dossier).values_list("channel", "state")) == {
        (Message.Channel.EMAIL, Message.State.PENDING), (Message.Channel.SMS, Message.State.PENDING)}
    assert mail.outbox == [] and sms == []
    assert len(callbacks) == 2  # one delivery task per message, queued for after commit

    for callback in callbacks:  # the commit
        callback()

    assert not pending().exists()
    assert [(m.to, m.subject) for m in mail.outbox] == [(["binh@example.com"], f"Đã tiếp nhận hồ sơ {dossier.code}")]
    assert len(sms) == 1 and sms[0][0] == "0912345678" and dossier.pin in sms[0][1]
    assert all(m.attempts == 1 and m.sent_at for m in citizen_messages(dossier))


def test_in_app_messages_need_no_delivery(processing, specialist):
    bell = Message.objects.get(recipient=specialist, channel=Message.Channel.INAPP)
    assert bell.state == Message.State.SENT and bell.read_at is None


def test_the_same_message_key_is_written_once(receptionist, received):
    from dossiers import notices

    before = Message.objects.count()
    assert notices.applicant_received(received) == 0  # same dossier version: same keys
    assert Message.objects.count() == before


# --------------------------------------------------------------------------- failures, backoff, give up


@pytest.fixture
def one_email(frozen, receptionist, intake):
    """The citizen's e-mail of an intake at Mon 02/03/2026 08:00, the only message left pending."""
    dossier = services.dossier_receive(actor=receptionist, intake=intake)
    assert outbox.message_deliver(citizen_messages(dossier).get(channel=Message.Channel.SMS).pk) == "sent"
    return citizen_messages(dossier).get(channel=Message.Channel.EMAIL)


@pytest.fixture
def failing_mail(mailserver):
    """The mail server drops every connection; returns the list of addresses tried."""
    mailserver.refused["*"] = SMTPServerDisconnected("máy chủ thư không trả lời")
    return mailserver.tried


def test_a_failed_send_records_the_attempt_and_backs_off(frozen, one_email, failing_mail, mailserver):
    calls = failing_mail

    assert outbox.message_deliver(one_email.pk) == "retry"

    one_email.refresh_from_db()
    assert (one_email.state, one_email.attempts) == (Message.State.PENDING, 1)
    assert one_email.last_error == "SMTPServerDisconnected: máy chủ thư không trả lời"
    assert one_email.next_attempt_at == vn(2026, 3, 2, 8, 2)  # 2 minutes after the first failure
    assert len(calls) == 1

    frozen.set(vn(2026, 3, 2, 8, 1, 59))
    assert outbox.outbox_sweep(grace_seconds=0) == 0 and len(calls) == 1  # not due yet

    frozen.set(vn(2026, 3, 2, 8, 2))
    assert outbox.outbox_sweep(grace_seconds=0) == 0 and len(calls) == 2  # retried, failed again
    one_email.refresh_from_db()
    assert one_email.attempts == 2 and one_email.next_attempt_at == vn(2026, 3, 2, 8, 6)  # 4 minutes

    mailserver.refused.clear()  # the mail server is back
    frozen.set(vn(2026, 3, 2, 8, 6))
    assert outbox.outbox_sweep(grace_seconds=0) == 1
    one_email.refresh_from_db()
    assert (one_email.state, one_email.attempts, one_email.sent_at) == (Message.State.SENT, 3, vn(2026, 3, 2, 8, 6))
    assert len(mail.outbox) == 1


def test_a_message_that_keeps_failing_is_given_up(frozen, one_email, failing_mail):
    calls = failing_mail
    for _ in range(outbox.MAX_ATTEMPTS):
        frozen.set(frozen.moment + dt.timedelta(days=1))
        outbox.outbox_sweep(grace_seconds=0)

    one_email.refresh_from_db()
    assert (one_email.state, one_email.attempts) == (Message.State.FAILED, outbox.MAX_ATTEMPTS)
    assert len(calls) == outbox.MAX_ATTEMPTS

    frozen.set(frozen.moment + dt.timedelta(days=30))
    assert outbox.outbox_sweep(grace_seconds=0) == 0 and len(calls) == outbox.MAX_ATTEMPTS


# --------------------------------------------------------------------------- exactly once


def test_delivering_twice_sends_once(one_email):
    assert outbox.message_deliver(one_email.pk) == "sent"
    assert tasks.deliver_message(one_email.pk) == "skipped"  # a duplicate task (late ack, redelivery)

    assert len(mail.outbox) == 1


def test_the_sweep_delivers_rows_whose_task_never_ran(frozen, processing, specialist, sms):
    """In this test the transaction never commits, so no delivery task ran: like a broker outage."""
    waiting = set(pending().values_list("pk", flat=True))
    assert len(waiting) == 3  # citizen e-mail and SMS, the specialist's e-mail

    frozen.set(vn(2026, 3, 2, 8, 0, 29))
    assert outbox.outbox_sweep() == 0  # younger than 30 s: their own task may still come

    frozen.set(vn(2026, 3, 2, 8, 0, 30))
    assert outbox.outbox_sweep() == 3
    assert outbox.outbox_sweep() == 0
    assert [tasks.deliver_message(pk) for pk in waiting] == ["skipped"] * 3  # the task arrives after all

    assert sorted(m.to[0] for m in mail.outbox) == sorted(["binh@example.com", specialist.email])
    assert len(sms) == 1


# --------------------------------------------------------------------------- the broker is down


def test_broker_down_intake_and_handover_succeed_and_messages_wait(
        dead_broker, frozen, receptionist, specialist, intake, sms, caplog, django_capture_on_commit_callbacks):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as received_callbacks:
        dossier = services.dossier_receive(actor=receptionist, intake=intake)
    with django_capture_on_commit_callbacks(execute=True) as handover_callbacks:
        dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    elapsed = time.monotonic() - started

    assert len(received_callbacks) == 2 and len(handover_callbacks) == 1  # each tried to publish
    assert elapsed < 1.5  # no connection retries: the broker's absence costs milliseconds
    assert Dossier.objects.get(pk=dossier.pk).status == "processing"
    assert set(pending().values_list("channel", "address")) == {
        ("email", "binh@example.com"), ("sms", "0912345678"), ("email", specialist.email)}
    assert all(m.attempts == 0 and m.last_error == "" for m in pending())
    assert mail.outbox == [] and sms == []
    assert caplog.text.count("broker unavailable") == 3

    # Redis is back: beat's sweep runs through Celery (eager here, a worker in production).
    app.conf.task_always_eager = True
    frozen.set(vn(2026, 3, 2, 8, 1))
    assert tasks.sweep_outbox.delay().get() == 3
    assert tasks.sweep_outbox.delay().get() == 0

    assert not pending().exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["binh@example.com", specialist.email])
    assert len(sms) == 1
    assert Message.objects.filter(state=Message.State.SENT, attempts=1).count() == 3
