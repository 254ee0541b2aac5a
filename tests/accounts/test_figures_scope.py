"""The one rule of whose figures a user reads (mocua.accounts.selectors.figures_scope), which the
leaders' pages and API, the ratings pages and API and the leaders' digest all ask."""

import pytest
from django.core.exceptions import PermissionDenied

from mocua.accounts.models import Role
from mocua.accounts.selectors import agency_tree, figures_scope

from ..factories import AgencyFactory, DepartmentFactory, UserFactory


@pytest.fixture
def tree(db):
    """Province P with communes A (and an office H below it) and B."""
    p = AgencyFactory(code="000.00.00.T01", name="UBND tỉnh T")
    a = AgencyFactory(code="000.01.00.T01", name="UBND xã A", parent=p)
    h = AgencyFactory(code="000.01.01.T01", name="Điểm tiếp nhận thôn H", parent=a)
    b = AgencyFactory(code="000.02.00.T01", name="UBND xã B", parent=p)
    return p, a, h, b


def test_the_tree_is_depth_first_with_children_by_name(tree, django_assert_num_queries):
    p, a, h, b = tree
    with django_assert_num_queries(1):
        units = agency_tree(p.pk)
    assert [(u.id, u.depth) for u in units] == [(p.pk, 0), (a.pk, 1), (h.pk, 2), (b.pk, 1)]
    assert agency_tree(a.pk)[0].parent_id == p.pk
    assert agency_tree(10**9) == []


@pytest.mark.parametrize("role", [Role.LEADER, Role.ADMIN])
def test_a_leader_or_the_agency_administrator_reads_the_agency_and_every_agency_below(tree, role):
    p, a, h, b = tree
    assert figures_scope(UserFactory(agency=p, role=role)).ids == [p.pk, a.pk, h.pk, b.pk]
    scope = figures_scope(UserFactory(agency=a, role=role))
    assert (scope.ids, scope.department_id) == ([a.pk, h.pk], None)


def test_a_department_head_reads_their_own_agency_and_department(tree):
    p, a, h, b = tree
    justice = DepartmentFactory(agency=a, name="Phòng Tư pháp")
    scope = figures_scope(UserFactory(agency=a, role=Role.HEAD, department=justice))
    assert (scope.ids, scope.department_id) == ([a.pk], justice.pk)


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.SPECIALIST])
def test_everyone_else_reads_their_own_agency(tree, role):
    p, a, h, b = tree
    scope = figures_scope(UserFactory(agency=a, role=role))
    assert (scope.ids, scope.department_id) == ([a.pk], None)


def test_an_account_without_an_agency_reads_nothing(db):
    with pytest.raises(PermissionDenied):
        figures_scope(UserFactory(agency=None, role=""))
