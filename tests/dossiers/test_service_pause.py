"""The clock stops and resumes: dossier_request_supplement / dossier_receive_supplement (Mẫu 02,
once per dossier) and dossier_request_payment / dossier_receive_payment (portal status 6).

The exact due-time arithmetic of a pause is in test_deadlines.py."""

import pytest

from dossiers import services
from dossiers.models import Dossier, DossierDocument
from dossiers.workflow import Status
from mocua.errors import ConflictError, DomainError

from .conftest import snapshot, vn

pytestmark = pytest.mark.django_db


def test_request_supplement_stops_the_clock(frozen, processing, specialist):
    assert (processing.status, processing.supplement_requests, processing.paused_at) == (Status.PROCESSING, 0, None)
    frozen.set(vn(2026, 3, 2, 10, 0))

    dossier = services.dossier_request_supplement(
        dossier=processing, actor=specialist, missing_papers=[" Giấy chứng sinh ", "", "Bản sao CCCD của mẹ"],
        reason=" Thiếu giấy chứng sinh ")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.AWAITING_SUPPLEMENT
    assert dossier.paused_at == frozen.moment
    assert dossier.missing_papers == ["Giấy chứng sinh", "Bản sao CCCD của mẹ"]
    assert (dossier.supplement_requests, dossier.reason) == (1, "Thiếu giấy chứng sinh")
    assert dossier.version == processing.version + 1
    event = dossier.events.latest("pk")
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        "request_supplement", "processing", "awaiting_supplement", specialist, "Thiếu giấy chứng sinh")
    assert event.data == {"missing": ["Giấy chứng sinh", "Bản sao CCCD của mẹ"]}


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"missing_papers": [], "reason": "Thiếu"}, "missing_papers"),
    ({"missing_papers": [" ", ""], "reason": "Thiếu"}, "missing_papers"),
    ({"missing_papers": ["Giấy chứng sinh"], "reason": "  "}, "reason"),
])
def test_request_supplement_refuses_incomplete_input(frozen, processing, specialist, kwargs, field):
    before = snapshot(processing)
    with pytest.raises(DomainError) as caught:
        services.dossier_request_supplement(dossier=processing, actor=specialist, **kwargs)
    assert caught.value.field == field
    assert snapshot(processing) == before


def test_a_second_supplement_request_is_refused(frozen, processing, specialist, receptionist):
    dossier = services.dossier_request_supplement(dossier=processing, actor=specialist,
                                                  missing_papers=["Giấy chứng sinh"], reason="Thiếu")
    dossier = services.dossier_receive_supplement(dossier=dossier, actor=receptionist)
    before = snapshot(dossier)
    assert before["status"] == Status.PROCESSING

    with pytest.raises(ConflictError) as caught:
        services.dossier_request_supplement(dossier=dossier, actor=specialist, missing_papers=["Sổ hộ khẩu"],
                                            reason="Thiếu tiếp")

    assert caught.value.code == "supplement_once"
    assert snapshot(dossier) == before
    assert Dossier.objects.get(pk=dossier.pk).missing_papers == ["Giấy chứng sinh"]


def test_receive_supplement_adds_the_papers_and_restarts_handling(frozen, processing, specialist, receptionist):
    frozen.set(vn(2026, 3, 2, 10, 0))
    dossier = services.dossier_request_supplement(dossier=processing, actor=specialist,
                                                  missing_papers=["Giấy chứng sinh", "Bản sao CCCD"], reason="Thiếu")
    frozen.set(vn(2026, 3, 3, 10, 0))

    dossier = services.dossier_receive_supplement(dossier=dossier, actor=receptionist, note="Đã nhận bản chính")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.PROCESSING
    assert dossier.paused_at is None
    assert dossier.paused_seconds == 7 * 3600 + 1800  # one office day
    papers = DossierDocument.objects.filter(dossier=dossier, kind=DossierDocument.Kind.SUPPLEMENT).order_by("order")
    assert [(p.name, p.added_by) for p in papers] == [("Giấy chứng sinh", receptionist), ("Bản sao CCCD", receptionist)]
    event = dossier.events.latest("pk")
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        "receive_supplement", "awaiting_supplement", "processing", receptionist, "Đã nhận bản chính")
    # A complete supplement restarts the limit (Decree 61/2018 Art 19(4)): 3 working days from Tue 03/03
    # 10:00 are Wed 4, Thu 5, Fri 6 → Fri 06/03 17:00 instead of Thu 05/03 17:00.
    assert event.data == {"waited_seconds": 27000, "old_due_at": "2026-03-05T17:00:00+07:00",
                          "new_due_at": "2026-03-06T17:00:00+07:00"}
    assert dossier.legal_due_at == dossier.due_at == vn(2026, 3, 6, 17, 0)


def test_request_payment_stops_the_clock(frozen, processing, specialist):
    frozen.set(vn(2026, 3, 2, 10, 0))

    dossier = services.dossier_request_payment(dossier=processing, actor=specialist, reason=" Nộp thuế đất ")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.status, dossier.paused_at, dossier.reason) == (
        Status.AWAITING_PAYMENT, frozen.moment, "Nộp thuế đất")
    assert dossier.supplement_requests == 0  # a payment is not a supplement
    event = dossier.events.latest("pk")
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "request_payment", "processing", "awaiting_payment", specialist)


def test_request_payment_needs_a_reason(frozen, processing, specialist):
    before = snapshot(processing)
    with pytest.raises(DomainError) as caught:
        services.dossier_request_payment(dossier=processing, actor=specialist, reason=" ")
    assert caught.value.field == "reason"
    assert snapshot(processing) == before


def test_receive_payment_resumes_the_clock(frozen, processing, specialist, receptionist):
    frozen.set(vn(2026, 3, 2, 10, 0))
    dossier = services.dossier_request_payment(dossier=processing, actor=specialist, reason="Nộp thuế đất")
    due = dossier.legal_due_at
    frozen.set(vn(2026, 3, 2, 14, 0))  # 1 h 30 min + 30 min of office time later

    dossier = services.dossier_receive_payment(dossier=dossier, actor=receptionist, note="Biên lai số 12")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.status, dossier.paused_at, dossier.paused_seconds) == (Status.PROCESSING, None, 7200)
    assert dossier.legal_due_at == dossier.due_at == vn(2026, 3, 6, 9, 30)  # Thu 17:00 + 2 h of office time
    assert due == vn(2026, 3, 5, 17, 0)
    event = dossier.events.latest("pk")
    assert (event.action, event.from_status, event.to_status, event.note, event.data) == (
        "receive_payment", "awaiting_payment", "processing", "Biên lai số 12",
        {"waited_seconds": 7200, "old_due_at": "2026-03-05T17:00:00+07:00", "new_due_at": "2026-03-06T09:30:00+07:00"})


def test_a_payment_and_a_supplement_may_both_happen(frozen, processing, specialist, receptionist):
    dossier = services.dossier_request_payment(dossier=processing, actor=specialist, reason="Nộp thuế")
    dossier = services.dossier_receive_payment(dossier=dossier, actor=receptionist)
    dossier = services.dossier_request_supplement(dossier=dossier, actor=specialist, missing_papers=["Tờ khai"],
                                                  reason="Thiếu")
    assert dossier.status == Status.AWAITING_SUPPLEMENT
