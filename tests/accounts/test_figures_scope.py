"""The one rule of whose figures a user reads (mocua.accounts.selectors.figures_scope), which the
leaders' pages and API, the ratings pages and API and the leaders' digest all ask."""

import pytest
from django.core.exceptions import PermissionDenied

from mocua.accounts.models import Role
from mocua.accounts.selectors import agency_tree, figures_scope

from ..factories import AgencyFactory, DepartmentFactory, UserFactory


def test_the_tree_is_depth_first_with_children_by_name(tree, django_assert_num_queries):
    p, a, h, b, q = tree
    with django_assert_num_queries(1):
        units = agency_tree(p.pk)
    assert [(u.id, u.depth) for u in units] == [(p.pk, 0), (a.pk, 1), (h.pk, 2), (b.pk, 1)]
    assert units[0].name == "UBND tỉnh T"
    assert agency_tree(a.pk)[0].parent_id == p.pk
    assert agency_tree(10**9) == []


def test_a_scope_names_its_units_and_their_subtrees(tree):
    p, a, h, b, q = tree
    province = figures_scope(UserFactory(agency=p, role=Role.LEADER))
    assert province.root.name == "UBND tỉnh T"
    assert province.subtree(a.pk) == [a.pk, h.pk]
    assert province.subtree(b.pk) == [b.pk]
    assert province.subtree(q.pk) == []  # not in the scope: nothing, never the other province
    assert figures_scope(UserFactory(agency=q, role=Role.LEADER)).ids == [q.pk]


def test_the_scope_costs_one_query_however_many_agencies(tree, django_assert_num_queries):
    leader = UserFactory(agency=tree[0], role=Role.LEADER)
    with django_assert_num_queries(1):
        figures_scope(leader)
    for n in range(20):
        AgencyFactory(code=f"000.09.{n:02d}.T01", name=f"UBND xã Mới {n}", parent=tree[0])
    with django_assert_num_queries(1):
        assert len(figures_scope(leader).ids) == 24


@pytest.mark.parametrize("role", [Role.LEADER, Role.ADMIN])
def test_a_leader_or_the_agency_administrator_reads_the_agency_and_every_agency_below(tree, role):
    p, a, h, b, q = tree
    assert figures_scope(UserFactory(agency=p, role=role)).ids == [p.pk, a.pk, h.pk, b.pk]
    scope = figures_scope(UserFactory(agency=a, role=role))
    assert (scope.ids, scope.department_id) == ([a.pk, h.pk], None)


def test_a_department_head_reads_their_own_agency_and_department(tree):
    p, a, h, b, q = tree
    justice = DepartmentFactory(agency=a, name="Phòng Tư pháp")
    scope = figures_scope(UserFactory(agency=a, role=Role.HEAD, department=justice))
    assert (scope.ids, scope.department_id) == ([a.pk], justice.pk)


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.SPECIALIST])
def test_everyone_else_reads_their_own_agency(tree, role):
    p, a, h, b, q = tree
    scope = figures_scope(UserFactory(agency=a, role=role))
    assert (scope.ids, scope.department_id) == ([a.pk], None)


def test_an_account_without_an_agency_reads_nothing(db):
    with pytest.raises(PermissionDenied):
        figures_scope(UserFactory(agency=None, role=""))
