"""The check of an electronic result's digital signature (PAdES), with pyHanko.

An electronic result carries the competent agency's digital signature and must be intact (Decree
45/2020 Art 14(3)). The signer's certificate is trusted when it chains to one of the operator's
trust anchors: the CA certificates (PEM or DER) in the folder settings.RESULT_TRUST_DIR. Nothing is
fetched from outside (no OCSP, no CRL download): the portal judges the file as the operator's
anchors say, and the verdict is kept with the file.
"""

import datetime as dt
import logging
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from django.conf import settings

from .models import SignatureVerdict

log = logging.getLogger(__name__)
TRUST_SUFFIXES = {".pem", ".crt", ".cer", ".der"}


@dataclass(frozen=True)
class Verified:
    verdict: str  # a SignatureVerdict
    signer: str = ""
    organisation: str = ""
    signed_at: dt.datetime | None = None


def trust_anchors(folder: str | Path | None = None) -> list:
    """The operator's CA certificates (asn1crypto), read from the folder on each check so that an
    anchor added or removed counts at once; a file that is not a certificate is logged and skipped."""
    from pyhanko.keys import load_certs_from_pemder

    path = Path(folder or settings.RESULT_TRUST_DIR)
    if not path.is_dir():
        return []
    anchors = []
    for item in sorted(path.iterdir()):
        if item.suffix.lower() not in TRUST_SUFFIXES:
            continue
        try:
            anchors.extend(load_certs_from_pemder([str(item)]))
        except Exception:  # a stray or broken file must not stop every check
            log.warning("trust anchor %s is not a certificate; skipped", item)
    return anchors


def _name(certificate, field: str) -> str:
    return str(certificate.subject.native.get(field, "") or "")[:255]


def verify_pdf(data: bytes, *, trust_dir: str | Path | None = None) -> Verified:
    """The verdict on a PDF's last signature: unsigned, altered (the bytes signed changed, or the
    file was changed beyond a timestamp after it was signed), signed by a certificate outside the
    trust anchors, or valid. A file pyHanko cannot read as a PDF counts as altered."""
    with warnings.catch_warnings():  # pyHanko imports DSA support, which cryptography deprecates
        warnings.simplefilter("ignore")
        from pyhanko.pdf_utils.misc import PdfError
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.diff_analysis import ModificationLevel
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(BytesIO(data), strict=False).embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError):
        return Verified(SignatureVerdict.ALTERED)
    if not signatures:
        return Verified(SignatureVerdict.UNSIGNED)
    context = ValidationContext(trust_roots=trust_anchors(trust_dir), allow_fetching=False,
                                revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(signatures[-1], context)
    except (PdfError, ValueError, KeyError, TypeError):
        return Verified(SignatureVerdict.ALTERED)
    certificate = status.signing_cert
    found = {"signer": _name(certificate, "common_name"), "organisation": _name(certificate, "organization_name"),
             "signed_at": status.signer_reported_dt}
    changed_after = status.modification_level is not None and status.modification_level > ModificationLevel.LTA_UPDATES
    if not (status.intact and status.valid) or changed_after:
        return Verified(SignatureVerdict.ALTERED, **found)
    if not status.trusted:
        return Verified(SignatureVerdict.UNKNOWN_SIGNER, **found)
    return Verified(SignatureVerdict.VALID, **found)
