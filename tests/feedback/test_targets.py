"""target_set: a leader sets a unit's yearly targets in their scope, with an audit row of the values
before and after; anyone else, any unit outside the scope, any value outside 0–100 is refused."""

from decimal import Decimal

import pytest

from feedback import services
from feedback.models import TargetEvent, UnitTarget
from mocua.accounts.models import Role
from mocua.errors import DomainError, ForbiddenError

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_leader_sets_and_resets_a_units_targets_in_their_scope(tree, frozen):
    province, commune, hamlet, other_commune, _ = tree
    governor = UserFactory(agency=province, role=Role.LEADER, username="chutich")
    target = services.target_set(actor=governor, agency=commune, year=2026,
                                 values={"on_time": "95", "online": Decimal("40.5"), "feedback_on_time": 100})
    assert (target.on_time, target.online, target.digitised, target.feedback_on_time) == (
        Decimal("95.00"), Decimal("40.50"), None, Decimal("100.00"))
    services.target_set(actor=governor, agency=commune, year=2026, values={"on_time": "97"})
    target = UnitTarget.objects.get()
    assert (target.on_time, target.online, target.set_by) == (Decimal("97.00"), None, governor)
    events = list(TargetEvent.objects.order_by("pk"))
    assert len(events) == 2
    assert events[1].data["before"]["online"] == "40.50" and events[1].data["after"]["online"] is None


def test_outside_the_scope_or_not_a_leader_is_refused(tree):
    province, commune, hamlet, other_commune, other_province = tree
    commune_leader = UserFactory(agency=commune, role=Role.LEADER, username="ct.xa")
    head = UserFactory(agency=province, role=Role.HEAD, username="tp.tinh")
    with pytest.raises(ForbiddenError):
        services.target_set(actor=commune_leader, agency=other_commune, year=2026, values={"on_time": 90})
    with pytest.raises(ForbiddenError):
        services.target_set(actor=head, agency=province, year=2026, values={"on_time": 90})
    services.target_set(actor=commune_leader, agency=hamlet, year=2026, values={"on_time": 90})  # below it: yes
    assert UnitTarget.objects.get().agency == hamlet


@pytest.mark.parametrize("values, field", [({"on_time": 101}, "on_time"), ({"online": -1}, "online"),
                                           ({"postal": "nhiều"}, "postal"), ({"digitised": "NaN"}, "digitised")])
def test_a_target_is_a_percentage(tree, values, field):
    leader = UserFactory(agency=tree[0], role=Role.LEADER, username="ct.tinh")
    with pytest.raises(DomainError) as caught:
        services.target_set(actor=leader, agency=tree[1], year=2026, values=values)
    assert caught.value.field == field and not UnitTarget.objects.exists()
