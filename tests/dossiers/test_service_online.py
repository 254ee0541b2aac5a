"""An online submission at the counter: dossier_accept_online (the clock starts at acceptance),
dossier_reject_online (with the reason), withdrawal, and every move that is illegal from
"submitted" or that only "submitted" allows. The submission is made by dossier_submit_online."""

import pytest

from dossiers import apology, selectors, services
from dossiers.models import Dossier
from dossiers.workflow import InvalidTransition, Status
from mocua.errors import ConflictError, DomainError, ForbiddenError

from .conftest import BUILDABLE_STATES, snapshot, vn
from .test_service_moves import SERVICE_ACTIONS, _call

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(frozen, submit_online):
    frozen.set(vn(2026, 3, 1, 21, 0))  # Sunday evening, from home
    return submit_online()


def test_submission_waits_for_the_counter_without_a_clock(submitted, receptionist):
    dossier = Dossier.objects.get(pk=submitted.pk)
    assert (dossier.status, dossier.channel, dossier.submitted_at) == (Status.SUBMITTED, "online", vn(2026, 3, 1, 21))
    assert (dossier.received_at, dossier.legal_due_at, dossier.due_at, dossier.holder) == (None, None, None, None)
    assert dossier.steps.count() == 0
    assert [d.code for d in selectors.dossier_counter_queue(user=receptionist)] == [dossier.code]


def test_accept_online_starts_the_clock_at_acceptance(frozen, submitted, receptionist):
    frozen.set(vn(2026, 3, 2, 9, 0))

    dossier = services.dossier_accept_online(dossier=submitted, actor=receptionist,
                                             expected_version=submitted.version)

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.RECEIVED
    assert dossier.received_at == vn(2026, 3, 2, 9, 0)
    assert dossier.legal_due_at == dossier.due_at == vn(2026, 3, 5, 17, 0)  # Tue, Wed, Thu
    assert (dossier.holder, dossier.step_index) == (receptionist, 0)
    step = dossier.steps.get()
    assert (step.from_user, step.to_user, step.started_at) == (receptionist, receptionist, frozen.moment)
    assert step.due_at == vn(2026, 3, 2, 16, 37, 30)  # 2 h 30 min + 3 h 07 min 30 s
    assert dossier.version == submitted.version + 1
    event = dossier.events.latest("pk")
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "accept_online", "submitted", "received", receptionist)
    assert list(selectors.dossier_counter_queue(user=receptionist)) == []


def test_an_accepted_online_dossier_goes_all_the_way(frozen, submitted, receptionist, specialist, leader):
    dossier = services.dossier_accept_online(dossier=submitted, actor=receptionist)
    dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    dossier = services.dossier_approve(dossier=dossier, actor=leader)
    # The result waits on the desk of the officer who accepted the submission, not on nobody's.
    assert dossier.holder == receptionist == dossier.created_by
    assert dossier.steps.latest("pk").to_user == receptionist
    dossier = services.dossier_return(dossier=dossier, actor=receptionist, collected_by="Lê Văn Cường")
    assert dossier.status == Status.RETURNED


def test_reject_online_records_the_reason(frozen, submitted, receptionist):
    frozen.set(vn(2026, 3, 2, 9, 0))

    dossier = services.dossier_reject_online(dossier=submitted, actor=receptionist, reason=" Tờ khai không đọc được ")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.status, dossier.reason, dossier.finished_at) == (
        Status.REFUSED, "Tờ khai không đọc được", frozen.moment)
    assert (dossier.received_at, dossier.timeliness) == (None, "")
    event = dossier.events.latest("pk")
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        "reject_online", "submitted", "refused", receptionist, "Tờ khai không đọc được")


def test_reject_online_needs_a_reason(submitted, receptionist):
    before = snapshot(submitted)
    with pytest.raises(DomainError) as caught:
        services.dossier_reject_online(dossier=submitted, actor=receptionist, reason="  ")
    assert caught.value.field == "reason"
    assert snapshot(submitted) == before


def test_withdraw_a_submission(frozen, submitted, receptionist):
    dossier = services.dossier_withdraw(dossier=submitted, actor=receptionist, reason="Nộp nhầm thủ tục")
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.status, dossier.finished_at, dossier.timeliness) == (Status.WITHDRAWN, frozen.moment, "")
    event = dossier.events.latest("pk")
    assert (event.action, event.from_status, event.to_status) == ("withdraw", "submitted", "withdrawn")


@pytest.mark.parametrize("action", [a for a in SERVICE_ACTIONS if a != "withdraw"])
def test_only_accept_reject_or_withdraw_from_submitted(submitted, receptionist, specialist, head, leader, action):
    people = {"receptionist": receptionist, "specialist": specialist, "head": head, "leader": leader}
    before = snapshot(submitted)

    with pytest.raises(InvalidTransition):
        _call(action, submitted, leader, people)

    assert snapshot(submitted) == before


def test_no_apology_before_acceptance(submitted, leader):
    before = snapshot(submitted)
    with pytest.raises(ConflictError) as caught:
        apology.dossier_reschedule(dossier=submitted, actor=leader, new_due_at=vn(2026, 3, 20, 17), reason="Xin lỗi")
    assert caught.value.code == "invalid_transition"
    assert snapshot(submitted) == before


@pytest.mark.parametrize("state", BUILDABLE_STATES)
@pytest.mark.parametrize("service", ["dossier_accept_online", "dossier_reject_online"])
def test_accept_and_reject_only_from_submitted(frozen, build_dossier, leader, state, service):
    dossier = build_dossier(state)
    before = snapshot(dossier)
    kwargs = {"reason": "Không hợp lệ"} if service == "dossier_reject_online" else {}

    with pytest.raises(InvalidTransition):
        getattr(services, service)(dossier=dossier, actor=leader, **kwargs)

    assert snapshot(dossier) == before


def test_accepting_twice_from_the_same_page_is_refused(submitted, receptionist, leader):
    read_version = submitted.version
    services.dossier_accept_online(dossier=submitted, actor=receptionist, expected_version=read_version)
    before = snapshot(submitted)

    with pytest.raises(ConflictError) as caught:
        services.dossier_accept_online(dossier=submitted, actor=leader, expected_version=read_version)

    assert caught.value.code == "stale_version"
    assert snapshot(submitted) == before


@pytest.mark.parametrize("service", ["dossier_accept_online", "dossier_reject_online"])
def test_a_specialist_or_another_agency_cannot_accept_or_reject(submitted, specialist, other_officer, service):
    before = snapshot(submitted)
    kwargs = {"reason": "Không hợp lệ"} if service == "dossier_reject_online" else {}
    for actor in (specialist, other_officer):
        with pytest.raises(ForbiddenError):
            getattr(services, service)(dossier=submitted, actor=actor, **kwargs)
    assert snapshot(submitted) == before
