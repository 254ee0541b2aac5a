"""The written refusal after appraisal handed to the citizen (issue 23): the competent agency refuses
(services.dossier_refuse); a dossier received at another agency's desk goes back there like a result
(transfers.dossier_transfer, then the desk's counter takes it in), and the desk hands the refusal over,
as it returns a result (across-agencies-vn.md §1.4). A dossier refused where it was received is handed
over at its own counter the same way. The status stays refused; Biểu 06 counted it when it was refused."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from mocua.accounts.models import User

from .models import Dossier
from .services import _finish_step, _lock, _move, handed_to


@transaction.atomic
def dossier_hand_refusal(*, dossier: Dossier, actor: User, collected_by: str = "", collected_id_number: str = "",
                         postal_tracking: str = "", expected_version: int | None = None,
                         now: dt.datetime | None = None) -> Dossier:
    """Hand the written refusal to the citizen: who took it and their ID, or the postal tracking number;
    once (workflow: `refusal_handed_at`; `returned_at` stays a result's). The desk's step holding it ends."""
    dossier = _lock(dossier, expected_version)
    collected_by, postal_tracking = handed_to(dossier, collected_by, collected_id_number, postal_tracking,
                                              "văn bản từ chối")
    now = now or timezone.now()
    dossier.collected_by, dossier.collected_id_number, dossier.postal_tracking = (collected_by, collected_id_number,
                                                                                  postal_tracking)
    _move(dossier, action="hand_refusal", actor=actor, now=now, changes={"refusal_handed_at": now},
          fields=("collected_by", "collected_id_number", "postal_tracking"))
    _finish_step(dossier, now)
    dossier.holder, dossier.step_due_at, dossier.step_started_at = None, None, None
    dossier.save(update_fields=["holder", "step_due_at", "step_started_at"])
    return dossier
