"""Biểu 06 read from the daily figures (DossierDayFigures) and the dossiers open at the end of the
period, after a random history replayed through the services: the hand-built world, three communes
of twenty random dossiers (as test_stats_random grows it, another seed) and online submissions
rejected or withdrawn before the counter accepted them.

Every cell of every row equals the row-by-row count (count_dossiers with the Biểu 06
conditions) over past, current and cut periods (whole months, a quarter, the year, months cut at
either end, days inside one month), per unit and per field, with each filter, whole months being
read from the month rows alone; the rows the services kept, day rows and month rows, are the rows
the rebuild and a plain count of the dossiers give; the rebuild command and the backfills of
migrations 0007 (day rows) and 0008 (both) give them back; the report runs two queries whatever the
number of dossiers; and figures that lost rows are reported, not shown as if they added up.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from dossiers import figures, services
from dossiers.leaders.periods import month_period, quarter_period, range_period, year_period
from dossiers.leaders.report06 import REPORT_FIGURES, Report06, ReportRow, report06
from dossiers.leaders.scope import Filters, scope_for
from dossiers.models import DossierDayFigures, Grain
from mocua.accounts.models import Level
from procedures.models import Field, OnlineLevel
from tests.leaders.oracle import count_dossiers

from ..factories import FieldFactory, ProcedureFactory
from ..report_figures import report_figures_from_the_dossiers, report_figures_table
from .conftest import APPLICANT, at, build_world, grow_world, make_variant, module_db, vn

PERIODS = [
    month_period(2026, 2),  # past: everything in it has ended
    month_period(2026, 3),
    month_period(2026, 4),  # current (NOW = 06/04/2026 10:00)
    year_period(2026),  # current year
    quarter_period(2026, 1),
    # Bounds cutting through dossiers received before and finished after them.
    range_period(dt.date(2026, 3, 3), dt.date(2026, 3, 3)),
    range_period(dt.date(2026, 2, 24), dt.date(2026, 3, 17)),
    range_period(dt.date(2026, 3, 10), dt.date(2026, 4, 6)),
    # Month rows and day rows together (dossiers.figures.pieces): March whole with February and April cut, a
    # whole month and a cut one on either side, days inside March, the current quarter (April not
    # over yet, but whole in the quarter).
    range_period(dt.date(2026, 2, 24), dt.date(2026, 4, 3)),
    range_period(dt.date(2026, 3, 1), dt.date(2026, 4, 2)),
    range_period(dt.date(2026, 2, 20), dt.date(2026, 3, 31)),
    range_period(dt.date(2026, 3, 5), dt.date(2026, 3, 20)),
    quarter_period(2026, 2),
]


def _never_received(w) -> None:
    """Online submissions the counter rejected or the citizen withdrew: finished, never received."""
    for n, (when, service) in enumerate(((vn(3, 9, 9), services.dossier_reject_online),
                                         (vn(3, 12, 10), services.dossier_withdraw))):
        name = f"N{n}"
        w.online(name, "A1", "P2", when - dt.timedelta(hours=2), None, None)
        w.move(name, when, service, "R1", reason="Không tiếp nhận")


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker, tmp_path_factory):
    with module_db(django_db_blocker, tmp_path_factory):
        world = build_world()
        grow_world(world, seed=11, units=3, per_unit=20)
        _never_received(world)
        yield world


@pytest.fixture
def h(history, db, now):
    return history


def _filters(h) -> list[Filters]:
    return [Filters(), Filters(agency_id=h["A1"].pk), Filters(agency_id=h["G1"].pk),
            Filters(field_id=h["F1"].pk), Filters(procedure_id=h["P3"].pk),
            Filters(agency_id=h["P"].pk, field_id=h["F2"].pk)]


LEVELS = ["province", "district", "commune"]  # the report's order of levels: province first


def assert_as_counted_row_by_row(scope, period, filters, by) -> Report06:
    """Every cell of the report equals count_dossiers' count of the dossier rows. By field, the rows
    are grouped by the units' level (issue 21, item 11): counted per (level, field)."""
    report = report06(scope=scope, period=period, filters=filters, by=by)
    group = ("agency_id",) if by == "unit" else ("agency__level", "procedure__field_id")
    counted = {tuple(r[g] for g in group): r for r in count_dossiers(scope=scope, period=period, filters=filters,
                                                                     names=REPORT_FIGURES, group=group)}
    labels = {level: Level(level).label for level in LEVELS}
    for row in report.rows:
        key = (row.key,) if by == "unit" else (next(v for v, label in labels.items() if label == row.group), row.key)
        assert row.counts == ReportRow.of(row.key, row.label, counted.get(key, {})).counts, (
            period, filters, by, row.group, row.label)
    if by == "field":  # the same (level, field) pairs, each with something to count, province first, by name
        names = dict(Field.objects.values_list("pk", "name"))
        assert [(r.group, r.key) for r in report.rows] == [
            (labels[level], k) for level, k in sorted(
                (k for k, r in counted.items() if any(r[n] for n in REPORT_FIGURES)),
                key=lambda lk: (LEVELS.index(lk[0]), names[lk[1]], lk[1]))]
    assert report.warnings == []
    return report


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.slug)
def test_every_cell_is_the_row_by_row_count(h, period):
    counted = 0
    for leader in ("LP", "L1", "G0L"):
        scope = scope_for(h[leader])
        for filters in _filters(h):
            for by in ("unit", "field"):
                report = assert_as_counted_row_by_row(scope, period, filters, by)
                counted += sum(report.total.cells)
    assert counted > 0


def test_the_periods_really_hold_every_figure(h):
    """Not two empty sides: over the periods the province's report has every column above zero."""
    scope = scope_for(h["LP"])
    seen = set()
    for period in PERIODS:
        total = report06(scope=scope, period=period, by="unit").total
        seen |= {name for name, n in total.counts.items() if n > 0}
    assert seen == set(REPORT_FIGURES) | {"total", "in_progress_within"}


def test_the_kept_rows_are_the_dossiers_and_the_rebuilds(h):
    kept = report_figures_table()
    days, months = ([r for r in kept if r[0] == grain] for grain in (Grain.DAY, Grain.MONTH))

    assert sum(r[4] + r[5] for r in days) > 60 and sum(sum(r[6:]) for r in days) > 40
    assert [sum(r[n] for r in months) for n in range(4, 9)] == [sum(r[n] for r in days) for n in range(4, 9)]
    assert kept == report_figures_from_the_dossiers()
    assert figures.report_figures_rebuild() == len(kept)
    assert report_figures_table() == kept


def test_the_query_count_does_not_grow_with_the_dossiers(h, django_assert_num_queries):
    # The daily figures grouped (the field's name joined per field), the open dossiers grouped.
    scope = scope_for(h["LP"])
    # A month and a year read one piece of the daily figures, a cut period three (a UNION ALL).
    cut = range_period(dt.date(2026, 2, 24), dt.date(2026, 4, 3))
    calls = [dict(period=p, by=by, filters=f) for p in (month_period(2026, 3), year_period(2026), cut)
             for by in ("unit", "field") for f in (Filters(), Filters(field_id=h["F1"].pk))]
    # By field, two a level of the scope's units (the rows grouped "theo cấp"): province and commune.
    # And one for the note on dossiers received at one agency's desk for another (report06.desk_counts).
    levels = len({u.level for u in scope.units})
    assert levels == 2
    for kwargs in calls:
        with django_assert_num_queries(3 if kwargs["by"] == "unit" else 2 * levels + 1):
            report06(scope=scope, **kwargs)
    saved = {name: dict(getattr(h, name)) for name in ("agencies", "users", "dossiers")}
    try:
        grow_world(h, seed=12, units=2, per_unit=10)
        scope = scope_for(h["LP"])
        assert len(scope.ids) == 8
        for kwargs in calls:
            with django_assert_num_queries(3 if kwargs["by"] == "unit" else 2 * levels + 1):
                report06(scope=scope, **kwargs)
    finally:  # the rows go with the test's savepoint; the shared world forgets them too
        for name, table in saved.items():
            setattr(h, name, table)


def test_a_field_with_only_refusals_at_the_counter_has_no_row(h):
    """The row-by-row count showed such a field as a row of zeros (its refusals were read and not
    counted); the daily figures hold received dossiers only, so the field has nothing to show."""
    field = FieldFactory(code="DD", name="Đất đai")
    procedure = ProcedureFactory(code="1.000001", name="Thủ tục P4", field=field, online_level=OnlineLevel.FULL,
                                 agencies=[h["A1"]])
    variant = make_variant(procedure)
    with at(vn(3, 18, 9)):
        services.dossier_refuse_intake(actor=h["R1"], intake=services.Intake(
            variant=variant, applicant=services.Applicant(**APPLICANT), papers=[]), reason="Không thuộc thẩm quyền")
    scope, march = scope_for(h["LP"]), month_period(2026, 3)
    counted = count_dossiers(scope=scope, period=march, names=REPORT_FIGURES,
                                   group=("procedure__field_id",))
    assert {r["procedure__field_id"]: sum(r[n] for n in REPORT_FIGURES) for r in counted}[field.pk] == 0

    report = assert_as_counted_row_by_row(scope, march, Filters(), "field")

    assert field.pk not in [r.key for r in report.rows]


def test_whole_months_are_read_from_the_month_rows_alone(h):
    """A month row made wrong shows in every period that holds its whole month and in no other; day
    rows of that month made wrong show only in a period that cuts the month."""
    scope = scope_for(h["LP"])
    inside = range_period(dt.date(2026, 3, 5), dt.date(2026, 3, 20))
    periods = {"year": year_period(2026), "q1": quarter_period(2026, 1),
               "march": month_period(2026, 3), "inside": inside, "february": month_period(2026, 2),
               "cut": range_period(dt.date(2026, 2, 24), dt.date(2026, 4, 3))}

    def received() -> dict[str, int]:
        return {name: report06(scope=scope, period=period, by="unit").total["new_online"]
                for name, period in periods.items()}

    before = received()
    march = DossierDayFigures.objects.filter(agency_id__in=scope.ids, day__gte=dt.date(2026, 3, 1),
                                             day__lte=dt.date(2026, 3, 31))
    months = march.filter(grain=Grain.MONTH).update(new_online=F("new_online") + 1000)
    assert months >= 1
    assert received() == {**before, **{name: before[name] + 1000 * months for name in ("year", "q1", "march", "cut")}}

    march.filter(grain=Grain.MONTH).update(new_online=F("new_online") - 1000)
    days = march.filter(grain=Grain.DAY, day__gte=inside.start, day__lte=inside.end).update(
        new_online=F("new_online") + 1)
    assert days >= 1
    assert received() == {**before, "inside": before["inside"] + days}


def test_figures_that_lost_rows_are_reported(h):
    DossierDayFigures.objects.update(resolved_early=0, resolved_on_time=0, resolved_late=0)

    report = report06(scope=scope_for(h["LP"]), period=month_period(2026, 3), by="unit")

    total = report.total
    assert total["carried_over"] == total["in_progress"] - total["new_online"] - total["new_offline"] < 0
    assert f"Tổng cộng: cột (6) âm ({total['carried_over']}), số liệu tổng hợp không khớp với hồ sơ" \
        in report.warnings


def test_the_command_rebuilds_lost_or_wrong_rows(h):
    kept = report_figures_table()
    some = list(DossierDayFigures.objects.order_by("pk").values_list("pk", flat=True)[::3])
    DossierDayFigures.objects.filter(pk__in=some).delete()
    DossierDayFigures.objects.filter(pk=DossierDayFigures.objects.order_by("pk").first().pk).update(new_online=99)
    assert report_figures_table() != kept

    out = StringIO()
    call_command("rebuild_report_figures", stdout=out)

    assert report_figures_table() == kept
    assert f"Đã tính lại {len(kept)} dòng" in out.getvalue()
