"""Forms handed to citizens kept as records (issue 21, item 9): Mẫu 01–05 of a dossier and the
counter's Mẫu 02 for a request not accepted.

A form is issued at its first print after the move that makes it due, not in the move itself: the
move's transaction stays free of a half-second render under the dossier's lock, the API's moves that
nobody prints pay nothing, and the record is the paper the citizen actually got. The record keeps
the PDF bytes, their SHA-256, the issuer and the moment, and a copy marked "Bản in lại"
(documents.mark_reprint) made in the same go, so that every later print is a file read, never a
new rendering of data that may have changed since (docs/legal.md, row 9).

Which move a form belongs to is its audit row: a second supplement request is a new event, so its
Mẫu 02 is a new record; a re-print of the first one still serves the first. Mẫu 06 (control slip)
and 07 (register) are internal and stay live renderings.

The same habits as dossiers.services: one function per operation, one transaction, the row locked,
`now`. The IssuedForm row is itself the audit record (append-only in PostgreSQL).
"""

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from mocua.accounts.models import User

from . import documents
from .models import Dossier, DossierEvent, IntakeGuidance, IssuedForm

# The moves whose audit row a form answers (documents.py reads the same rows for the form's text).
SOURCES = {
    "01": ("receive", "accept_online"),
    "02": ("request_supplement",),
    "03": ("refuse_intake", "reject_online", "refuse"),
    "04": ("reschedule",),
    "05": ("stop",),
}
RENDER = {
    "01": documents.receipt_pdf,
    "02": documents.supplement_pdf,
    "03": documents.refusal_pdf,
    "04": documents.apology_pdf,
    "05": documents.stop_notice_pdf,
}


def source_event(dossier: Dossier, number: str) -> DossierEvent | None:
    """The latest audit row of the move that made form `number` due, from the prefetched events."""
    return next((e for e in reversed(dossier.events.all()) if e.action in SOURCES[number]), None)


def issued_for(dossier: Dossier, number: str, event: DossierEvent | None) -> IssuedForm | None:
    return IssuedForm.objects.filter(dossier=dossier, number=number, event=event).first()


def issued_list(dossier: Dossier) -> list[IssuedForm]:
    """What was handed to the citizen, oldest first, with the issuers (one query)."""
    return list(dossier.issued_forms.select_related("issued_by").order_by("issued_at", "pk"))


def read_reprint(issued: IssuedForm) -> bytes:
    with issued.reprint_file.open("rb") as stored:
        return stored.read()


def _store(issued: IssuedForm, pdf: bytes, stem: str) -> IssuedForm:
    issued.sha256 = hashlib.sha256(pdf).hexdigest()
    issued.size = len(pdf)
    issued.file.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    issued.reprint_file.save(f"{stem}-in-lai.pdf", ContentFile(documents.mark_reprint(pdf)), save=False)
    issued.save()
    return issued


@transaction.atomic
def form_issue(*, dossier: Dossier, number: str, event: DossierEvent | None, pdf: bytes, actor: User,
               now: dt.datetime | None = None) -> tuple[IssuedForm, bool]:
    """Keep `pdf`, form `number` of `dossier` as first printed for `event`; (record, created).

    The dossier's row is locked so that two officers printing at once make one record: the second
    gets the first one's record (and prints it as a re-print).
    """
    now = now or timezone.now()
    Dossier.objects.select_for_update().only("pk").get(pk=dossier.pk)
    found = issued_for(dossier, number, event)
    if found:
        return found, False
    issued = IssuedForm(dossier=dossier, event=event, number=number, issued_by=actor, issued_at=now)
    stem = f"mau-{number}-{dossier.code}-{now:%Y%m%d%H%M%S}"
    issued = _store(issued, pdf, stem)
    if number == IssuedForm.Number.RECEIPT and dossier.pin:
        # The receipt now keeps the clear PIN for its re-prints; the table keeps its hash only.
        Dossier.objects.filter(pk=dossier.pk).update(pin="")
        dossier.pin = ""
    return issued, True


@transaction.atomic
def guidance_form_issue(*, guidance: IntakeGuidance, pdf: bytes, actor: User,
                        now: dt.datetime | None = None) -> tuple[IssuedForm, bool]:
    """Keep `pdf`, the counter's Mẫu 02 for `guidance`, as first printed; (record, created)."""
    now = now or timezone.now()
    IntakeGuidance.objects.select_for_update().only("pk").get(pk=guidance.pk)
    found = IssuedForm.objects.filter(guidance=guidance).first()
    if found:
        return found, False
    issued = IssuedForm(guidance=guidance, number=IssuedForm.Number.SUPPLEMENT, issued_by=actor, issued_at=now)
    return _store(issued, pdf, f"mau-02-huong-dan-{guidance.pk}-{now:%Y%m%d%H%M%S}"), True


# --------------------------------------------------------------------------- printing


def dossier_form_print(*, dossier: Dossier, number: str, actor: User,
                       now: dt.datetime | None = None) -> tuple[bytes, bool]:
    """The PDF of form `number` (01–05) to hand over now, and whether it is a re-print.

    `dossier` as selectors.dossier_get_for_officer loads it (the forms read its prefetched rows).
    The first print renders and keeps the form; every later one reads the marked copy.
    """
    event = source_event(dossier, number)
    found = issued_for(dossier, number, event)
    if found:
        return read_reprint(found), True
    pdf = RENDER[number](dossier)
    issued, created = form_issue(dossier=dossier, number=number, event=event, pdf=pdf, actor=actor, now=now)
    return (pdf, False) if created else (read_reprint(issued), True)


def guidance_form_print(*, guidance: IntakeGuidance, actor: User, now: dt.datetime | None = None) -> tuple[bytes, bool]:
    """The counter's Mẫu 02 for `guidance`, and whether it is a re-print (as dossier_form_print)."""
    found = IssuedForm.objects.filter(guidance=guidance).first()
    if found:
        return read_reprint(found), True
    pdf = documents.guidance_pdf(guidance)
    issued, created = guidance_form_issue(guidance=guidance, pdf=pdf, actor=actor, now=now)
    return (pdf, False) if created else (read_reprint(issued), True)
