"""dossier_reschedule: the apology with a new appointment (Mẫu 04), Decree 61/2018 Art 19(9): a leader
issues it, at least one working day before the legal due time, with a reason and one new appointment
on a working day within office hours, once; the statutory due stays what statistics judge by.

The calendar of these tests, worked out by hand: Mon 02/03/2026 08:00 is `frozen`'s moment, the
dossier (khai sinh, 3 working days) is due Thu 05/03 17:00; the agency's office time is 07:30–11:30
and 13:30–17:00, 7.5 hours a working day; Sat 07 and Sun 08/03 are the weekend; Thu 30/04/2026 is
Reunification Day (a public holiday)."""

import datetime as dt

import pytest

from dossiers import apology, services
from dossiers.models import Dossier, Message
from mocua.errors import ConflictError, DomainError, ForbiddenError

from .conftest import snapshot, vn

pytestmark = pytest.mark.django_db


def test_reschedule_moves_the_appointment_only(frozen, processing, leader):
    assert processing.due_at == processing.legal_due_at == vn(2026, 3, 5, 17, 0)
    frozen.set(vn(2026, 3, 4, 10, 0))

    dossier = apology.dossier_reschedule(dossier=processing, actor=leader, new_due_at=vn(2026, 3, 10, 17, 0),
                                         reason=" Cần xác minh tại địa phương ")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.due_at == vn(2026, 3, 10, 17, 0)
    assert dossier.legal_due_at == vn(2026, 3, 5, 17, 0)  # statistics keep the statutory due
    assert (dossier.rescheduled_at, dossier.reason) == (frozen.moment, "Cần xác minh tại địa phương")
    assert dossier.version == processing.version + 1
    event = dossier.events.latest("pk")
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        "reschedule", "processing", "processing", leader, "Cần xác minh tại địa phương")
    assert {k: dt.datetime.fromisoformat(v) for k, v in event.data.items()} == {
        "old_due_at": vn(2026, 3, 5, 17, 0), "new_due_at": vn(2026, 3, 10, 17, 0)}


def test_a_second_apology_is_refused(frozen, processing, leader):
    dossier = apology.dossier_reschedule(dossier=processing, actor=leader, new_due_at=vn(2026, 3, 10, 17, 0),
                                         reason="Cần xác minh")
    before = snapshot(dossier)

    with pytest.raises(ConflictError) as caught:
        apology.dossier_reschedule(dossier=dossier, actor=leader, new_due_at=vn(2026, 3, 20, 17, 0),
                                   reason="Cần thêm thời gian")

    assert caught.value.code == "reschedule_once"
    assert snapshot(dossier) == before


@pytest.mark.parametrize("new_due_at", [
    vn(2026, 3, 2, 7, 59),  # before now (Mon 08:00)
    vn(2026, 3, 2, 8, 0),  # now
    vn(2026, 3, 4, 17, 0),  # after now but before the old appointment
    vn(2026, 3, 5, 17, 0),  # the old appointment itself
])
def test_reschedule_refuses_a_time_that_is_not_later(frozen, processing, leader, new_due_at):
    before = snapshot(processing)
    with pytest.raises(DomainError) as caught:
        apology.dossier_reschedule(dossier=processing, actor=leader, new_due_at=new_due_at, reason="Cần xác minh")
    assert caught.value.field == "new_due_at"
    assert snapshot(processing) == before


def test_reschedule_needs_a_reason(frozen, processing, leader):
    before = snapshot(processing)
    with pytest.raises(DomainError) as caught:
        apology.dossier_reschedule(dossier=processing, actor=leader, new_due_at=vn(2026, 3, 10, 17, 0), reason=" ")
    assert caught.value.field == "reason"
    assert snapshot(processing) == before


@pytest.mark.parametrize("who", ["head", "specialist", "receptionist"])
def test_only_a_leader_issues_the_apology(frozen, processing, request, who):
    """Mẫu 04 is signed by the head of the agency: a department head may no longer issue it."""
    before = snapshot(processing)
    with pytest.raises(ForbiddenError):
        apology.dossier_reschedule(dossier=processing, actor=request.getfixturevalue(who),
                                   new_due_at=vn(2026, 3, 10, 17, 0), reason="Cần xác minh")
    assert snapshot(processing) == before
    assert not Message.objects.filter(dossier=processing, key__contains=":rescheduled:").exists()


@pytest.mark.parametrize("moment", [
    vn(2026, 3, 4, 16, 59),  # Wed: 1 minute + Thu's 7.5 h are left, more than one working day
    vn(2026, 3, 5, 7, 30),  # Thu at opening: exactly Thu's 7.5 h are left, one working day
])
def test_an_apology_one_working_day_before_the_due_time_is_in_time(frozen, processing, leader, moment):
    frozen.set(moment)
    dossier = apology.dossier_reschedule(dossier=processing, actor=leader, new_due_at=vn(2026, 3, 10, 17, 0),
                                         reason="Cần xác minh")
    assert Dossier.objects.get(pk=dossier.pk).due_at == vn(2026, 3, 10, 17, 0)


@pytest.mark.parametrize("moment", [
    vn(2026, 3, 5, 7, 31),  # Thu: 7 h 29 min of office time left, less than one working day
    vn(2026, 3, 5, 14, 0),  # the afternoon of the due day
    vn(2026, 3, 5, 17, 1),  # past the due time
    vn(2026, 6, 5, 10, 0),  # three months late, the case of issue 21
])
def test_an_apology_within_the_last_working_day_or_after_the_due_time_is_refused(frozen, processing, leader,
                                                                                  moment):
    frozen.set(moment)
    before = snapshot(processing)

    with pytest.raises(DomainError) as caught:
        apology.dossier_reschedule(dossier=processing, actor=leader, new_due_at=vn(2026, 6, 10, 17, 0),
                                   reason="Cần xác minh")

    assert caught.value.code == "apology_too_late"
    assert "01 ngày làm việc" in caught.value.message and "17:00 05/03/2026" in caught.value.message
    assert snapshot(processing) == before
    assert Dossier.objects.get(pk=processing.pk).rescheduled_at is None
    assert not Message.objects.filter(dossier=processing, key__contains=":rescheduled:").exists()


@pytest.mark.parametrize("new_due_at", [
    vn(2026, 3, 8, 10, 0),  # Sunday
    vn(2026, 3, 7, 9, 0),  # Saturday
    vn(2026, 3, 10, 22, 0),  # Tuesday night (the case of issue 21: a Sunday at 22:00 is refused twice over)
    vn(2026, 3, 10, 12, 30),  # Tuesday's lunch break
    vn(2026, 3, 10, 7, 0),  # before opening
    vn(2026, 4, 30, 10, 0),  # Reunification Day, a Thursday
])
def test_the_new_appointment_is_a_working_day_within_office_hours(frozen, processing, leader, new_due_at):
    before = snapshot(processing)
    with pytest.raises(DomainError) as caught:
        apology.dossier_reschedule(dossier=processing, actor=leader, new_due_at=new_due_at, reason="Cần xác minh")
    assert (caught.value.code, caught.value.field) == ("apology_not_office_time", "new_due_at")
    assert "07:30–11:30, 13:30–17:00" in caught.value.message
    assert snapshot(processing) == before


@pytest.mark.parametrize("new_due_at", [
    vn(2026, 3, 10, 7, 30), vn(2026, 3, 10, 11, 30), vn(2026, 3, 10, 13, 30), vn(2026, 3, 10, 17, 0),
    dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.UTC),
])
def test_appointments_within_the_sessions_are_accepted(frozen, processing, leader, new_due_at):
    """Session ends included; a moment given in UTC is read in Vietnam time (03:00 UTC is 10:00)."""
    dossier = apology.dossier_reschedule(dossier=processing, actor=leader, new_due_at=new_due_at,
                                         reason="Cần xác minh")
    assert Dossier.objects.get(pk=dossier.pk).due_at == new_due_at
    assert Message.objects.filter(dossier=processing, key__contains=":rescheduled:").exists()


def test_while_the_clock_is_stopped_the_time_left_is_the_time_left_when_it_stopped(frozen, processing, specialist,
                                                                                    leader):
    """Supplement asked Wed 04/03 10:00: 1.5 h + 3.5 h (Wed) + 7.5 h (Thu) = 12.5 h were left, more than a
    working day; on Mon 09/03 the citizen is still awaited and the apology is still in time."""
    frozen.set(vn(2026, 3, 4, 10, 0))
    waiting = services.dossier_request_supplement(dossier=processing, actor=specialist, missing_papers=["Tờ khai"],
                                                  reason="Thiếu tờ khai")
    frozen.set(vn(2026, 3, 9, 10, 0))
    dossier = apology.dossier_reschedule(dossier=waiting, actor=leader, new_due_at=vn(2026, 3, 20, 17, 0),
                                         reason="Chờ công dân bổ sung")
    assert Dossier.objects.get(pk=dossier.pk).due_at == vn(2026, 3, 20, 17, 0)
