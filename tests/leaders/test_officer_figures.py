"""The leaders' daily step figures (OfficerDayFigures) after a random history replayed through the
services: the hand-built world, three communes of twenty random dossiers (as test_stats_random
grows it, another seed) and a few dossiers handed to a department with no officer named.

The rows the services kept, day rows and month rows, are row for row the rows the rebuild computes
and the rows a plain count of the step log gives; the per-officer table and the per-department
breakdown read from them agree with the step log over several periods (whole months, quarters, the
year, months cut at either end, days inside one month), whole months being read from the month rows
alone; the rebuild command and the backfills of migrations 0005 (day rows) and 0008 (both) give the
rows back after they were lost.
"""

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from dossiers import figures, services
from dossiers.leaders.breakdown import breakdown
from dossiers.leaders.officers import officers
from dossiers.leaders.periods import month_period, quarter_period, range_period, year_period
from dossiers.leaders.scope import scope_for
from dossiers.models import DossierStep, Grain, OfficerDayFigures

from ..step_log import figures_from_the_log, figures_table
from .conftest import build_world, grow_world, module_db, vn
from .test_stats_random import PERIODS, leaders, python_officers

# Periods whose bounds cut through days on which steps were finished at night (local time), and
# periods read from month rows and day rows together (dossiers.figures.pieces): March whole with February
# and April cut, a whole month and a cut one on either side, days inside March, the current quarter
# (April not over yet, but whole in the quarter).
MORE_PERIODS = [range_period(dt.date(2026, 3, 3), dt.date(2026, 3, 3)),
                range_period(dt.date(2026, 2, 24), dt.date(2026, 3, 17)),
                range_period(dt.date(2026, 2, 24), dt.date(2026, 4, 3)),
                range_period(dt.date(2026, 3, 1), dt.date(2026, 4, 2)),
                range_period(dt.date(2026, 2, 20), dt.date(2026, 3, 31)),
                range_period(dt.date(2026, 3, 5), dt.date(2026, 3, 20)),
                quarter_period(2026, 2)]


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
    for grain, officer, *_, steps, late_steps, _ in kept:
        by_officer[grain, officer == 0, "steps"] += steps
        by_officer[grain, officer == 0, "late"] += late_steps
    assert {k[1:]: n for k, n in by_officer.items() if k[0] == Grain.MONTH} == {
        k[1:]: n for k, n in by_officer.items() if k[0] == Grain.DAY}  # the months hold the days
    by_officer = Counter({k[1:]: n for k, n in by_officer.items() if k[0] == Grain.DAY})

    # Not two empty sides: the history finished more than a hundred steps, some late, some with no officer.
    assert by_officer[False, "steps"] > 150 and by_officer[False, "late"] > 20, by_officer
    assert by_officer[True, "steps"] == 3
    finished = DossierStep.objects.exclude(finished_at=None).count()
    assert by_officer[False, "steps"] + by_officer[True, "steps"] == finished
    assert kept == figures_from_the_log()
    assert figures.officer_figures_rebuild() == len(kept)
    assert figures_table() == kept


@pytest.mark.parametrize("period", PERIODS + MORE_PERIODS, ids=lambda p: p.slug)
def test_officers_match_the_step_log(h, period):
    for leader in leaders(h):
        scope = scope_for(leader)
        rows = officers(scope=scope, period=period)
        got = {r.key: (r.steps, r.late_steps, r.late_seconds, r.overdue_now) for r in rows if r.steps or r.overdue_now}
        assert got == python_officers(scope, period), (leader, period)
    everyone = python_officers(scope_for(h["LP"]), period)
    assert sum(figures[0] for figures in everyone.values()) > 0  # the period really has steps


@pytest.mark.parametrize("period", [month_period(2026, 3), year_period(2026)], ids=lambda p: p.slug)
def test_the_departments_count_the_steps_handed_to_no_officer(h, period):
    scope = scope_for(h["LP"])
    expected = Counter()
    for s in DossierStep.objects.select_related("dossier").filter(
            finished_at__gte=period.start_at, finished_at__lt=period.end_at, dossier__agency_id__in=scope.ids):
        late = s.timeliness == "late" and (s.dossier.finished_at is None or s.started_at < s.dossier.finished_at)
        expected[s.to_department_id, "steps"] += 1
        expected[s.to_department_id, "late"] += late
        expected[s.to_department_id, "seconds"] += s.late_seconds if late else 0

    rows = breakdown(scope=scope, period=period, by="department")

    got = {(r.key, name): value for r in rows
           for name, value in (("steps", r.steps), ("late", r.late_steps), ("seconds", r.late_seconds)) if value}
    assert got == {key: value for key, value in expected.items() if value}
    desk = h["H1"].department_id
    assert DossierStep.objects.filter(to_user=None, to_department_id=desk, finished_at__isnull=False).count() == 3


def test_whole_months_are_read_from_the_month_rows_alone(h):
    """A month row made wrong shows in every period that holds its whole month and in no other; day
    rows of that month made wrong show only in a period that cuts the month."""
    scope = scope_for(h["LP"])
    inside = range_period(dt.date(2026, 3, 5), dt.date(2026, 3, 20))
    officer = (OfficerDayFigures.objects.filter(grain=Grain.DAY, day__gte=inside.start, day__lte=inside.end)
               .exclude(officer_id=0).order_by("pk").values_list("officer_id", flat=True).first())
    periods = {"year": year_period(2026), "q1": quarter_period(2026, 1),
               "march": month_period(2026, 3), "inside": inside, "february": month_period(2026, 2),
               "cut": range_period(dt.date(2026, 2, 24), dt.date(2026, 4, 3))}

    def steps() -> dict[str, int]:
        return {name: next((r.steps for r in officers(scope=scope, period=period) if r.key == officer), 0)
                for name, period in periods.items()}

    before = steps()
    march = OfficerDayFigures.objects.filter(officer_id=officer, day__gte=dt.date(2026, 3, 1),
                                             day__lte=dt.date(2026, 3, 31))
    months = march.filter(grain=Grain.MONTH).update(steps=F("steps") + 1000)
    assert months >= 1
    assert steps() == {**before, **{name: before[name] + 1000 * months for name in ("year", "q1", "march", "cut")}}

    march.filter(grain=Grain.MONTH).update(steps=F("steps") - 1000)
    days = march.filter(grain=Grain.DAY, day__gte=inside.start, day__lte=inside.end).update(steps=F("steps") + 1)
    assert days >= 1
    assert steps() == {**before, "inside": before["inside"] + days}


@pytest.mark.parametrize("period", [year_period(2026), MORE_PERIODS[2]], ids=lambda p: p.slug)
def test_the_month_and_day_rows_are_read_in_one_query(h, period, django_assert_num_queries):
    """A period with cut months sums its pieces in one statement (UNION ALL), as a year does."""
    scope = scope_for(h["LP"])
    with django_assert_num_queries(1):  # officers with their steps, overdue now
        officers(scope=scope, period=period)
    with django_assert_num_queries(2):  # steps per department with their names; overdue now
        breakdown(scope=scope, period=period, by="department")


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
