"""SMS backends. The default only logs; a real gateway is a class with `send(phone, text)`
named in settings.SMS_BACKEND.

A log line carries delivery facts only (a masked number, the length): never the text, which holds
the PIN and the lookup link (docs/security.md).
"""

import logging

log = logging.getLogger("mocua.sms")


def mask_address(address: str) -> str:
    """A phone number or e-mail address as a log line may show it: 0912345678 → *******678,
    binh@example.com → b***@example.com."""
    if "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return "*" * max(len(address) - 3, 0) + address[-3:]


class LoggingSMSBackend:
    """Sends nothing: for a deployment without a gateway, and the demo."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS not sent (logging backend) to=%s length=%d", mask_address(phone), len(text))


class MemorySMSBackend:
    """For tests: keeps what was sent."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))
