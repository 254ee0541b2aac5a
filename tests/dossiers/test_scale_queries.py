"""The scale review of issue 7: the lists, the search, the register and the leaders' figures read
an index, not every row of an agency.

First, on any database, the rewritten filters give exactly the rows they gave before. Then, on
PostgreSQL, EXPLAIN of the real selectors' SQL over a seeded archive of a few thousand dossiers
names the index each one is meant to use (drop the index, or give the filter back its old
shape, and the test fails).
"""

import datetime as dt
import importlib

import pytest
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import data as benchdata
from dossiers import pins, selectors, services
from dossiers.leaders.breakdown import breakdown
from dossiers.leaders.officers import officers, overdue_now_q
from dossiers.leaders.periods import year_period
from dossiers.leaders.report06 import report06
from dossiers.leaders.scope import scope_for
from dossiers.models import Dossier, OfficerDayFigures
from dossiers.public import lookup
from dossiers.workflow import Status
from mocua.accounts.models import Role, User
from mocua.text import fold

from ..factories import UserFactory
from .conftest import make_intake, vn

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans of PostgreSQL")


def codes(queryset) -> list[str]:
    return [d.code for d in queryset]


# --------------------------------------------------------------------------- same rows as before


def _old_late_filter(queryset):
    """The filter before issue 7: one OR, which no index could serve."""
    now = timezone.now()
    return queryset.filter(Q(status__in=[Status.RECEIVED, Status.PROCESSING], due_at__lt=now) | Q(timeliness="late"))


def test_the_late_filter_gives_the_rows_of_the_or_it_replaced(frozen, variant, receptionist, specialist, leader,
                                                              other_agency):
    receive = lambda: services.dossier_receive(actor=receptionist, intake=make_intake(variant))  # noqa: E731
    hand_over = lambda d: services.dossier_hand_over(dossier=d, actor=receptionist, to_user=specialist)  # noqa: E731
    # Received on Mon 02/03 08:00: the appointment is Thu 05/03 17:00.
    waiting = receive()
    working = hand_over(receive())
    paused = services.dossier_request_supplement(dossier=hand_over(receive()), actor=specialist,
                                                 missing_papers=["Tờ khai"], reason="Thiếu tờ khai")
    on_time = services.dossier_approve(dossier=hand_over(receive()), actor=leader, result_summary="Xong")
    to_finish_late = hand_over(receive())
    other_officer = UserFactory(agency=other_agency, role=Role.RECEPTION, username="tiepnhan.khac")
    variant.procedure.agencies.add(other_agency)
    elsewhere = services.dossier_receive(actor=other_officer, intake=make_intake(variant))
    frozen.set(vn(2026, 3, 6, 9, 0))  # Fri: past the appointment
    finished_late = services.dossier_approve(dossier=to_finish_late, actor=leader, result_summary="Muộn")
    fresh = receive()

    late = codes(selectors.dossier_list_for_agency(user=leader, late=True))

    assert late == codes(_old_late_filter(selectors.dossier_list_for_agency(user=leader)))
    assert sorted(late) == sorted([waiting.code, working.code, finished_late.code])
    assert paused.code not in late and on_time.code not in late and fresh.code not in late
    assert elsewhere.code not in late
    # …and the other agency's list keeps its own late dossier only.
    assert codes(selectors.dossier_list_for_agency(user=other_officer, late=True)) == [elsewhere.code]


def test_the_register_takes_whole_local_days(frozen, variant, receptionist):
    """[start 00:00, the day after end 00:00) in Vietnam time, as received_at__date gave."""
    made = {}
    for moment in (vn(2026, 3, 1, 23, 59, 59), vn(2026, 3, 2, 0, 0), vn(2026, 3, 3, 23, 59, 59),
                   vn(2026, 3, 4, 0, 0)):
        frozen.set(moment)
        made[moment] = services.dossier_receive(actor=receptionist, intake=make_intake(variant))
    start, end = dt.date(2026, 3, 2), dt.date(2026, 3, 3)

    register = selectors.dossier_register(user=receptionist, start=start, end=end)

    assert codes(register) == [made[vn(2026, 3, 2, 0, 0)].code, made[vn(2026, 3, 3, 23, 59, 59)].code]
    by_date = Dossier.objects.filter(received_at__date__gte=start, received_at__date__lte=end)
    assert sorted(codes(register)) == sorted(codes(by_date))


def test_the_desk_index_condition_is_the_selectors_status_list(specialist):
    """A partial index serves a query only when the query's WHERE implies its condition."""
    index = next(i for i in Dossier._meta.indexes if i.name == "dossier_holder_desk")
    where = selectors.dossier_list_for_holder(user=specialist).query.where
    asked = next(c.rhs for c in where.children if getattr(c.lhs, "target", None) and c.lhs.target.name == "status")

    assert index.condition == Q(status__in=sorted(asked))
    assert Status.RESULT_READY in asked and Status.SUBMITTED in asked


def test_the_pin_query_is_one_unordered_row(build_dossier):
    dossier = build_dossier("processing")

    with CaptureQueriesContext(connection) as queries:
        assert lookup._pin_of(dossier.code) == (dossier.pk, dossier.pin_hash)
        assert lookup._pin_of(dossier.code[:-4] + "9999") == (None, pins.ABSENT_HASH)

    assert len(queries) == 2
    for query in queries.captured_queries:
        assert "ORDER BY" not in query["sql"] and "LIMIT 1" in query["sql"]


class _Recorder:
    """Stands in for a schema editor: records the SQL the migration would run."""

    def __init__(self, vendor: str):
        self.connection = type("Connection", (), {"vendor": vendor})()
        self.statements: list[str] = []

    def execute(self, sql: str) -> None:
        self.statements.append(sql)


def _recorded(module: str, forwards: str, backwards: str) -> tuple:
    """The migration, and the SQL its two functions run on SQLite and on PostgreSQL, in order."""
    migration = importlib.import_module(f"dossiers.migrations.{module}")
    sqlite, postgresql = _Recorder("sqlite"), _Recorder("postgresql")
    for editor in (sqlite, postgresql):
        getattr(migration, forwards)(None, editor)
        getattr(migration, backwards)(None, editor)
    return migration, sqlite.statements, postgresql.statements


def test_the_search_indexes_are_made_on_postgresql_only_with_the_selectors_expression():
    migration, sqlite, postgresql = _recorded("0001_initial", "postgresql_only", "undo_postgresql_only")

    assert sqlite == []
    assert postgresql[0] == "CREATE EXTENSION IF NOT EXISTS pg_trgm"
    assert "USING gin (search_text gin_trgm_ops)" in postgresql[1]
    assert postgresql[2] == "ALTER TABLE dossiers_dossier ALTER COLUMN search_text SET STATISTICS 1000"
    assert postgresql[3] == (
        "CREATE INDEX dossier_name ON dossiers_dossier (agency_id, "
        "(substr(search_text, strpos(search_text, ' ') + 1, char_length(applicant_name))), "
        "(COALESCE(received_at, created_at)) DESC, id DESC)")
    assert postgresql[4:] == ["DROP INDEX IF EXISTS dossier_name", "DROP INDEX IF EXISTS dossier_search_trgm"]
    # PostgreSQL uses an expression index only for the same expression.
    assert selectors.NameKey.sql.format(text="search_text", name="applicant_name") == migration.NAME_KEY


@pytest.mark.django_db
def test_the_migrated_test_database_has_the_search_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'dossiers_dossier'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"dossier_search_trgm", "dossier_name"} <= names


# --------------------------------------------------------------------------- plans on PostgreSQL
# These tests come last in the module: the archive fixture holds one transaction open until the
# module ends, and the tests above must not see its rows.


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    """Ten years of a small province (3,000 dossiers), seeded as `seed_bench` does and ANALYZEd,
    inside a transaction rolled back when the module ends."""
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plans of PostgreSQL")
    with django_db_blocker.unblock(), transaction.atomic():
        benchdata.seed(dossiers=3000, years=10, seed=11)
        with connection.cursor() as cursor:
            # What (auto)vacuum does in service: rows inserted since the GIN index was built wait
            # in its pending list, which every search would read in full.
            cursor.execute("SELECT gin_clean_pending_list('dossier_search_trgm'::regclass)")
            for table in benchdata.bench_tables():
                cursor.execute(f"ANALYZE {table}")
        busiest = (Dossier.objects.order_by().values("agency").annotate(n=Count("pk")).order_by("-n")
                   .values_list("agency", flat=True)[0])
        yield User.objects.filter(agency_id=busiest, role=Role.LEADER).order_by("pk").first()
        transaction.set_rollback(True)


def plan(queryset, **settings_off) -> str:
    """EXPLAIN of the queryset's SQL; `enable_seqscan=False` and the like only for this plan."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        for name in settings_off:
            cursor.execute(f"SET LOCAL {name} = off")
        cursor.execute("EXPLAIN (COSTS OFF) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@ON_POSTGRESQL
def test_the_agency_list_walks_the_recent_index_in_order(archive):
    page = plan(selectors.dossier_list_for_agency(user=archive)[:50])

    assert "Index Scan using dossier_agency_recent" in page
    assert "Sort" not in page  # the index gives the order: no top-N sort of every row


@ON_POSTGRESQL
def test_a_search_reads_the_trigram_index(archive):
    """Usable, not necessarily chosen: on 3,000 rows a scan may cost less, so scans are disabled.
    Trigrams need words of three letters or more ("hùng", not "vũ")."""
    mine = Dossier.objects.filter(agency_id=archive.agency_id).exclude(applicant_phone="").order_by("pk")
    dossier = next(d for d in mine if len(d.applicant_name.split()[-1]) >= 4)
    given_name = dossier.applicant_name.split()[-1]

    by_phone = plan(selectors.dossier_list_for_agency(user=archive, query=dossier.applicant_phone)[:50],
                    enable_seqscan=False)
    by_name = plan(selectors.dossier_list_for_agency(user=archive, query=given_name)[:50], enable_seqscan=False)

    assert "Bitmap Index Scan on dossier_search_trgm" in by_phone
    assert "Bitmap Index Scan on dossier_search_trgm" in by_name
    assert dossier.code in codes(selectors.dossier_list_for_agency(user=archive, query=dossier.applicant_phone))
    assert dossier.code in codes(selectors.dossier_list_for_agency(user=archive, query=given_name))


@ON_POSTGRESQL
def test_a_whole_code_reads_the_code_index(archive):
    """Every code shares trigrams ("000", "-26"…): a whole code goes to the unique index instead."""
    dossier = Dossier.objects.filter(agency_id=archive.agency_id).order_by("pk").last()

    found = plan(selectors.dossier_list_for_agency(user=archive, query=dossier.code.lower())[:50])

    assert "dossiers_dossier_code" in found and "dossier_search_trgm" not in found
    assert codes(selectors.dossier_list_for_agency(user=archive, query=dossier.code.lower())) == [dossier.code]


@ON_POSTGRESQL
def test_a_whole_name_reads_the_name_index(archive):
    """The applicant's whole name is a b-tree range of that person's dossiers (migration 0009):
    neither the trigram postings of its common words nor a walk of the agency's dossiers."""
    mine = Dossier.objects.filter(agency_id=archive.agency_id).order_by("pk")
    name = mine.values_list("applicant_name", flat=True)[0]
    expected = sorted(d.code for d in mine if fold(d.applicant_name) == fold(name))

    assert selectors.dossier_whole_search(user=archive, query=name)
    found = selectors.dossier_list_for_agency(user=archive, query=name, whole=True)
    explained = plan(found[:26])

    assert "dossier_name" in explained and "dossier_search_trgm" not in explained
    assert "dossier_agency_recent" not in explained
    assert sorted(codes(found)) == expected


@ON_POSTGRESQL
def test_a_whole_phone_reads_the_phone_index(archive):
    mine = Dossier.objects.filter(agency_id=archive.agency_id).exclude(applicant_phone="").order_by("pk")
    phone = mine.values_list("applicant_phone", flat=True)[0]
    expected = sorted(d.code for d in mine if d.applicant_phone == phone)

    assert selectors.dossier_whole_search(user=archive, query=phone) == "phone"
    found = selectors.dossier_list_for_agency(user=archive, query=phone, whole=True)
    explained = plan(found[:26])

    assert "dossier_phone" in explained and "dossier_search_trgm" not in explained
    assert sorted(codes(found)) == expected


@ON_POSTGRESQL
def test_my_dossiers_read_the_desk_index(archive):
    holder = (Dossier.objects.filter(status__in=[Status.PROCESSING, Status.RESULT_READY]).exclude(holder=None)
              .order_by().values("holder").annotate(n=Count("pk")).order_by("-n").values_list("holder", flat=True)[0])

    assert "dossier_holder_desk" in plan(selectors.dossier_list_for_holder(user=User.objects.get(pk=holder))[:50])


@ON_POSTGRESQL
def test_the_late_filter_reads_an_index_for_each_branch(archive):
    late = plan(selectors.dossier_list_for_agency(user=archive, late=True)[:50])

    assert "dossier_agency_late" in late
    assert any(index in late for index in ("dossier_open_due", "dossier_agency_status", "dossier_agency_running"))
    # No row-by-row OR: with one, a page of a sparsely late agency walks all its rows (LIMIT optimism).
    assert " OR " not in late
    assert codes(selectors.dossier_list_for_agency(user=archive, late=True)) == codes(
        _old_late_filter(selectors.dossier_list_for_agency(user=archive)))


@ON_POSTGRESQL
def test_the_register_reads_a_range_of_the_received_index(archive):
    today = timezone.localdate()
    register = plan(selectors.dossier_register(user=archive, start=today - dt.timedelta(days=30), end=today))

    assert "dossier_agency_received" in register
    assert "AT TIME ZONE" not in register  # no per-row conversion to a local date


@ON_POSTGRESQL
def test_the_leaders_figures_read_the_finished_indexes(archive):
    scope, period = scope_for(archive), year_period(timezone.localdate().year - 1)
    with CaptureQueriesContext(connection) as queries:
        report06(scope=scope, period=period, by="unit")
        breakdown(scope=scope, period=period, by="department")
    plans = []
    for query in queries.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (COSTS OFF) " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    dossier_figures = next(p for p in plans if "dossiers_dossier" in p and "dossiers_dossierdayfigures" not in p)
    step_figures = next(p for p in plans if "dossiers_officerdayfigures" in p)

    # In progress at the end: finished_at null or after the period, per unit.
    assert "dossier_agency_finished" in dossier_figures
    # Steps: the daily figures of the scope's units over the period's days, never the step log.
    assert "Scan using officerday_agency_day" in step_figures or "Index Scan on officerday_agency_day" in step_figures
    assert not any("dossiers_dossierstep" in p for p in plans)
    assert OfficerDayFigures.objects.filter(day__gte=period.start, day__lte=period.end).exists()


@ON_POSTGRESQL
def test_the_officers_desk_count_reads_the_running_index_alone(archive):
    """The dossiers overdue on each officer's desk now, for a unit: a range of the unit's running
    dossiers (dossier_agency_running, index-only once vacuumed), not every running dossier of the
    province. Usable, not necessarily chosen: the archive has a few dozen running dossiers, which
    any index of the table reads as cheaply, so the plan is made with the other indexes dropped
    (rolled back); the condition and the columns must fit for it to be used at all."""
    year = year_period(timezone.localdate().year)
    with CaptureQueriesContext(connection) as queries:
        officers(scope=scope_for(archive), period=year)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                       "WHERE i.indrelid = 'dossiers_dossier'::regclass AND NOT i.indisunique "
                       "AND c.relname <> 'dossier_agency_running'")
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (COSTS OFF) " + queries.captured_queries[-1]["sql"])
        explained = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)

    assert "Scan using dossier_agency_running" in explained
    # The province's table counts what the condition counts.
    province = User.objects.get(role=Role.LEADER, agency__code="000.00.00" + benchdata.BENCH_SUFFIX)
    scope = scope_for(province)
    running = Dossier.objects.filter(agency_id__in=scope.ids, status__in=[Status.RECEIVED, Status.PROCESSING])
    assert running.exists()
    overdue = running.filter(overdue_now_q()).exclude(holder=None).count()
    assert sum(r.overdue_now for r in officers(scope=scope, period=year)) == overdue


def test_the_running_index_condition_is_the_desk_counts_status_list():
    index = next(i for i in Dossier._meta.indexes if i.name == "dossier_agency_running")
    asked = next(c[1] for c in overdue_now_q().children if isinstance(c, tuple) and c[0] == "status__in")

    assert index.condition == Q(status__in=sorted(asked))
