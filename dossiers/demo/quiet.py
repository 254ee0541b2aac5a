"""Seeding replays months of dossiers, and every move writes its e-mails and SMS: on the demo's
console backends that was 11,000 lines drowning the summary. While seeding, messages go to memory
and the message loggers say warnings only; the command prints how many were written instead."""

import logging
from contextlib import contextmanager
from dataclasses import dataclass

from django.core import mail
from django.test import override_settings

from dossiers.sms import MemorySMSBackend

# Logger → the level it keeps while seeding (kombu warns that no broker is named: eager tasks need none).
QUIET_LOGGERS = {"mocua.sms": logging.WARNING, "dossiers.outbox": logging.WARNING, "celery": logging.WARNING,
                 "kombu": logging.ERROR}


@dataclass
class Sent:
    emails: int = 0
    sms: int = 0


@contextmanager
def messages_kept_in_memory():
    sent = Sent()
    mail.outbox = []
    MemorySMSBackend.outbox.clear()
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger, level in zip(loggers, QUIET_LOGGERS.values(), strict=True):
        logger.setLevel(level)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                               SMS_BACKEND="dossiers.sms.MemorySMSBackend"):
            yield sent
    finally:
        sent.emails, sent.sms = len(mail.outbox), len(MemorySMSBackend.outbox)
        mail.outbox = []
        MemorySMSBackend.outbox.clear()
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
