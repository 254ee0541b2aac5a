"""The lifecycle table (dossiers.workflow): every action from every state, no database."""

import pytest

from dossiers import workflow
from dossiers.workflow import ACTIONS, TRANSITIONS, InvalidTransition, Status, ensure_action, ensure_transition
from mocua.api import ConflictError

S = Status

# The diagram of DESIGN.md "Lifecycle of a dossier", written out by hand.
# Withdrawal is open to every open state; stopping (Mẫu 05, "dừng giải quyết") to the states in
# handling: an online submission nobody has accepted yet is rejected (reject_online), not stopped.
DESIGN_TRANSITIONS = {
    S.SUBMITTED: {S.RECEIVED, S.REFUSED, S.WITHDRAWN},
    S.RECEIVED: {S.PROCESSING, S.WITHDRAWN, S.STOPPED},
    S.PROCESSING: {S.PROCESSING, S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT, S.RESULT_READY, S.REFUSED,
                   S.WITHDRAWN, S.STOPPED},
    S.AWAITING_SUPPLEMENT: {S.PROCESSING, S.WITHDRAWN, S.STOPPED},
    S.AWAITING_PAYMENT: {S.PROCESSING, S.WITHDRAWN, S.STOPPED},
    S.RESULT_READY: {S.RETURNED},
    S.RETURNED: set(),
    S.REFUSED: set(),
    S.WITHDRAWN: set(),
    S.STOPPED: set(),
}

DESIGN_ACTIONS = {
    "accept_online": ({S.SUBMITTED}, S.RECEIVED),
    "reject_online": ({S.SUBMITTED}, S.REFUSED),
    "hand_over": ({S.RECEIVED, S.PROCESSING}, S.PROCESSING),
    "request_supplement": ({S.PROCESSING}, S.AWAITING_SUPPLEMENT),
    "receive_supplement": ({S.AWAITING_SUPPLEMENT}, S.PROCESSING),
    "request_payment": ({S.PROCESSING}, S.AWAITING_PAYMENT),
    "receive_payment": ({S.AWAITING_PAYMENT}, S.PROCESSING),
    "approve": ({S.PROCESSING}, S.RESULT_READY),
    "refuse": ({S.PROCESSING}, S.REFUSED),
    "return": ({S.RESULT_READY}, S.RETURNED),
    "withdraw": ({S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT}, S.WITHDRAWN),
    "stop": ({S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT}, S.STOPPED),
}

ACTION_PAIRS = [(action, status) for action in ACTIONS for status in Status.values]
LEGAL_PAIRS = [(a, s) for a, s in ACTION_PAIRS if s in DESIGN_ACTIONS[a][0]]
ILLEGAL_PAIRS = [(a, s) for a, s in ACTION_PAIRS if s not in DESIGN_ACTIONS[a][0]]
STATUS_PAIRS = [(f, t) for f in Status.values for t in Status.values]


def test_actions_match_the_design():
    assert {a: (set(froms), to) for a, (froms, to) in ACTIONS.items()} == DESIGN_ACTIONS


def test_transitions_equal_the_design_diagram():
    assert TRANSITIONS == DESIGN_TRANSITIONS


def test_every_status_has_a_row_in_the_table():
    assert set(TRANSITIONS) == set(Status.values)


def test_pair_lists_cover_every_action_and_state():
    assert len(LEGAL_PAIRS) + len(ILLEGAL_PAIRS) == len(ACTIONS) * len(Status.values) == 120
    assert len(LEGAL_PAIRS) == 20


@pytest.mark.parametrize(("action", "from_"), LEGAL_PAIRS)
def test_legal_action_passes_and_names_its_target(action, from_):
    assert ensure_action(action, from_) == DESIGN_ACTIONS[action][1]


@pytest.mark.parametrize(("action", "from_"), ILLEGAL_PAIRS)
def test_illegal_action_raises_invalid_transition(action, from_):
    with pytest.raises(InvalidTransition) as caught:
        ensure_action(action, from_)
    error = caught.value
    assert isinstance(error, ConflictError)
    assert error.code == "invalid_transition"
    assert error.http_status == 409
    assert (error.from_status, error.to_status) == (from_, DESIGN_ACTIONS[action][1])
    assert Status(from_).label in error.message


def test_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError):
        ensure_action("approve_twice", Status.PROCESSING)


@pytest.mark.parametrize(("from_", "to"), STATUS_PAIRS)
def test_ensure_transition_over_every_pair_of_states(from_, to):
    if to in DESIGN_TRANSITIONS[from_]:
        assert ensure_transition(from_, to) is None
    else:
        with pytest.raises(InvalidTransition) as caught:
            ensure_transition(from_, to)
        assert caught.value.code == "invalid_transition"


@pytest.mark.parametrize(("status", "code"), [
    (S.SUBMITTED, 1), (S.RECEIVED, 2), (S.REFUSED, 3), (S.PROCESSING, 4), (S.AWAITING_SUPPLEMENT, 5),
    (S.AWAITING_PAYMENT, 6), (S.WITHDRAWN, 7), (S.STOPPED, 8), (S.RESULT_READY, 9), (S.RETURNED, 10),
])
def test_portal_codes(status, code):
    assert workflow.portal_code(status) == code
    assert workflow.portal_code(str(status.value)) == code


def test_portal_codes_are_one_to_ten_without_gaps():
    assert sorted(workflow.PORTAL_CODE.values()) == list(range(1, 11))
    assert set(workflow.PORTAL_CODE) == set(Status)


def test_state_groups():
    assert workflow.OPEN == {S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT}
    assert workflow.CLOCK_RUNNING == {S.RECEIVED, S.PROCESSING}
    assert workflow.CLOCK_STOPPED == {S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT}
    assert workflow.FINISHED == {S.RETURNED, S.REFUSED, S.WITHDRAWN, S.STOPPED}
    # A finished dossier can never move again.
    assert all(TRANSITIONS[s] == set() for s in workflow.FINISHED)
