"""SMS backends. The default only logs; a real gateway is a class with `send(phone, text)`
named in settings.SMS_BACKEND."""

import logging

log = logging.getLogger("mocua.sms")


class LoggingSMSBackend:
    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", phone, text)


class MemorySMSBackend:
    """For tests: keeps what was sent."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))
