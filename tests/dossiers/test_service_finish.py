"""Ending a dossier: dossier_approve (result ready), dossier_return (to the citizen),
dossier_refuse (after appraisal), dossier_withdraw (portal 7), dossier_stop (Mẫu 05)."""

import pytest

from dossiers import services
from dossiers.models import Dossier
from dossiers.workflow import Status
from mocua.errors import DomainError

from .conftest import make_intake, snapshot, vn

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- approve


def test_approve_finishes_handling_and_sends_the_result_to_the_counter(frozen, processing, receptionist,
                                                                        specialist, leader):
    assert (processing.finished_at, processing.timeliness) == (None, "")
    frozen.set(vn(2026, 3, 3, 9, 0))

    dossier = services.dossier_approve(dossier=processing, actor=leader, result_summary=" Giấy khai sinh số 12 ")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.RESULT_READY
    assert (dossier.finished_at, dossier.timeliness) == (frozen.moment, "early")  # due Thu 05/03
    assert dossier.result_summary == "Giấy khai sinh số 12"
    # The result goes back to the officer who received it, at the last step of the plan.
    assert (dossier.holder, dossier.step_index) == (receptionist, 3)
    steps = list(dossier.steps.order_by("pk"))
    assert (steps[1].to_user, steps[1].finished_at) == (specialist, frozen.moment)
    assert (steps[2].step_index, steps[2].step_name, steps[2].from_user, steps[2].to_user) == (
        3, "Trả kết quả", leader, receptionist)
    # Its due: the return step's budget or the appointment, whichever is later.
    assert steps[2].due_at == dossier.step_due_at == vn(2026, 3, 5, 17, 0)
    event = dossier.events.latest("pk")
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "approve", "processing", "result_ready", leader)


# --------------------------------------------------------------------------- return


def test_return_records_who_collected_the_result(frozen, result_ready, receptionist):
    frozen.set(vn(2026, 3, 4, 9, 0))

    dossier = services.dossier_return(dossier=result_ready, actor=receptionist, collected_by=" Trần Thị Bình ",
                                      collected_id_number="038190001234")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.RETURNED
    assert (dossier.collected_by, dossier.collected_id_number) == ("Trần Thị Bình", "038190001234")
    assert (dossier.returned_at, dossier.holder, dossier.step_due_at) == (frozen.moment, None, None)
    last = dossier.steps.latest("pk")
    assert (last.step_name, last.finished_at, last.timeliness) == ("Trả kết quả", frozen.moment, "early")
    assert dossier.steps.filter(finished_at__isnull=True).count() == 0
    event = dossier.events.latest("pk")
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "return", "result_ready", "returned", receptionist)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"collected_by": "  "}, "collected_by"),
    ({"collected_by": "Trần Thị Bình", "collected_id_number": "12345"}, "collected_id_number"),
])
def test_return_refuses_without_a_valid_collector(frozen, result_ready, receptionist, kwargs, field):
    before = snapshot(result_ready)
    with pytest.raises(DomainError) as caught:
        services.dossier_return(dossier=result_ready, actor=receptionist, **kwargs)
    assert caught.value.field == field
    assert snapshot(result_ready) == before


def test_return_by_post_needs_the_tracking_number(frozen, variant, receptionist, leader, specialist):
    intake = make_intake(variant, return_method="post", return_address="12 Lê Lợi, phường Hạc Thành")
    dossier = services.dossier_receive(actor=receptionist, intake=intake)
    dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    dossier = services.dossier_approve(dossier=dossier, actor=leader)
    before = snapshot(dossier)

    with pytest.raises(DomainError) as caught:
        services.dossier_return(dossier=dossier, actor=receptionist, postal_tracking="  ")
    assert caught.value.field == "postal_tracking"
    assert snapshot(dossier) == before

    dossier = services.dossier_return(dossier=dossier, actor=receptionist, postal_tracking="EL123456789VN")
    assert (dossier.status, dossier.postal_tracking, dossier.collected_by) == (Status.RETURNED, "EL123456789VN", "")


# --------------------------------------------------------------------------- refuse, withdraw, stop


@pytest.mark.parametrize(("service", "state", "actor_name", "to"), [
    ("dossier_refuse", "processing", "leader", Status.REFUSED),
    ("dossier_withdraw", "received", "receptionist", Status.WITHDRAWN),
    ("dossier_withdraw", "processing", "receptionist", Status.WITHDRAWN),
    ("dossier_stop", "received", "leader", Status.STOPPED),
    ("dossier_stop", "processing", "leader", Status.STOPPED),
])
def test_closing_moves_end_handling_with_the_reason(frozen, build_dossier, request, service, state, actor_name, to):
    dossier = build_dossier(state)
    holder = dossier.holder
    actor = request.getfixturevalue(actor_name)
    frozen.set(vn(2026, 3, 6, 9, 0))  # after the appointment of Thu 05/03 17:00

    closed = getattr(services, service)(dossier=dossier, actor=actor, reason="  Lý do ghi rõ  ")

    closed = Dossier.objects.get(pk=closed.pk)
    assert closed.status == to
    assert closed.reason == "Lý do ghi rõ"
    assert closed.finished_at == frozen.moment
    if to == Status.REFUSED:  # resolved (Biểu 06), so it is classified against the statutory due
        assert closed.timeliness == "late"
    assert (closed.holder, closed.step_due_at) == (None, None)
    last = closed.steps.latest("pk")
    assert (last.to_user, last.finished_at, last.timeliness) == (holder, frozen.moment, "late")
    assert last.late_seconds > 0
    event = closed.events.latest("pk")
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        service.removeprefix("dossier_"), state, to, actor, "Lý do ghi rõ")


@pytest.mark.parametrize(("service", "actor_name"), [
    ("dossier_refuse", "leader"), ("dossier_withdraw", "receptionist"), ("dossier_stop", "leader")])
def test_closing_moves_need_a_reason(frozen, processing, request, service, actor_name):
    before = snapshot(processing)
    with pytest.raises(DomainError) as caught:
        getattr(services, service)(dossier=processing, actor=request.getfixturevalue(actor_name), reason="   ")
    assert caught.value.field == "reason"
    assert snapshot(processing) == before


def test_stopping_a_waiting_dossier_counts_the_wait(frozen, processing, specialist, leader):
    frozen.set(vn(2026, 3, 2, 10, 0))
    dossier = services.dossier_request_supplement(dossier=processing, actor=specialist, missing_papers=["Tờ khai"],
                                                  reason="Thiếu")
    frozen.set(vn(2026, 3, 3, 10, 0))

    dossier = services.dossier_stop(dossier=dossier, actor=leader, reason="Quá hạn bổ sung")

    assert Dossier.objects.get(pk=dossier.pk).paused_seconds == 27000  # one office day
