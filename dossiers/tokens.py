"""The long signed token in the receipt's QR code: it opens the public, masked lookup of one
dossier without typing the code and PIN. Signed with SECRET_KEY, so it cannot be forged."""

from django.conf import settings
from django.core import signing

SALT = "mocua.dossiers.lookup"
# Kept valid long enough to follow a dossier through to its rating.
MAX_AGE = 2 * 365 * 24 * 3600


def lookup_token(dossier) -> str:
    return signing.dumps({"c": dossier.code, "p": dossier.pin[:2]}, salt=SALT, compress=True)


def code_from_token(token: str) -> str | None:
    """The dossier code, or None for a forged, altered or expired token."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    return data.get("c") if isinstance(data, dict) else None


def lookup_url(dossier) -> str:
    """The address printed as a QR code on the receipt (served by the public lookup page)."""
    return f"{settings.SITE_URL}/tra-cuu/ma/{lookup_token(dossier)}/"
