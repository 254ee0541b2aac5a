"""Batched delivery: bulk writers (the deadline scan, the digest) enqueue their messages in chunks of
outbox.CHUNK ids, and a chunk goes out in one transaction over one mail connection, with every
guarantee of a single message kept: after commit only, nothing from a rolled-back transaction,
retries per message, exactly once when chunks run twice or at the same time, and the sweep when
the broker is down.

The mail server is tests/dossiers/mailbackends.py (the `mailserver` fixture): one backend instance
per connection, and addresses it is told to refuse fail like a rejected recipient.
"""

import math
import time
from collections import Counter

import pytest
from django.core import mail
from django.db import connection, transaction

from dossiers import alerts, outbox, services, tasks
from dossiers.models import Message
from mocua.celery import app

from .conftest import make_intake, vn
from .mailbackends import refused
from .test_concurrency import run_together

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms", "mailserver")]


@pytest.fixture
def queued(monkeypatch):
    """What would reach the broker: one list of ids per task (a single message is a list of one)."""
    calls: list[list[int]] = []
    monkeypatch.setattr(tasks.deliver_message, "delay", lambda message_id: calls.append([message_id]))
    monkeypatch.setattr(tasks.deliver_messages, "delay", lambda message_ids: calls.append(list(message_ids)))
    return calls


def write(count: int, *, channel: str = Message.Channel.EMAIL, first: int = 1) -> list[int]:
    """`count` pending messages written through the outbox service; their ids."""
    address = "canbo{}@example.com" if channel == Message.Channel.EMAIL else "09120000{:02d}"
    return [outbox.outbox_add(key=f"test:{n}:{channel}", channel=channel, subject=f"Thông báo {n}",
                              body="Nội dung", address=address.format(n)).pk for n in range(first, first + count)]


def alert_emails() -> list[int]:
    return sorted(Message.objects.filter(key__startswith="alert:", channel=Message.Channel.EMAIL)
                  .values_list("pk", flat=True))


@pytest.fixture
def six_overdue(frozen, receptionist, variant, mailserver, sms):
    """Six dossiers received Mon 02/03/2026 and still at the counter on Fri 06/03: each deserves a
    step alert and a dossier alert for the receptionist, so a scan writes 12 e-mails."""
    for minute in range(6):
        frozen.set(vn(2026, 3, 2, 8, minute))
        services.dossier_receive(actor=receptionist, intake=make_intake(variant))
    outbox.outbox_sweep(grace_seconds=0)  # the applicants' own messages, out of the way
    mail.outbox.clear()
    sms.clear()
    mailserver.reset()
    return frozen.set(vn(2026, 3, 6, 9, 0))


# --------------------------------------------------------------------------- enqueued in chunks


def test_a_scan_enqueues_one_task_per_chunk_not_one_per_message(six_overdue, queued, monkeypatch, mailserver,
                                                                django_capture_on_commit_callbacks):
    monkeypatch.setattr(outbox, "CHUNK", 5)

    with django_capture_on_commit_callbacks(execute=True):
        alerts.alerts_scan()

    emails = alert_emails()
    assert len(emails) == 12
    assert len(queued) == math.ceil(12 / 5) == 3  # not 12 tasks
    assert [len(ids) for ids in queued] == [5, 5, 2]
    assert sorted(sum(queued, [])) == emails  # each e-mail in exactly one chunk

    for ids in queued:  # the worker runs them
        assert tasks.deliver_messages(ids) == {"sent": len(ids)}
    assert mailserver.connections == 3  # one per chunk
    assert len(mail.outbox) == 12
    assert not Message.objects.filter(pk__in=emails).exclude(state=Message.State.SENT).exists()


def test_messages_written_outside_a_batch_keep_one_task_each(queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ids = write(2)

    assert queued == [[ids[0]], [ids[1]]]


def test_a_rollback_inside_a_batch_enqueues_nothing(queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with outbox.batched():
            with pytest.raises(RuntimeError), transaction.atomic():
                write(2)
                raise RuntimeError("the alert's transaction fails")
            kept = write(1, first=3)

    assert queued == [kept]
    assert not Message.objects.filter(key__in=["test:1:email", "test:2:email"]).exists()


def test_a_rolled_back_batch_leaks_no_ids_into_the_next_one(queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic(), outbox.batched():
            write(2)
            raise RuntimeError("the whole batch rolls back")
        with outbox.batched():
            later = write(1, first=3)

    assert len(callbacks) == 2  # the later message and its block's flush; nothing of the rolled-back block
    assert queued == [later]


# --------------------------------------------------------------------------- one chunk, one connection


def test_a_chunk_goes_out_in_one_connection(frozen, mailserver, sms):
    emails, texts = write(6), write(2, channel=Message.Channel.SMS)

    assert outbox.messages_deliver(emails + texts) == dict.fromkeys(emails + texts, "sent")

    assert mailserver.connections == 1  # one handshake for six e-mails
    assert sorted(m.to[0] for m in mail.outbox) == [f"canbo{n}@example.com" for n in range(1, 7)]
    assert sorted(phone for phone, _ in sms) == ["0912000001", "0912000002"]
    assert set(Message.objects.values_list("state", "attempts", "sent_at")) == {
        (Message.State.SENT, 1, vn(2026, 3, 2, 8, 0))}


def test_a_message_failing_mid_chunk_retries_while_the_others_go_out(frozen, mailserver):
    ids = write(5)
    mailserver.refused["canbo3@example.com"] = refused("canbo3@example.com")

    outcomes = outbox.messages_deliver(ids)

    assert outcomes == {**dict.fromkeys(ids, "sent"), ids[2]: "retry"}
    assert mailserver.tried == [f"canbo{n}@example.com" for n in range(1, 6)]  # the ones after it too
    assert mailserver.connections == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["canbo1@example.com", "canbo2@example.com",
                                                     "canbo4@example.com", "canbo5@example.com"]
    bad = Message.objects.get(pk=ids[2])
    assert (bad.state, bad.attempts, bad.next_attempt_at) == (Message.State.PENDING, 1, vn(2026, 3, 2, 8, 2))
    assert bad.last_error.startswith("SMTPRecipientsRefused: ")

    mailserver.refused.clear()  # the mailbox is fixed; the sweep retries it when due
    frozen.set(vn(2026, 3, 2, 8, 2))
    assert outbox.outbox_sweep(grace_seconds=0) == 1
    bad.refresh_from_db()
    assert (bad.state, bad.attempts) == (Message.State.SENT, 2)
    assert Counter(m.to[0] for m in mail.outbox)["canbo3@example.com"] == 1


def test_an_unreachable_mail_server_fails_the_chunk_at_once(frozen, mailserver, sms):
    emails, texts = write(3), write(1, channel=Message.Channel.SMS)
    mailserver.down = ConnectionRefusedError(111, "Connection refused")

    outcomes = outbox.messages_deliver(emails + texts)

    assert outcomes == {**dict.fromkeys(emails, "retry"), texts[0]: "sent"}  # SMS has its own transport
    assert mailserver.tried == []  # no per-message attempt after the connection failed
    assert set(Message.objects.filter(pk__in=emails).values_list("attempts", "last_error")) == {
        (1, "ConnectionRefusedError: [Errno 111] Connection refused")}
    assert len(sms) == 1


# --------------------------------------------------------------------------- exactly once


def test_running_a_chunk_twice_sends_each_message_once(mailserver):
    ids = write(4)
    assert tasks.deliver_messages(ids) == {"sent": 4}

    assert tasks.deliver_messages(ids) == {"skipped": 4}  # late ack, redelivery
    more = write(1, first=5)
    assert outbox.messages_deliver(ids[:2] + more) == {ids[0]: "skipped", ids[1]: "skipped", more[0]: "sent"}
    assert tasks.deliver_message(ids[0]) == "skipped"  # a single-message task for one of them

    assert sorted(m.to[0] for m in mail.outbox) == [f"canbo{n}@example.com" for n in range(1, 6)]
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}


# --------------------------------------------------------------------------- the broker is down


def test_broker_down_the_batch_waits_and_the_sweep_delivers_it_in_chunks(
        dead_broker, six_overdue, frozen, mailserver, monkeypatch, caplog, django_capture_on_commit_callbacks):
    monkeypatch.setattr(outbox, "CHUNK", 5)

    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.alerts_scan() == 24  # 12 alerts × (bell + e-mail): the scan itself succeeds

    emails = alert_emails()
    assert caplog.text.count("broker unavailable") == 3  # each chunk tried to publish, once
    assert set(Message.objects.filter(pk__in=emails).values_list("state", "attempts")) == {
        (Message.State.PENDING, 0)}
    assert mail.outbox == []

    app.conf.task_always_eager = True  # Redis is back: beat's sweep runs
    frozen.set(vn(2026, 3, 6, 9, 1))
    assert tasks.sweep_outbox.delay().get() == 12
    assert mailserver.connections == 3  # the sweep delivers in chunks too
    assert set(Message.objects.filter(pk__in=emails).values_list("state", "attempts")) == {(Message.State.SENT, 1)}
    assert len(mail.outbox) == 12


# --------------------------------------------------------------------------- real transactions


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real connections")
@pytest.mark.django_db(transaction=True)
class TestCommitted:
    def test_a_long_batch_sends_full_chunks_as_their_messages_commit(self, queued, monkeypatch):
        """Autocommit, as in the worker: each message commits on its own, so a long scan streams."""
        monkeypatch.setattr(outbox, "CHUNK", 2)
        with outbox.batched():
            ids = write(5)
            assert queued == [ids[0:2], ids[2:4]]  # already on their way while the block runs
        assert queued == [ids[0:2], ids[2:4], ids[4:]]

    def test_nested_batches_enqueue_once_after_the_outer_block(self, queued):
        with outbox.batched():
            with outbox.batched():
                inner = write(2)
            assert queued == []  # committed, but the inner block leaves the enqueueing to the outer one
            outer = write(1, first=3)
        assert queued == [inner + outer]

    def test_two_workers_on_the_same_chunk_send_each_message_once(self, queued, mailserver, monkeypatch):
        ids = write(10)
        send = mailserver.send_messages

        def slow(backend, messages):  # hold the row locks while "talking to the server"
            time.sleep(0.02)
            return send(backend, messages)

        monkeypatch.setattr(mailserver, "send_messages", slow)

        results, errors = run_together([lambda: outbox.messages_deliver(ids)] * 2)

        assert errors == {}
        for pk in ids:  # one worker sent it, the other skipped the locked or already sent row
            assert sorted(result[pk] for result in results.values()) == ["sent", "skipped"]
        assert Counter(m.to[0] for m in mail.outbox) == Counter(f"canbo{n}@example.com" for n in range(1, 11))
        assert set(Message.objects.values_list("state", "attempts")) == {(Message.State.SENT, 1)}
