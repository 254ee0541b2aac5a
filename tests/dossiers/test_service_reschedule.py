"""dossier_reschedule: the apology with a new appointment (Mẫu 04), once; the statutory due stays."""

import datetime as dt

import pytest

from dossiers import apology
from dossiers.models import Dossier
from mocua.errors import ConflictError, DomainError, ForbiddenError

from .conftest import snapshot, vn

pytestmark = pytest.mark.django_db


def test_reschedule_moves_the_appointment_only(frozen, processing, head):
    assert processing.due_at == processing.legal_due_at == vn(2026, 3, 5, 17, 0)
    frozen.set(vn(2026, 3, 5, 10, 0))

    dossier = apology.dossier_reschedule(dossier=processing, actor=head, new_due_at=vn(2026, 3, 10, 17, 0),
                                          reason=" Cần xác minh tại địa phương ")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.due_at == vn(2026, 3, 10, 17, 0)
    assert dossier.legal_due_at == vn(2026, 3, 5, 17, 0)  # statistics keep the statutory due
    assert (dossier.rescheduled_at, dossier.reason) == (frozen.moment, "Cần xác minh tại địa phương")
    assert dossier.version == processing.version + 1
    event = dossier.events.latest("pk")
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        "reschedule", "processing", "processing", head, "Cần xác minh tại địa phương")
    assert {k: dt.datetime.fromisoformat(v) for k, v in event.data.items()} == {
        "old_due_at": vn(2026, 3, 5, 17, 0), "new_due_at": vn(2026, 3, 10, 17, 0)}


def test_a_second_apology_is_refused(frozen, processing, head, leader):
    dossier = apology.dossier_reschedule(dossier=processing, actor=head, new_due_at=vn(2026, 3, 10, 17, 0),
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
def test_reschedule_refuses_a_time_that_is_not_later(frozen, processing, head, new_due_at):
    before = snapshot(processing)
    with pytest.raises(DomainError) as caught:
        apology.dossier_reschedule(dossier=processing, actor=head, new_due_at=new_due_at, reason="Cần xác minh")
    assert caught.value.field == "new_due_at"
    assert snapshot(processing) == before


def test_reschedule_needs_a_reason(frozen, processing, head):
    before = snapshot(processing)
    with pytest.raises(DomainError) as caught:
        apology.dossier_reschedule(dossier=processing, actor=head, new_due_at=vn(2026, 3, 10, 17, 0), reason=" ")
    assert caught.value.field == "reason"
    assert snapshot(processing) == before


@pytest.mark.parametrize("who", ["specialist", "receptionist"])
def test_only_managers_reschedule(frozen, processing, request, who):
    before = snapshot(processing)
    with pytest.raises(ForbiddenError):
        apology.dossier_reschedule(dossier=processing, actor=request.getfixturevalue(who),
                                    new_due_at=vn(2026, 3, 10, 17, 0), reason="Cần xác minh")
    assert snapshot(processing) == before
