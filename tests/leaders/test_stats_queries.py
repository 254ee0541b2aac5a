"""Query budgets: every figure is a fixed number of GROUP BY queries, whatever the number of officers,
agencies or dossiers. Each function is measured on the hand-built world, then again after three more
communes (each with a clerk, a leader, three specialists and six random dossiers) have been added.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.leaders.breakdown import breakdown
from dossiers.leaders.dashboard import dashboard, monthly
from dossiers.leaders.index766 import index766
from dossiers.leaders.officers import officer_get, officer_late_steps, officer_overdue_now, officers
from dossiers.leaders.periods import month_period
from dossiers.leaders.report06 import report06
from dossiers.leaders.scope import filter_choices, scope_for
from tests.leaders.oracle import count_dossiers

from .conftest import grow_world

MARCH = month_period(2026, 3)


def _late_steps(scope, world):
    steps = officer_late_steps(officer=world["L1"], scope=scope, period=MARCH)
    return [(s.dossier.code, s.dossier.procedure_name, s.step_name, s.due_at, s.finished_at, s.late_seconds)
            for s in steps]


def _overdue(scope, world):
    return [(d.code, d.procedure_name, d.status, d.step_due_at, d.due_at, d.legal_due_at, d.received_at)
            for d in officer_overdue_now(officer=world["S2"], scope=scope)]


def _index(scope, world):
    rows, total = index766(scope=scope, period=MARCH)
    return [r.indicators for r in [*rows, total]]


CALLS = {  # name → (queries, call)
    # One aggregate over the dossiers of the scope.
    "count_dossiers": (1, lambda scope, w: count_dossiers(scope=scope, period=MARCH)),
    # The daily figures summed per unit, the dossiers in progress at the end counted, then the
    # months' figures for the chart, and the transfers between agencies.
    "dashboard": (4, lambda scope, w: dashboard(scope=scope, period=MARCH)),
    "monthly": (1, lambda scope, w: monthly(scope=scope, period=MARCH)),
    # Per agency or field: the daily figures summed, the dossiers in progress at the end counted
    # (the field's name joined in each), and the desk note's count (dossiers received at one agency's
    # desk for another).
    "report06_unit": (3, lambda scope, w: report06(scope=scope, period=MARCH, by="unit")),
    # By field, the same two for each level of the scope's units (province, commune: rows "theo cấp"),
    # and the desk note's.
    "report06_field": (5, lambda scope, w: report06(scope=scope, period=MARCH, by="field")),
    # Users joined to their steps, the desk in a correlated subquery.
    "officers": (1, lambda scope, w: officers(scope=scope, period=MARCH)),
    "officer_get": (1, lambda scope, w: officer_get(scope=scope, pk=w["S2"].pk)),
    # Steps with their dossier (select_related, only the shown columns).
    "officer_late_steps": (1, _late_steps),
    "officer_overdue_now": (1, _overdue),
    # Steps grouped, the daily figures grouped (not per department), then the open dossiers grouped.
    "breakdown_agency": (3, lambda scope, w: breakdown(scope=scope, period=MARCH, by="agency")),
    "breakdown_department": (2, lambda scope, w: breakdown(scope=scope, period=MARCH, by="department")),
    "breakdown_field": (3, lambda scope, w: breakdown(scope=scope, period=MARCH, by="field")),
    "breakdown_procedure": (3, lambda scope, w: breakdown(scope=scope, period=MARCH, by="procedure")),
    # The daily figures summed per unit, the dossiers in progress at the end counted.
    "index766": (2, _index),
    # Procedures handled in the scope, then their fields.
    "filter_choices": (2, lambda scope, w: filter_choices(scope)),
}


def measure(world) -> tuple[dict, dict]:
    """Queries run by each call, and the size of each answer."""
    scope = scope_for(world["LP"])
    counts, sizes = {}, {}
    for name, (_, call) in CALLS.items():
        with CaptureQueriesContext(connection) as captured:
            answer = call(scope, world)
        counts[name] = len(captured.captured_queries)
        sizes[name] = len(answer) if isinstance(answer, list) else None
    return counts, sizes


def test_query_count_does_not_grow(w, now):
    budget = {name: queries for name, (queries, _) in CALLS.items()}
    small, small_sizes = measure(w)
    assert small == budget
    grow_world(w, seed=5, units=3, per_unit=6, officers=3)
    assert len(scope_for(w["LP"]).ids) == 6
    large, large_sizes = measure(w)
    assert large == budget
    # The new officers and communes are really in the second answers.
    assert large_sizes["officers"] == small_sizes["officers"] + 3 * 5
    assert large_sizes["breakdown_agency"] == small_sizes["breakdown_agency"] + 3
