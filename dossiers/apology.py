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
from mocua.workcalendar import is_working_day, office_hours, working_time_between
from mocua.workcalendar.calendar import VN_TZ

from . import notices
from .models import Dossier
from .services import _check, _lock, _record, _required
from .workflow import CLOCK_STOPPED

TOO_LATE = ("Đã quá thời hạn ban hành văn bản xin lỗi và hẹn lại: phải ban hành chậm nhất 01 ngày làm việc "
            "trước hạn giải quyết ({due:%H:%M %d/%m/%Y}). Hồ sơ được tính là trễ hạn.")
NOT_OFFICE_TIME = ("Ngày giờ hẹn trả mới phải là ngày làm việc, trong giờ hành chính của cơ quan "
                   "({hours}).")


def _working_day_length(agency) -> dt.timedelta:
    return sum((dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)
                for start, end in office_hours(agency)), dt.timedelta())


def issue_in_time(dossier: Dossier, now: dt.datetime) -> bool:
    """Art 19(9): at least one working day of office time before the legal due time (a dossier
    already past it, or within its last working day, is late without an apology). While the clock
    is stopped (supplement, payment) the time left is the time left when it stopped."""
    due, start = dossier.legal_due_at, now
    if dossier.status in CLOCK_STOPPED and dossier.paused_at is not None:
        start = min(now, dossier.paused_at)
    return due is None or working_time_between(start, due, dossier.agency) >= _working_day_length(dossier.agency)


def in_office_hours(moment: dt.datetime, agency) -> bool:
    """A working day of the work calendar, within one of the agency's two sessions (ends included:
    17:00 is the usual appointment)."""
    local = moment.astimezone(VN_TZ)
    return is_working_day(local.date()) and any(start <= local.time() <= end for start, end in office_hours(agency))


def _hours_text(agency) -> str:
    return ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in office_hours(agency))


@transaction.atomic
def dossier_reschedule(*, dossier: Dossier, actor: User, new_due_at: dt.datetime, reason: str,
                       expected_version: int | None = None, now: dt.datetime | None = None) -> Dossier:
    """Apologise and give one new appointment (Mẫu 04), signed by the head of the agency (a leader),
    at least one working day before the legal due time, which stays what statistics judge by."""
    dossier = _lock(dossier, expected_version)
    _check(dossier, "reschedule", actor)  # while handled, once only, a leader (workflow and permissions)
    reason = _required(reason, "Cần nêu lý do chậm trả kết quả.", "reason")
    now = now or timezone.now()
    if not issue_in_time(dossier, now):
        raise DomainError(TOO_LATE.format(due=timezone.localtime(dossier.legal_due_at, VN_TZ)),
                          code="apology_too_late")
    if new_due_at <= now or (dossier.due_at and new_due_at <= dossier.due_at):
        raise DomainError("Ngày hẹn mới phải sau thời điểm hiện tại và sau ngày hẹn cũ.", field="new_due_at")
    if not in_office_hours(new_due_at, dossier.agency):
        raise DomainError(NOT_OFFICE_TIME.format(hours=_hours_text(dossier.agency)), field="new_due_at",
                          code="apology_not_office_time")
    old = dossier.due_at
    dossier.due_at, dossier.rescheduled_at, dossier.version = new_due_at, now, dossier.version + 1
    _record(dossier, action="reschedule", to=dossier.status, actor=actor, now=now, note=reason,
            old_due_at=old.isoformat() if old else None, new_due_at=new_due_at.isoformat())
    dossier.reason = reason
    ensure_fits(dossier, fields=("reason",))
    dossier.save(update_fields=["due_at", "rescheduled_at", "reason", "version", "updated_at"])
    notices.applicant_rescheduled(dossier)
    return dossier
