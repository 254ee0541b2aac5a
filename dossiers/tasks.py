"""Celery tasks: thin, idempotent wrappers around the outbox and alert services.

They acknowledge late (settings), so a worker dying mid-task hands the message to another.
"""

from celery import shared_task
from django.db import OperationalError

from . import alerts, outbox


@shared_task(autoretry_for=(OperationalError,), max_retries=5, retry_backoff=True)
def deliver_message(message_id: int) -> str:
    return outbox.message_deliver(message_id)


@shared_task
def sweep_outbox() -> int:
    return outbox.outbox_sweep()


@shared_task
def scan_deadlines() -> int:
    return alerts.alerts_scan()


@shared_task
def send_leader_digest() -> int:
    return alerts.leader_digest()
