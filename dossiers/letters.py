"""The friendly letters to citizens ("Một cửa thân thiện", across-agencies-vn.md §7): a congratulation
with a birth or marriage registration, a condolence with a death registration. Local practice, not
law: the letter is not a legal form and stays outside the Mẫu 01–07 numbering.

A procedure is tagged with its kind of letter (Procedure.letter); each agency keeps its own texts
(LetterTemplate, edited in the admin with a preview). When the result is ready the counter prints
the letter with it (documents.letter_pdf), records that it was handed over (results.dossier_hand_letter),
and the citizen gets it by e-mail when there is an address (here, written to the outbox with the
approval).
"""

from django.utils import timezone

from .models import Dossier, LetterTemplate
from .outbox import outbox_add


class _Blank(dict):
    """Placeholders the text does not know stay as typed, rather than breaking the letter."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def letter_for(dossier: Dossier) -> LetterTemplate | None:
    """The agency's active letter for the dossier's procedure, if it has one (one query; none if the
    procedure has no letter)."""
    kind = dossier.procedure.letter
    if not kind:
        return None
    return LetterTemplate.objects.filter(agency_id=dossier.agency_id, kind=kind, is_active=True).first()


def letter_text(template: LetterTemplate, *, name: str, event: str, day) -> str:
    """The body with the citizen's name, the event and the day filled in."""
    values = _Blank(ho_ten=name, su_kien=event.lower() if event else "",
                    ngay=f"{timezone.localtime(day):%d/%m/%Y}" if day else "")
    return template.body.format_map(values)


def dossier_letter(dossier: Dossier) -> tuple[LetterTemplate, str] | None:
    found = letter_for(dossier)
    if found is None:
        return None
    return found, letter_text(found, name=dossier.owner_display, event=dossier.procedure_name,
                              day=dossier.finished_at)


def applicant_letter(dossier: Dossier) -> int:
    """With the approval: the letter by e-mail when the citizen gave an address (in the approval's
    transaction, through the outbox). Returns the messages written."""
    found = dossier_letter(dossier) if dossier.applicant_email else None
    if found is None:
        return 0
    template, text = found
    body = f"{text}\n\n{template.signer_title.upper()}\n{template.signer_name}\n{dossier.agency.name}"
    written = outbox_add(key=f"citizen:{dossier.pk}:letter:email", channel="email", address=dossier.applicant_email,
                         subject=f"{template.title} – {dossier.agency.name}", body=body, dossier=dossier)
    return int(written is not None)
