"""The outbox: messages to staff and citizens, written with the event that causes them.

`outbox_add` runs inside the caller's transaction; delivery is enqueued after commit and a
broker outage only delays it (the sweep delivers what no task picked up). Delivery is
idempotent: a message is locked, sent once and marked sent.

Bulk writers (the deadline scan, the digest) wrap their loop in `batched()`: their messages are
enqueued in chunks of CHUNK ids, one task each, and a chunk's e-mails share one mail connection.
The scan also writes an alert's messages with `outbox_add_new` (bulk INSERTs, keys known to be new).
"""

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Dossier, Message
from .sms import mask_address
from .tokens import redact

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
CHUNK = 200  # ids per delivery task: one transaction and one mail connection each


def _enqueue(message_ids: list[int]) -> None:
    """After commit: hand the messages to a worker. If the broker is down, the rows wait."""
    # Deferred: the tasks call this module's functions, and this module enqueues the tasks.
    from .tasks import deliver_message, deliver_messages

    try:
        if len(message_ids) == 1:
            deliver_message.delay(message_ids[0])
        else:
            deliver_messages.delay(message_ids)
    except Exception as exc:  # kombu raises several types; none may undo a committed intake
        log.warning("outbox: broker unavailable, %d message(s) left for the sweep (%s)", len(message_ids), exc)


class _Batch:
    """Ids of committed messages waiting to be enqueued by the enclosing `batched()` block."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.open = True

    def add(self, message_id: int) -> None:
        # Runs on commit of the message's own transaction, so a rolled-back message never gets here.
        self.ids.append(message_id)
        if len(self.ids) >= CHUNK or not self.open:
            self.flush()

    def close(self) -> None:
        self.open = False
        self.flush()

    def flush(self) -> None:
        ids, self.ids = self.ids, []
        for start in range(0, len(ids), CHUNK):
            _enqueue(ids[start:start + CHUNK])


_batch: ContextVar[_Batch | None] = ContextVar("outbox_batch", default=None)


@contextmanager
def batched() -> Iterator[None]:
    """Enqueue the messages written in this block in chunks instead of one task each.

    Each message joins the batch when its transaction commits; full chunks go at once (a long scan
    streams its deliveries), the rest after the block's own transaction commits. Nested blocks
    join the outermost one.
    """
    if _batch.get() is not None:
        yield
        return
    batch = _Batch()
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
        transaction.on_commit(batch.close)  # dropped with the rest if the block's transaction rolls back


def _fields(*, key: str, channel: str, subject: str, body: str, recipient=None, address: str = "",
            dossier: Dossier | None = None, url: str = "") -> dict:
    """A message row's values. In-app messages are delivered by being written."""
    now, inapp = timezone.now(), channel == Message.Channel.INAPP
    return {"key": key, "channel": channel, "subject": subject[:255], "body": body, "recipient": recipient,
            "address": address, "dossier": dossier, "url": url, "next_attempt_at": now,
            "state": Message.State.SENT if inapp else Message.State.PENDING, "sent_at": now if inapp else None}


def _deliver_after_commit(message: Message) -> None:
    if message.channel != Message.Channel.INAPP:
        batch = _batch.get()
        transaction.on_commit(partial(_enqueue, [message.pk]) if batch is None else partial(batch.add, message.pk))


def outbox_add(*, key: str, **fields) -> Message | None:
    """Write one message once (by its key); None if it was already written. Fields: see _fields."""
    message, created = Message.objects.get_or_create(key=key, defaults=_fields(key=key, **fields))
    if created:
        _deliver_after_commit(message)
    return message if created else None


def outbox_add_new(messages: list[dict]) -> int:
    """Write many messages with bulk INSERTs, for keys that cannot exist yet because they carry the pk
    of a row this transaction inserted (an alert): no lookup and no savepoint per message."""
    # batch_size keeps each INSERT under the drivers' bound-parameter limits (SQLite, psycopg 3)
    created = Message.objects.bulk_create([Message(**_fields(**fields)) for fields in messages], batch_size=1000)
    for message in created:
        _deliver_after_commit(message)
    return len(created)


def user_messages(user, *, key: str, subject: str, body: str, dossier: Dossier | None = None,
                  url: str = "") -> list[dict]:
    """A staff member's copies: the bell, and an e-mail when they have an address; none if inactive."""
    if user is None or not user.is_active:
        return []
    found = [{"key": f"{key}:u{user.pk}:inapp", "channel": Message.Channel.INAPP, "subject": subject,
              "body": body, "recipient": user, "dossier": dossier, "url": url}]
    if user.email:
        found.append({"key": f"{key}:u{user.pk}:email", "channel": Message.Channel.EMAIL, "subject": subject,
                      "body": body + (f"\n\n{settings.SITE_URL}{url}" if url else ""), "recipient": user,
                      "address": user.email, "dossier": dossier, "url": url})
    return found


def notify_user(user, *, key: str, subject: str, body: str, dossier: Dossier | None = None, url: str = "") -> int:
    """A staff member: in the portal (the bell) and by e-mail when they have an address."""
    return sum(bool(outbox_add(**fields)) for fields in user_messages(user, key=key, subject=subject, body=body,
                                                                      dossier=dossier, url=url))


def notify_applicant(dossier: Dossier, *, key: str, subject: str, body: str, new: bool = False) -> int:
    """The citizen: by e-mail and SMS, to what they gave at intake. `new`: the dossier was inserted by
    this transaction, so its keys cannot exist yet (outbox_add_new: no lookup, no savepoint)."""
    messages = [{"key": f"{key}:{suffix}", "channel": channel, "subject": subject, "body": body, "address": address,
                 "dossier": dossier}
                for suffix, channel, address in (("email", Message.Channel.EMAIL, dossier.applicant_email),
                                                 ("sms", Message.Channel.SMS, dossier.applicant_phone)) if address]
    if new:
        return outbox_add_new(messages)
    return sum(outbox_add(**message) is not None for message in messages)


def _attempt(send, *args) -> Exception | None:
    try:
        send(*args)
    except Exception as exc:  # any transport error: this message retries, the others go on
        return exc
    return None


def _send_emails(messages: list[Message], errors: dict[int, Exception | None]) -> None:
    """All e-mails over one connection (one SMTP handshake per chunk, not per message)."""
    connection = get_connection(fail_silently=False)
    opened = _attempt(connection.open)
    for message in messages:
        email = EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.address],
                             connection=connection)
        # If the server cannot be reached, the whole chunk retries later without trying each message.
        errors[message.pk] = opened or _attempt(connection.send_messages, [email])
    if _attempt(connection.close):
        log.warning("outbox: closing the mail connection failed after sending")  # the messages went out


def _send_all(messages: list[Message]) -> dict[int, Exception | None]:
    """Send each message; returns its error, or None when it went out."""
    errors: dict[int, Exception | None] = dict.fromkeys(m.pk for m in messages)
    emails = [m for m in messages if m.channel == Message.Channel.EMAIL]
    if emails:
        _send_emails(emails, errors)
    texts = [m for m in messages if m.channel == Message.Channel.SMS]
    if texts:
        backend = import_string(settings.SMS_BACKEND)()
        errors.update({m.pk: _attempt(backend.send, m.address, m.body) for m in texts})
    return errors


def _record_failures(failed: list[tuple[Message, Exception]]) -> None:
    """Back off exponentially; give up after MAX_ATTEMPTS."""
    now = timezone.now()
    for message, exc in failed:
        message.attempts += 1
        message.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
        message.next_attempt_at = now + dt.timedelta(minutes=2 ** min(message.attempts, 10))
        if message.attempts >= MAX_ATTEMPTS:
            message.state = Message.State.FAILED
    Message.objects.bulk_update([m for m, _ in failed], ["attempts", "last_error", "next_attempt_at", "state"])


def messages_deliver(message_ids: list[int]) -> dict[int, str]:
    """Send the pending messages among these ids: "sent", "retry" or "skipped" for each id.

    Safe to run twice or concurrently: the rows are locked until marked, and rows another worker
    holds or that are no longer pending are skipped. A message is marked in the transaction that
    locked it, so a worker killed mid-chunk may send that chunk's e-mails again when the task is
    redelivered (as one message could before); SIGTERM lets the chunk finish.
    """
    outcomes = dict.fromkeys(message_ids, "skipped")  # already sent, failed for good, or being sent
    with transaction.atomic():
        messages = list(Message.objects.select_for_update(skip_locked=True)
                        .filter(pk__in=message_ids, state=Message.State.PENDING).order_by("pk"))
        if not messages:
            return outcomes
        errors = _send_all(messages)
        sent = [m.pk for m in messages if errors[m.pk] is None]
        Message.objects.filter(pk__in=sent).update(state=Message.State.SENT, sent_at=timezone.now(),
                                                   attempts=F("attempts") + 1)
        failed = [(m, errors[m.pk]) for m in messages if errors[m.pk] is not None]
        if failed:
            _record_failures(failed)
        done = set(sent)
        _forget_secrets([m for m in messages if m.pk in done or m.state == Message.State.FAILED])
    for message in messages:
        log.info("outbox %s id=%s channel=%s kind=%s to=%s", "sent" if message.pk in sent else "retry",
                 message.pk, message.channel, message_kind(message.key), mask_address(message.address))
    outcomes.update({pk: "sent" for pk in sent})
    outcomes.update({m.pk: "retry" for m, _ in failed})
    return outcomes


def message_kind(key: str) -> str:
    """What a message is, from its key (citizen:12:received:1:sms → received; alert:… → alert)."""
    parts = key.split(":")
    return parts[2] if parts[0] == "citizen" and len(parts) > 2 else parts[0]


def _forget_secrets(messages: list[Message]) -> None:
    """A message no longer pending keeps its text without the PIN and the lookup token: the citizen
    has them (the receipt, the message itself), and a copy at rest would outlive its use."""
    changed = []
    for message in messages:
        body = redact(message.body)
        if body != message.body:
            message.body = body
            changed.append(message)
    if changed:
        Message.objects.bulk_update(changed, ["body"])


def message_deliver(message_id: int) -> str:
    """Send one pending message: "sent", "retry" or "skipped" (see messages_deliver)."""
    return messages_deliver([message_id])[message_id]


def outbox_sweep(*, limit: int = 1000, grace_seconds: int = 30) -> int:
    """Deliver pending messages whose task never ran (broker down) or whose retry is due, in chunks."""
    cutoff = timezone.now() - dt.timedelta(seconds=grace_seconds)
    due = list(Message.objects.filter(state=Message.State.PENDING, next_attempt_at__lte=cutoff)
               .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    outcomes = [messages_deliver(due[start:start + CHUNK]) for start in range(0, len(due), CHUNK)]
    return sum(outcome == "sent" for chunk in outcomes for outcome in chunk.values())


def message_mark_read(*, user, message_ids: list[int] | None = None) -> int:
    """Mark the user's in-app messages read (all, or the given ones)."""
    queryset = Message.objects.filter(recipient=user, channel=Message.Channel.INAPP, read_at__isnull=True)
    if message_ids is not None:
        queryset = queryset.filter(pk__in=message_ids)
    return queryset.update(read_at=timezone.now())
