"""The feedback lifecycle table, without the database: every action from every state."""

from types import SimpleNamespace

import pytest

from feedback.workflow import ACTIONS, HANDLED, OPEN, Status, available, ensure_action
from mocua.errors import ConflictError


def item(status: str, **attributes):
    return SimpleNamespace(status=status, info_requested_at=None, reaction="", **attributes)


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_action_is_allowed_exactly_from_its_states(action, status):
    row = ACTIONS[action]
    if status in row.froms:
        assert ensure_action(action, item(status)) == (row.to or status)
        assert available(action, item(status))
    else:
        with pytest.raises(ConflictError) as caught:
            ensure_action(action, item(status))
        assert caught.value.code == "invalid_transition" and row.label in caught.value.message
        assert not available(action, item(status))


@pytest.mark.parametrize("action, attribute, value", [("request_info", "info_requested_at", "2026-03-02"),
                                                      ("react", "reaction", "satisfied")])
def test_an_action_allowed_once_is_refused_the_second_time(action, attribute, value):
    status = sorted(ACTIONS[action].froms)[0]
    done = item(status)
    setattr(done, attribute, value)
    with pytest.raises(ConflictError) as caught:
        ensure_action(action, done)
    assert caught.value.code == f"{action}_once"
    assert not available(action, done)


def test_every_state_is_open_or_handled_and_the_ends_have_no_way_out():
    assert OPEN | HANDLED == set(Status.values)
    assert OPEN & HANDLED == {Status.ANSWERED}  # answered: handled, yet its publication is still due
    for end in (Status.REFUSED, Status.FORWARDED):
        assert not [a for a, row in ACTIONS.items() if end in row.froms]
