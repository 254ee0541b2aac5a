"""The dossier's PIN, a password: made here, kept at rest as a keyed hash (HMAC-SHA256 with
`PIN_KEY`), checked in constant time. The rate limits of the public lookup stop guessing, so a
keyed hash is enough (no slow password hash: a lookup stays a few milliseconds).

The clear PIN lives only where it must be shown once (docs/security.md):
- the instance a service has just created carries it in memory (`Dossier.new_pin`) for the first
  message, the online submission's page and the API's intake answer;
- a dossier received at the counter (or through the API) keeps it in `Dossier.pin` until its receipt
  (Mẫu 01) is first issued (dossiers.issued.form_issue blanks it), or PIN_CLEAR_HOURS have passed
  (pins_forget_unprinted, hourly: a receipt never printed, e.g. an intake by another counter system
  that got the PIN in the API's answer); an online dossier never stores it.
"""

import datetime as dt
import hmac
import logging
import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Dossier

logger = logging.getLogger(__name__)
# Unambiguous characters for the PIN printed on the receipt (no 0/O, 1/I/L).
PIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PIN_LENGTH = 8
SALT = "mocua.dossiers.pin"
# What no PIN hashes to: the stored hash compared when a code is unknown (same work either way).
ABSENT_HASH = "#" * 64


def new_pin() -> str:
    return "".join(secrets.choice(PIN_ALPHABET) for _ in range(PIN_LENGTH))


def normalise(pin: str) -> str:
    """As the citizen may type it: spaces around, small letters."""
    return (pin or "").strip().upper()[:20]


def pin_hash(pin: str) -> str:
    """The keyed hash kept at rest. The key is `PIN_KEY` (by default derived from SECRET_KEY): the
    bench's seed and the server must share it, and changing it voids every PIN."""
    return salted_hmac(SALT, pin, secret=settings.PIN_KEY or settings.SECRET_KEY, algorithm="sha256").hexdigest()


def pin_matches(pin: str, stored_hash: str) -> bool:
    """Constant time: the comparison does not tell how much of the hash matched."""
    return hmac.compare_digest(pin_hash(normalise(pin)).encode(), (stored_hash or ABSENT_HASH).encode())


def pins_forget_unprinted(*, now: dt.datetime | None = None) -> int:
    """Blank the clear PIN of dossiers received more than PIN_CLEAR_HOURS ago whose receipt was never
    printed; the keyed hash stays, so the citizen's PIN keeps working. A later first print says the
    PIN was given at intake. One UPDATE; running twice changes nothing."""
    now = now or timezone.now()
    done = (Dossier.objects.filter(received_at__lt=now - dt.timedelta(hours=settings.PIN_CLEAR_HOURS))
            .exclude(pin="").update(pin=""))
    logger.info("clear PINs forgotten count=%d", done)
    return done
