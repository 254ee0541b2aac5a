"""Mẫu 04: the apology with one new appointment (Decree 61/2018 Art 19(9), kept by Decree 118/2025).

A module of its own, in the manner of dossiers.services (that one is at its size limit): one
transaction, the dossier's row locked, the checks before any change, one audit row, and `now`.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from mocua.accounts.models import User
from mocua.errors import DomainError
from mocua.inputs import ensure_fits

from . import notices
from .models import Dossier
from .services import _check, _lock, _record, _required


@transaction.atomic
def dossier_reschedule(*, dossier: Dossier, actor: User, new_due_at: dt.datetime, reason: str,
                       expected_version: int | None = None, now: dt.datetime | None = None) -> Dossier:
    """Apologise and give a new appointment (Mẫu 04), once. The statutory due time is kept."""
    dossier = _lock(dossier, expected_version)
    _check(dossier, "reschedule", actor)  # while handled, once only (the workflow row)
    reason = _required(reason, "Cần nêu lý do chậm trả kết quả.", "reason")
    now = now or timezone.now()
    if new_due_at <= now or (dossier.due_at and new_due_at <= dossier.due_at):
        raise DomainError("Ngày hẹn mới phải sau thời điểm hiện tại và sau ngày hẹn cũ.", field="new_due_at")
    old = dossier.due_at
    dossier.due_at, dossier.rescheduled_at, dossier.version = new_due_at, now, dossier.version + 1
    _record(dossier, action="reschedule", to=dossier.status, actor=actor, now=now, note=reason,
            old_due_at=old.isoformat() if old else None, new_due_at=new_due_at.isoformat())
    dossier.reason = reason
    ensure_fits(dossier, fields=("reason",))
    dossier.save(update_fields=["due_at", "rescheduled_at", "reason", "version", "updated_at"])
    notices.applicant_rescheduled(dossier)
    return dossier
