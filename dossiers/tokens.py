"""The long signed token in the receipt's QR code: it opens the public, masked lookup of one
dossier without typing the code and PIN. Signed with SECRET_KEY, so it cannot be forged.

A signed token is readable (base64), not secret: it carries the code and a keyed digest of
the PIN's stored hash, never PIN characters, so a token seen in a log does not shorten the PIN to
guess; made from the hash, it can be made and checked once the clear PIN is gone (dossiers.pins).
"""

import re

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

SALT = "mocua.dossiers.lookup"
# Kept valid long enough to follow a dossier through to its rating.
MAX_AGE = 2 * 365 * 24 * 3600


def pin_tag(pin_hash: str) -> str:
    """A short keyed digest of the PIN's stored hash: binds the token to the PIN it was printed with."""
    return salted_hmac(SALT, pin_hash).hexdigest()[:16]


def lookup_token(dossier) -> str:
    return signing.dumps({"c": dossier.code, "p": pin_tag(dossier.pin_hash)}, salt=SALT, compress=True)


def token_claims(token: str) -> tuple[str, str] | None:
    """(dossier code, PIN digest), or None for a forged, altered or expired token."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), str) or not isinstance(data.get("p"), str):
        return None
    return data["c"], data["p"]


def code_from_token(token: str) -> str | None:
    """The dossier code, or None for a forged, altered or expired token."""
    claims = token_claims(token)
    return claims[0] if claims else None


def lookup_url(dossier) -> str:
    """The address printed as a QR code on the receipt (served by the public lookup page)."""
    return f"{settings.SITE_URL}/tra-cuu/ma/{lookup_token(dossier)}/"


# The secrets a message to the citizen carries: the PIN after its label, and the token in the lookup
# link. The outbox drops both from a message's stored text once it is delivered (outbox.redact).
PIN_LABEL = "Mã tra cứu: "
_SECRETS = re.compile(re.escape(PIN_LABEL) + r"[0-9A-Z]+|/tra-cuu/ma/[0-9A-Za-z_\-:.]+/")


def pin_text(pin: str) -> str:
    return f"{PIN_LABEL}{pin}"


def redact(text: str) -> str:
    """The text without the PIN and the lookup token (both replaced by a visible mark)."""
    return _SECRETS.sub(lambda m: f"{PIN_LABEL}[đã ẩn]" if m.group().startswith(PIN_LABEL)
                        else "/tra-cuu/ma/[đã ẩn]/", text)
