"""Celery tasks: thin and idempotent (each alert is a unique row; see feedback.alerts)."""

from celery import shared_task

from . import alerts


@shared_task
def scan_feedback_deadlines() -> int:
    return alerts.feedback_alerts_scan()
