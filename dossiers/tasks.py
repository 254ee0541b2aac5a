"""Celery tasks: thin, idempotent wrappers around the outbox and alert services.

They acknowledge late (CELERY_TASK_ACKS_LATE, CELERY_TASK_REJECT_ON_WORKER_LOST in settings): the
broker forgets a task only once it has finished, so a worker killed mid-task loses nothing and the
task runs again elsewhere. The price is that any task may run twice (also when Redis redelivers after
the visibility timeout, or two beats fire together), so each one is idempotent:
- deliver_message(s) lock the rows and send only messages still pending, then mark them sent;
- scan_deadlines records each (dossier, step, kind) alert once (unique row) with its messages;
- send_leader_digest keys each leader's digest by the day, so a second run writes nothing;
- sweep_outbox only calls the same delivery service, in chunks;
- expire_citizen_files skips files already removed, so a second run removes nothing;
- forget_unprinted_pins blanks what is not blank yet, so a second run changes nothing.
"""

from collections import Counter

from celery import shared_task
from django.db import OperationalError

from . import alerts, outbox, pins, results


@shared_task(autoretry_for=(OperationalError,), max_retries=5, retry_backoff=True)
def deliver_message(message_id: int) -> str:
    return outbox.message_deliver(message_id)


@shared_task(autoretry_for=(OperationalError,), max_retries=5, retry_backoff=True)
def deliver_messages(message_ids: list[int]) -> dict[str, int]:
    """A chunk written by a bulk writer (outbox.batched): one transaction, one mail connection."""
    return dict(Counter(outbox.messages_deliver(message_ids).values()))


@shared_task
def sweep_outbox() -> int:
    return outbox.outbox_sweep()


@shared_task
def scan_deadlines() -> int:
    return alerts.alerts_scan()


@shared_task
def send_leader_digest() -> int:
    return alerts.leader_digest()


@shared_task(autoretry_for=(OperationalError,), max_retries=3, retry_backoff=True)
def expire_citizen_files() -> int:
    return results.citizen_files_expire()


@shared_task
def forget_unprinted_pins() -> int:
    return pins.pins_forget_unprinted()
