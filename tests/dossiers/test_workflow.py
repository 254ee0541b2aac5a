"""The lifecycle table (dossiers.workflow): every action from every state, no database."""

from types import SimpleNamespace

import pytest

from dossiers import workflow
from dossiers.workflow import ACTIONS, TRANSITIONS, InvalidTransition, Status, available, ensure_action
from mocua.errors import ConflictError

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
    # The state stays: an apology with a new appointment while handled, a scan at any time.
    "reschedule": ({S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT}, None),
    "attach": (set(Status.values), None),
    # An electronic result signed by the agency, once there is a result (issue 24).
    "attach_result": ({S.RESULT_READY, S.RETURNED}, None),
    # The friendly letter handed with the result, once (issue 24).
    "hand_letter": ({S.RESULT_READY, S.RETURNED}, None),
    # The day a result sent by post was signed for (Decision 45/2016 Art 10), once.
    "confirm_delivery": ({S.RETURNED}, None),
    # Between agencies (issue 23): the dossier received for another agency, its result sent back; the
    # state stays, where the dossier is (Dossier.transfer_state) changes.
    # From processing too: a liên thông leg is sent on, and taken in, while handled (dossiers.legs).
    # And a refusal after appraisal, which goes back to the desk like a result (issue 23, item 5).
    "transfer": ({S.RECEIVED, S.PROCESSING, S.RESULT_READY, S.REFUSED}, None),
    "receive_transfer": ({S.RECEIVED, S.PROCESSING, S.RESULT_READY, S.REFUSED}, None),
    # The written refusal handed to the citizen, once.
    "hand_refusal": ({S.REFUSED}, None),
}
# Allowed once in a dossier's life: the attribute that says it happened, and a value saying so.
DESIGN_ONCE = {"request_supplement": ("supplement_requests", 1), "reschedule": ("rescheduled_at", "2026-03-02"),
               "hand_letter": ("letter_handed_at", "2026-03-02"), "confirm_delivery": ("delivered_at", "2026-03-02"),
               "hand_refusal": ("refusal_handed_at", "2026-03-02")}

ACTION_PAIRS = [(action, status) for action in ACTIONS for status in Status.values]
LEGAL_PAIRS = [(a, s) for a, s in ACTION_PAIRS if s in DESIGN_ACTIONS[a][0]]
ILLEGAL_PAIRS = [(a, s) for a, s in ACTION_PAIRS if s not in DESIGN_ACTIONS[a][0]]


def dossier(status, **done):
    """What the workflow reads of a dossier: its status and the attributes of the once-only actions."""
    return SimpleNamespace(**{"status": status, "supplement_requests": 0, "rescheduled_at": None,
                              "letter_handed_at": None, "delivered_at": None, "refusal_handed_at": None,
                              **done})


def test_actions_match_the_design():
    assert {a: (set(row.froms), row.to) for a, row in ACTIONS.items()} == DESIGN_ACTIONS
    assert {a: row.once.done for a, row in ACTIONS.items() if row.once} == {
        a: name for a, (name, _) in DESIGN_ONCE.items()}


def test_every_row_has_a_label_and_names_its_form():
    assert all(row.label and row.label[0].isupper() for row in ACTIONS.values())
    assert {a: row.form for a, row in ACTIONS.items() if row.form} == {
        "request_supplement": "02", "refuse": "03", "reschedule": "04", "stop": "05"}


def test_transitions_equal_the_design_diagram():
    assert TRANSITIONS == DESIGN_TRANSITIONS


def test_every_status_has_a_row_in_the_table():
    assert set(TRANSITIONS) == set(Status.values)


def test_pair_lists_cover_every_action_and_state():
    assert len(LEGAL_PAIRS) + len(ILLEGAL_PAIRS) == len(ACTIONS) * len(Status.values) == 200
    # attach_result and hand_letter from result_ready and returned; confirm_delivery from returned
    # transfer and receive_transfer from received, processing, result_ready and refused, hand_refusal
    # from refused (issue 23)
    assert len(LEGAL_PAIRS) == 48


@pytest.mark.parametrize(("action", "from_"), LEGAL_PAIRS)
def test_legal_action_passes_and_names_its_target(action, from_):
    assert ensure_action(action, dossier(from_)) == (DESIGN_ACTIONS[action][1] or from_)
    assert available(action, dossier(from_))


@pytest.mark.parametrize(("action", "from_"), ILLEGAL_PAIRS)
def test_illegal_action_raises_invalid_transition(action, from_):
    with pytest.raises(InvalidTransition) as caught:
        ensure_action(action, dossier(from_))
    error = caught.value
    assert isinstance(error, ConflictError)
    assert error.code == "invalid_transition"
    assert error.http_status == 409
    assert (error.from_status, error.to_status) == (from_, DESIGN_ACTIONS[action][1])
    assert Status(from_).label in error.message
    assert not available(action, dossier(from_))


@pytest.mark.parametrize("action", sorted(DESIGN_ONCE))
def test_an_action_allowed_once_is_refused_the_second_time(action):
    name, done = DESIGN_ONCE[action]
    status = sorted(DESIGN_ACTIONS[action][0])[0]
    assert available(action, dossier(status))
    with pytest.raises(ConflictError) as caught:
        ensure_action(action, dossier(status, **{name: done}))
    assert caught.value.code == {"request_supplement": "supplement_once", "reschedule": "reschedule_once",
                                 "hand_letter": "letter_once", "confirm_delivery": "delivery_once",
                                 "hand_refusal": "refusal_handed_once"}[action]
    assert not available(action, dossier(status, **{name: done}))


def test_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError):
        ensure_action("approve_twice", dossier(Status.PROCESSING))


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
