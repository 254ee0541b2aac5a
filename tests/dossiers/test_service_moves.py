"""Every move through the real services, table-driven: each legal move from each state it is
legal from, and each illegal one, which must raise and change nothing.

The moves from and to "submitted" (accept_online, reject_online, withdrawing a submission)
are in test_service_online.py, which builds the submission with dossier_submit_online.
"""

import pytest

from dossiers import apology, services
from dossiers.models import Dossier, DossierEvent
from dossiers.workflow import ACTIONS, InvalidTransition, Status
from mocua.errors import ConflictError

from .conftest import BUILDABLE_STATES, snapshot

pytestmark = pytest.mark.django_db


def _call(action, dossier, actor, people):
    """Run the service of `action` with valid input."""
    calls = {
        "hand_over": lambda: services.dossier_hand_over(dossier=dossier, actor=actor, to_user=people["head"]),
        "request_supplement": lambda: services.dossier_request_supplement(
            dossier=dossier, actor=actor, missing_papers=["Bản sao giấy chứng sinh"], reason="Thiếu giấy chứng sinh"),
        "receive_supplement": lambda: services.dossier_receive_supplement(dossier=dossier, actor=actor,
                                                                          note="Đã nhận đủ"),
        "request_payment": lambda: services.dossier_request_payment(dossier=dossier, actor=actor,
                                                                    reason="Nộp lệ phí trước bạ"),
        "receive_payment": lambda: services.dossier_receive_payment(dossier=dossier, actor=actor, note="Đã nộp"),
        "approve": lambda: services.dossier_approve(dossier=dossier, actor=actor, result_summary="Đã ký"),
        "refuse": lambda: services.dossier_refuse(dossier=dossier, actor=actor, reason="Không đủ điều kiện"),
        "return": lambda: services.dossier_return(dossier=dossier, actor=actor, collected_by="Trần Thị Bình",
                                                  collected_id_number="038190001234"),
        "withdraw": lambda: services.dossier_withdraw(dossier=dossier, actor=actor, reason="Công dân xin rút"),
        "stop": lambda: services.dossier_stop(dossier=dossier, actor=actor, reason="Có văn bản yêu cầu dừng"),
    }
    return calls[action]()


SERVICE_ACTIONS = ("hand_over", "request_supplement", "receive_supplement", "request_payment", "receive_payment",
                   "approve", "refuse", "return", "withdraw", "stop")

# (action, from state, who does it in real life)
LEGAL = [
    ("hand_over", "received", "receptionist"),
    ("hand_over", "processing", "specialist"),
    ("request_supplement", "processing", "specialist"),
    ("receive_supplement", "awaiting_supplement", "receptionist"),
    ("request_payment", "processing", "specialist"),
    ("receive_payment", "awaiting_payment", "receptionist"),
    ("approve", "processing", "leader"),
    ("refuse", "processing", "leader"),
    ("return", "result_ready", "receptionist"),
    *[("withdraw", s, "receptionist") for s in ("received", "processing", "awaiting_supplement", "awaiting_payment")],
    *[("stop", s, "leader") for s in ("received", "processing", "awaiting_supplement", "awaiting_payment")],
]


def _status_of(state: str) -> str:
    return Status.REFUSED if state == "refused_at_intake" else state


ILLEGAL = [(action, state) for action in SERVICE_ACTIONS for state in BUILDABLE_STATES
           if _status_of(state) not in ACTIONS[action].froms]


@pytest.fixture
def people(receptionist, specialist, head, leader):
    return {"receptionist": receptionist, "specialist": specialist, "head": head, "leader": leader}


def test_tables_cover_every_service_and_state():
    legal = {(a, s) for a, s, _ in LEGAL}
    everything = {(a, s) for a in SERVICE_ACTIONS for s in BUILDABLE_STATES}
    assert legal | set(ILLEGAL) == everything
    assert not legal & set(ILLEGAL)
    # What the workflow allows from a buildable state is exactly the legal table.
    assert legal == {(a, s) for a in SERVICE_ACTIONS for s in BUILDABLE_STATES if _status_of(s) in ACTIONS[a].froms}


@pytest.mark.parametrize(("action", "state", "who"), LEGAL)
def test_legal_move_changes_status_and_writes_one_event(frozen, build_dossier, people, action, state, who):
    dossier = build_dossier(state)
    before = snapshot(dossier)
    assert before["status"] == state
    actor = people[who]
    frozen.set(frozen.moment.replace(hour=9))

    moved = _call(action, dossier, actor, people)

    fresh = Dossier.objects.get(pk=dossier.pk)
    to = ACTIONS[action].to
    assert moved.status == fresh.status == to
    assert fresh.version == before["version"] + 1
    assert fresh.events.count() == before["events"] + 1
    event = fresh.events.latest("pk")
    assert (event.action, event.from_status, event.to_status, event.actor) == (action, state, to, actor)
    assert event.at == frozen.moment


@pytest.mark.parametrize(("action", "state"), ILLEGAL)
def test_illegal_move_raises_and_changes_nothing(frozen, build_dossier, people, action, state):
    dossier = build_dossier(state)
    before = snapshot(dossier)
    assert before["status"] == _status_of(state)

    # The leader may make every move: only the state can refuse this one.
    with pytest.raises(InvalidTransition) as caught:
        _call(action, dossier, people["leader"], people)

    assert caught.value.code == "invalid_transition"
    assert caught.value.from_status == _status_of(state)
    assert snapshot(dossier) == before


RESCHEDULABLE = ("received", "processing", "awaiting_supplement", "awaiting_payment")


@pytest.mark.parametrize("state", RESCHEDULABLE)
def test_reschedule_from_a_state_in_handling(frozen, build_dossier, leader, state):
    dossier = build_dossier(state)
    before = snapshot(dossier)
    new_due = before["due_at"].replace(day=before["due_at"].day + 5)

    moved = apology.dossier_reschedule(dossier=dossier, actor=leader, new_due_at=new_due, reason="Cần xác minh thêm")

    fresh = Dossier.objects.get(pk=dossier.pk)
    assert moved.status == fresh.status == state  # an apology is not a change of state
    assert fresh.due_at == new_due
    assert fresh.legal_due_at == before["legal_due_at"]
    assert fresh.rescheduled_at == frozen.moment
    assert fresh.version == before["version"] + 1
    event = fresh.events.latest("pk")
    assert (event.action, event.from_status, event.to_status, event.actor) == ("reschedule", state, state, leader)
    assert event.data == {"old_due_at": before["due_at"].isoformat(), "new_due_at": new_due.isoformat()}


@pytest.mark.parametrize("state", [s for s in BUILDABLE_STATES if s not in RESCHEDULABLE])
def test_reschedule_refused_once_handling_has_ended(frozen, build_dossier, leader, state):
    dossier = build_dossier(state)
    before = snapshot(dossier)

    with pytest.raises(ConflictError) as caught:
        apology.dossier_reschedule(dossier=dossier, actor=leader, new_due_at=frozen.moment.replace(month=6),
                                    reason="Xin lỗi")

    assert caught.value.code == "invalid_transition"
    assert snapshot(dossier) == before


def test_a_whole_life_leaves_one_event_per_move(frozen, build_dossier):
    dossier = build_dossier("returned")
    events = DossierEvent.objects.filter(dossier=dossier)
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("receive", "", "received"),
        ("hand_over", "received", "processing"),
        ("approve", "processing", "result_ready"),
        ("return", "result_ready", "returned"),
    ]
    assert Dossier.objects.get(pk=dossier.pk).version == 4
