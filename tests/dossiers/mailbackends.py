"""An e-mail backend for the outbox tests: Django's locmem backend plus what a mail server does.

Each backend instance stands for one SMTP connection, so `connections` counts handshakes. Addresses
in `refused` fail like a recipient the server rejects; `down` makes opening the connection fail.
"""

from smtplib import SMTPRecipientsRefused

from django.core.mail.backends.locmem import EmailBackend


class RecordingBackend(EmailBackend):
    connections = 0
    tried: list[str] = []  # every address a send was attempted for, in order
    refused: dict[str, Exception] = {}  # address (or "*" for all) → the error the server answers
    down: Exception | None = None

    @classmethod
    def reset(cls) -> None:
        cls.connections, cls.tried, cls.refused, cls.down = 0, [], {}, None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        type(self).connections += 1

    def open(self) -> bool:
        if self.down:
            raise self.down
        return True

    def send_messages(self, messages) -> int:
        for message in messages:
            for address in message.to:
                self.tried.append(address)
                error = self.refused.get(address) or self.refused.get("*")
                if error:
                    raise error
        return super().send_messages(messages)


def refused(address: str) -> SMTPRecipientsRefused:
    return SMTPRecipientsRefused({address: (550, b"5.1.1 mailbox unavailable")})
