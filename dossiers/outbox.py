"""The outbox: messages to staff and citizens, written with the event that causes them.

`outbox_add` runs inside the caller's transaction; delivery is enqueued after commit and a
broker outage only delays it (the sweep delivers what no task picked up). Delivery is
idempotent: a message is locked, sent once and marked sent.
"""

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Dossier, Message

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def _enqueue(message_id: int) -> None:
    """After commit: hand the message to a worker. If the broker is down, the row waits."""
    from .tasks import deliver_message

    try:
        deliver_message.delay(message_id)
    except Exception as exc:  # kombu raises several types; none may undo a committed intake
        log.warning("outbox: broker unavailable, message %s left for the sweep (%s)", message_id, exc)


def outbox_add(*, key: str, channel: str, subject: str, body: str, recipient=None, address: str = "",
               dossier: Dossier | None = None, url: str = "") -> Message | None:
    """Write one message once (by its key). In-app messages are delivered by being written."""
    now = timezone.now()
    inapp = channel == Message.Channel.INAPP
    message, created = Message.objects.get_or_create(key=key, defaults={
        "channel": channel, "subject": subject[:255], "body": body, "recipient": recipient, "address": address,
        "dossier": dossier, "url": url, "next_attempt_at": now,
        "state": Message.State.SENT if inapp else Message.State.PENDING, "sent_at": now if inapp else None})
    if created and not inapp:
        transaction.on_commit(partial(_enqueue, message.pk))
    return message if created else None


def notify_user(user, *, key: str, subject: str, body: str, dossier: Dossier | None = None, url: str = "") -> int:
    """A staff member: in the portal (the bell) and by e-mail when they have an address."""
    if user is None or not user.is_active:
        return 0
    count = bool(outbox_add(key=f"{key}:u{user.pk}:inapp", channel=Message.Channel.INAPP, subject=subject,
                            body=body, recipient=user, dossier=dossier, url=url))
    if user.email:
        count += bool(outbox_add(key=f"{key}:u{user.pk}:email", channel=Message.Channel.EMAIL, subject=subject,
                                 body=body + (f"\n\n{settings.SITE_URL}{url}" if url else ""), recipient=user,
                                 address=user.email, dossier=dossier, url=url))
    return count


def notify_applicant(dossier: Dossier, *, key: str, subject: str, body: str) -> int:
    """The citizen: by e-mail and SMS, to what they gave at intake."""
    count = 0
    if dossier.applicant_email:
        count += bool(outbox_add(key=f"{key}:email", channel=Message.Channel.EMAIL, subject=subject, body=body,
                                 address=dossier.applicant_email, dossier=dossier))
    if dossier.applicant_phone:
        count += bool(outbox_add(key=f"{key}:sms", channel=Message.Channel.SMS, subject=subject, body=body,
                                 address=dossier.applicant_phone, dossier=dossier))
    return count


def _send(message: Message) -> None:
    if message.channel == Message.Channel.EMAIL:
        send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.address],
                  fail_silently=False)
    elif message.channel == Message.Channel.SMS:
        import_string(settings.SMS_BACKEND)().send(message.address, message.body)


def message_deliver(message_id: int) -> str:
    """Send one pending message; safe to run twice or concurrently (row lock, state check)."""
    with transaction.atomic():
        message = Message.objects.select_for_update(skip_locked=True).filter(
            pk=message_id, state=Message.State.PENDING).first()
        if message is None:
            return "skipped"  # already sent, failed for good, or being sent by another worker
        try:
            _send(message)
        except Exception as exc:  # any transport error: retry later with backoff
            message.attempts += 1
            message.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            message.next_attempt_at = timezone.now() + dt.timedelta(minutes=2 ** min(message.attempts, 10))
            if message.attempts >= MAX_ATTEMPTS:
                message.state = Message.State.FAILED
            message.save(update_fields=["attempts", "last_error", "next_attempt_at", "state"])
            return "retry"
        message.state, message.sent_at, message.attempts = Message.State.SENT, timezone.now(), message.attempts + 1
        message.save(update_fields=["state", "sent_at", "attempts"])
        return "sent"


def outbox_sweep(*, limit: int = 1000, grace_seconds: int = 30) -> int:
    """Deliver pending messages whose task never ran (broker down) or whose retry is due."""
    cutoff = timezone.now() - dt.timedelta(seconds=grace_seconds)
    due = list(Message.objects.filter(state=Message.State.PENDING, next_attempt_at__lte=cutoff)
               .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    return sum(message_deliver(pk) == "sent" for pk in due)


def message_mark_read(*, user, message_ids: list[int] | None = None) -> int:
    """Mark the user's in-app messages read (all, or the given ones)."""
    queryset = Message.objects.filter(recipient=user, channel=Message.Channel.INAPP, read_at__isnull=True)
    if message_ids is not None:
        queryset = queryset.filter(pk__in=message_ids)
    return queryset.update(read_at=timezone.now())
