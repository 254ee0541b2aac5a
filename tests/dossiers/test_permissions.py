"""Who may make which move (dossiers.permissions), checked through the real services: a refused
actor gets ForbiddenError and the dossier does not change."""

import pytest

from dossiers import apology, permissions, services
from mocua.accounts.models import Role
from mocua.errors import ForbiddenError

from ..factories import UserFactory
from .conftest import snapshot, vn

pytestmark = pytest.mark.django_db


def _call(action, dossier, actor, to_user=None):
    calls = {
        "hand_over": lambda: services.dossier_hand_over(dossier=dossier, actor=actor, to_user=to_user),
        "request_supplement": lambda: services.dossier_request_supplement(
            dossier=dossier, actor=actor, missing_papers=["Tờ khai"], reason="Thiếu"),
        "receive_supplement": lambda: services.dossier_receive_supplement(dossier=dossier, actor=actor),
        "request_payment": lambda: services.dossier_request_payment(dossier=dossier, actor=actor, reason="Nộp thuế"),
        "receive_payment": lambda: services.dossier_receive_payment(dossier=dossier, actor=actor),
        "approve": lambda: services.dossier_approve(dossier=dossier, actor=actor),
        "refuse": lambda: services.dossier_refuse(dossier=dossier, actor=actor, reason="Không đủ điều kiện"),
        "return": lambda: services.dossier_return(dossier=dossier, actor=actor, collected_by="Trần Thị Bình"),
        "withdraw": lambda: services.dossier_withdraw(dossier=dossier, actor=actor, reason="Xin rút"),
        "stop": lambda: services.dossier_stop(dossier=dossier, actor=actor, reason="Dừng"),
        "reschedule": lambda: apology.dossier_reschedule(dossier=dossier, actor=actor,
                                                          new_due_at=vn(2026, 3, 20, 17, 0), reason="Xin lỗi"),
    }
    return calls[action]()


# (action, state where it is legal, role refused) — every refusal in permissions.RULES
REFUSED = [
    ("approve", "processing", "specialist"),
    ("approve", "processing", "reception"),
    ("refuse", "processing", "specialist"),
    ("refuse", "processing", "reception"),
    ("stop", "processing", "head"),
    ("stop", "processing", "specialist"),
    ("stop", "processing", "reception"),
    ("reschedule", "processing", "head"),  # Mẫu 04 is signed by the head of the agency
    ("reschedule", "processing", "specialist"),
    ("reschedule", "processing", "reception"),
    ("withdraw", "processing", "specialist"),
    ("hand_over", "processing", "reception"),  # not the holder, not a manager
    ("request_supplement", "processing", "reception"),
    ("request_payment", "processing", "reception"),
    ("return", "result_ready", "specialist"),  # not the counter, not the holder
    ("receive_supplement", "awaiting_supplement", "other_specialist"),
    ("receive_payment", "awaiting_payment", "other_specialist"),
]


@pytest.fixture
def actor_of(agency):
    def make(role):
        if role == "other_specialist":  # a specialist of the agency who does not hold the dossier
            return UserFactory(agency=agency, role=Role.SPECIALIST)
        return UserFactory(agency=agency, role=role)
    return make


@pytest.mark.parametrize(("action", "state", "role"), REFUSED)
def test_a_role_without_the_right_is_refused(frozen, build_dossier, actor_of, head, action, state, role):
    dossier = build_dossier(state)
    before = snapshot(dossier)

    with pytest.raises(ForbiddenError) as caught:
        _call(action, dossier, actor_of(role), to_user=head)

    assert caught.value.code == "forbidden"
    assert snapshot(dossier) == before


def test_a_specialist_cannot_approve(frozen, processing, specialist):
    before = snapshot(processing)
    assert processing.holder == specialist  # even the officer holding it
    with pytest.raises(ForbiddenError):
        services.dossier_approve(dossier=processing, actor=specialist)
    assert snapshot(processing) == before


def test_only_a_leader_stops(frozen, processing, leader):
    dossier = services.dossier_stop(dossier=processing, actor=leader, reason="Có văn bản yêu cầu dừng")
    assert dossier.status == "stopped"


OTHER_AGENCY = [
    ("hand_over", "received"), ("hand_over", "processing"), ("request_supplement", "processing"),
    ("receive_supplement", "awaiting_supplement"), ("request_payment", "processing"),
    ("receive_payment", "awaiting_payment"), ("approve", "processing"), ("refuse", "processing"),
    ("return", "result_ready"), ("withdraw", "processing"), ("stop", "processing"), ("reschedule", "processing"),
]


@pytest.mark.parametrize(("action", "state"), OTHER_AGENCY)
def test_an_officer_of_another_agency_cannot_move_the_dossier(frozen, build_dossier, other_officer, head,
                                                              action, state):
    assert other_officer.role == Role.LEADER  # every right, in the wrong agency
    dossier = build_dossier(state)
    before = snapshot(dossier)

    with pytest.raises(ForbiddenError):
        _call(action, dossier, other_officer, to_user=head)

    assert snapshot(dossier) == before


@pytest.mark.parametrize("change", ["inactive", "no_agency", "no_role"])
def test_someone_who_is_not_an_officer_cannot_move_the_dossier(frozen, processing, leader, head, change):
    if change == "inactive":
        leader.is_active = False
    elif change == "no_agency":
        leader.agency = None
    else:
        leader.role = ""
    leader.save()
    before = snapshot(processing)

    with pytest.raises(ForbiddenError):
        services.dossier_approve(dossier=processing, actor=leader)

    assert snapshot(processing) == before


def test_the_holder_hands_over_and_managers_may_too(frozen, processing, specialist, head, leader):
    dossier = services.dossier_hand_over(dossier=processing, actor=specialist, to_user=head)
    dossier = services.dossier_hand_over(dossier=dossier, actor=leader, to_user=specialist)  # leader does not hold it
    assert dossier.holder == specialist


# --------------------------------------------------------------------------- allowed_actions (the page's buttons)


@pytest.mark.parametrize(("state", "who", "expected"), [
    ("received", "receptionist", ["hand_over", "withdraw"]),
    ("received", "specialist", []),
    ("received", "leader", ["hand_over", "withdraw", "stop", "reschedule"]),
    ("processing", "specialist", ["hand_over", "request_supplement", "request_payment"]),
    ("processing", "head", ["hand_over", "request_supplement", "request_payment", "approve", "refuse", "withdraw"]),
    ("processing", "leader", ["hand_over", "request_supplement", "request_payment", "approve", "refuse", "withdraw",
                              "stop", "reschedule"]),
    ("processing", "receptionist", ["withdraw"]),
    ("awaiting_supplement", "receptionist", ["receive_supplement", "withdraw"]),
    ("awaiting_supplement", "specialist", ["receive_supplement"]),  # still the holder
    ("result_ready", "receptionist", ["return"]),
    ("result_ready", "specialist", []),
    ("result_ready", "leader", ["return", "attach_result"]),  # a signed electronic result once approved (issue 24)
    ("returned", "leader", ["attach_result"]),
    ("returned", "receptionist", []),
])
def test_allowed_actions_are_the_buttons_the_officer_may_press(frozen, build_dossier, request, state, who, expected):
    dossier = build_dossier(state)
    assert permissions.allowed_actions(request.getfixturevalue(who), dossier) == expected


def test_allowed_actions_hide_a_second_supplement_and_a_second_apology(frozen, processing, specialist, leader,
                                                                        receptionist):
    dossier = services.dossier_request_supplement(dossier=processing, actor=specialist, missing_papers=["Tờ khai"],
                                                  reason="Thiếu")
    dossier = services.dossier_receive_supplement(dossier=dossier, actor=receptionist)
    dossier = apology.dossier_reschedule(dossier=dossier, actor=leader, new_due_at=vn(2026, 3, 20, 17, 0),
                                          reason="Xin lỗi")
    assert permissions.allowed_actions(leader, dossier) == [
        "hand_over", "request_payment", "approve", "refuse", "withdraw", "stop"]


def test_nothing_is_allowed_to_another_agency(frozen, processing, other_officer):
    assert permissions.allowed_actions(other_officer, processing) == []
    assert permissions.may(other_officer, processing, "attach") is False


@pytest.mark.parametrize(("who", "expected"), [
    ("receptionist", ["accept_online", "reject_online", "withdraw"]),
    ("head", ["accept_online", "reject_online", "withdraw"]),  # no apology before the clock starts
    ("specialist", []),
    ("other_officer", []),
])
def test_allowed_actions_on_an_online_submission(frozen, submit_online, request, who, expected):
    assert permissions.allowed_actions(request.getfixturevalue(who), submit_online()) == expected
