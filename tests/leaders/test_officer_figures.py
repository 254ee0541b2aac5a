"""The leaders' daily step figures (OfficerDayFigures) after a random history replayed through the
services: the hand-built world, three communes of twenty random dossiers (as test_stats_random
grows it, another seed) and a few dossiers handed to a department with no officer named.

The rows the services kept are, row for row, the rows the rebuild computes and the rows a plain
count of the step log gives; the per-officer table and the per-department breakdown read from them
agree with the step log over several periods; the rebuild command and migration 0005's backfill
give the rows back after they were lost.
"""

import datetime as dt
import importlib
from collections import Counter
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from dossiers import services, stats
from dossiers.models import DossierStep, OfficerDayFigures

from ..step_log import figures_from_the_log, figures_table
from .conftest import build_world, grow_world, module_db, vn
from .test_stats_random import PERIODS, leaders, python_officers

# Periods whose bounds cut through days on which steps were finished at night (local time).
MORE_PERIODS = [stats.range_period(dt.date(2026, 3, 3), dt.date(2026, 3, 3)),
                stats.range_period(dt.date(2026, 2, 24), dt.date(2026, 3, 17))]


def _department_desks(w) -> None:
    """Three dossiers of A1 handed to the Phòng Tư pháp as a whole, then picked up by its head."""
    desk = w["H1"].department
    for n, day in enumerate((3, 10, 17)):
        name = f"K{n}"
        w.receive(name, "R1", "P1", vn(3, day, 8))
        w.move(name, vn(3, day, 9), services.dossier_hand_over, "R1", to_department=desk)
        w.hand(name, vn(3, day + 2 * n, 15), "H1", "S1")  # the last one a week later: late
        w.hand(name, vn(3, day + 2 * n + 1, 9), "S1", "L1")
        w.approve(name, vn(3, day + 2 * n + 1, 10), "L1")


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker, tmp_path_factory):
    with module_db(django_db_blocker, tmp_path_factory):
        world = build_world()
        grow_world(world, seed=7, units=3, per_unit=20)
        _department_desks(world)
        yield world


@pytest.fixture
def h(history, db, now):
    return history


def test_the_kept_rows_are_the_step_logs_and_the_rebuilds(h):
    kept = figures_table()
    by_officer = Counter()
    for officer, *_, steps, late_steps, _ in kept:
        by_officer[officer == 0, "steps"] += steps
        by_officer[officer == 0, "late"] += late_steps

    # Not two empty sides: the history finished more than a hundred steps, some late, some with no officer.
    assert by_officer[False, "steps"] > 150 and by_officer[False, "late"] > 20, by_officer
    assert by_officer[True, "steps"] == 3
    finished = DossierStep.objects.exclude(finished_at=None).count()
    assert by_officer[False, "steps"] + by_officer[True, "steps"] == finished
    assert kept == figures_from_the_log()
    assert services.officer_figures_rebuild() == len(kept)
    assert figures_table() == kept


@pytest.mark.parametrize("period", PERIODS + MORE_PERIODS, ids=lambda p: p.slug)
def test_officers_match_the_step_log(h, period):
    for leader in leaders(h):
        scope = stats.scope_for(leader)
        rows = stats.officers(scope=scope, period=period)
        got = {r.key: (r.steps, r.late_steps, r.late_seconds, r.overdue_now) for r in rows if r.steps or r.overdue_now}
        assert got == python_officers(scope, period), (leader, period)
    everyone = python_officers(stats.scope_for(h["LP"]), period)
    assert sum(figures[0] for figures in everyone.values()) > 0  # the period really has steps


@pytest.mark.parametrize("period", [stats.month_period(2026, 3), stats.year_period(2026)], ids=lambda p: p.slug)
def test_the_departments_count_the_steps_handed_to_no_officer(h, period):
    scope = stats.scope_for(h["LP"])
    expected = Counter()
    for s in DossierStep.objects.select_related("dossier").filter(
            finished_at__gte=period.start_at, finished_at__lt=period.end_at, dossier__agency_id__in=scope.ids):
        late = s.timeliness == "late" and (s.dossier.finished_at is None or s.started_at < s.dossier.finished_at)
        expected[s.to_department_id, "steps"] += 1
        expected[s.to_department_id, "late"] += late
        expected[s.to_department_id, "seconds"] += s.late_seconds if late else 0

    rows = stats.breakdown(scope=scope, period=period, by="department")

    got = {(r.key, name): value for r in rows
           for name, value in (("steps", r.steps), ("late", r.late_steps), ("seconds", r.late_seconds)) if value}
    assert got == {key: value for key, value in expected.items() if value}
    desk = h["H1"].department_id
    assert DossierStep.objects.filter(to_user=None, to_department_id=desk, finished_at__isnull=False).count() == 3


def test_the_command_rebuilds_lost_or_wrong_rows(h):
    kept = figures_table()
    some = list(OfficerDayFigures.objects.order_by("pk").values_list("pk", flat=True)[::3])
    OfficerDayFigures.objects.filter(pk__in=some).delete()
    OfficerDayFigures.objects.filter(pk=OfficerDayFigures.objects.order_by("pk").first().pk).update(late_steps=99)
    assert figures_table() != kept

    out = StringIO()
    call_command("rebuild_officer_figures", stdout=out)

    assert figures_table() == kept
    assert f"Đã tính lại {len(kept)} dòng" in out.getvalue()


def test_the_migration_fills_the_table_from_the_step_log(h):
    kept = figures_table()
    OfficerDayFigures.objects.all().delete()
    migration = importlib.import_module("dossiers.migrations.0005_officer_day_figures")
    # The models as migration 0005 sees them, not as they are today.
    state = MigrationLoader(connection).project_state(("dossiers", "0005_officer_day_figures"))

    migration.backfill(state.apps, SimpleNamespace(connection=connection))

    assert figures_table() == kept
