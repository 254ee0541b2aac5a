"""The CI-sized scale bench (issue 7): 10 000 seeded dossiers, the key pages run in-process.

It fails on a query-count increase over the pinned counts in bench/baseline.json, or on a page
more than 3× slower than its baseline (scaled up, never down, by how slow this machine is right
now on a fixed reference task), so a busy CI machine does not make it flaky. The full bench is
`python -m bench run` (docs/benchmarks.md). BENCH_UPDATE_BASELINE=1 rewrites the baseline.
"""

import datetime as dt
import json
import os
import statistics
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import alerts as bench_alerts
from bench import data as benchdata
from dossiers import clock, selectors, services
from dossiers.models import CodeCounter, Dossier, DossierStep
from dossiers.public import lookup
from dossiers.workflow import OPEN
from mocua.accounts.models import Role, User
from procedures.models import ProcedureVariant

pytestmark = pytest.mark.bench
DOSSIERS = 10_000
BASELINE = Path(__file__).resolve().parents[2] / "bench" / "baseline.json"
RUNS = 5
UPDATE = os.environ.get("BENCH_UPDATE_BASELINE") == "1"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module inside a transaction that is rolled back at the end; each test
    runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        started = time.monotonic()
        report = benchdata.seed(dossiers=DOSSIERS, seed=7)
        with connection.cursor() as cursor:
            for table in benchdata.bench_tables():
                cursor.execute(f"ANALYZE {table}")
        yield report, time.monotonic() - started
        transaction.set_rollback(True)


def _user(role: str, **filters) -> User:
    return User.objects.filter(username__startswith="bench.", role=role, **filters).order_by("pk").first()


# --------------------------------------------------------------------------- the data set


def test_seed_is_fast_and_has_every_state(seeded, db):
    report, seconds = seeded
    # ~10 s on an idle machine; the bound only catches a gross regression on a busy one.
    assert seconds < 120, f"seeding {DOSSIERS} dossiers took {seconds:.0f} s"
    assert Dossier.objects.filter(agency__code__endswith=benchdata.BENCH_SUFFIX).count() == DOSSIERS
    statuses = report.statuses
    assert statuses["returned"] > 0.8 * DOSSIERS
    for status in ("processing", "awaiting_supplement", "result_ready", "refused", "withdrawn", "stopped"):
        assert statuses[status] > 0, status
    overdue = Dossier.objects.filter(status__in=["received", "processing"], due_at__lt=timezone.now())
    assert overdue.exists()
    steps = DossierStep.objects.filter(dossier__agency__code__endswith=benchdata.BENCH_SUFFIX).count()
    assert 2.5 * DOSSIERS < steps < 4.5 * DOSSIERS
    assert report.rows["events"] > 3 * DOSSIERS and report.rows["ratings"] > 0.2 * DOSSIERS


def test_counters_continue_after_the_seeded_codes(seeded, db):
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FROM (
              SELECT d.agency_id, to_date(split_part(d.code, '-', 2), 'YYMMDD') AS day,
                     max(split_part(d.code, '-', 3)::int) AS last
              FROM dossiers_dossier d GROUP BY 1, 2) codes
            LEFT JOIN dossiers_codecounter c ON c.agency_id = codes.agency_id AND c.day = codes.day
            WHERE c.last IS DISTINCT FROM codes.last""")
        assert cursor.fetchone()[0] == 0
    clerk = _user(Role.RECEPTION, agency__code="000.00.21" + benchdata.BENCH_SUFFIX)
    variant = ProcedureVariant.objects.filter(procedure__agencies=clerk.agency).first()
    counter = CodeCounter.objects.filter(agency=clerk.agency, day=timezone.localdate()).first()
    dossier = services.dossier_receive(actor=clerk, intake=services.Intake(
        variant=variant, applicant=services.Applicant(name="Lê Văn Thử")))
    assert dossier.code.endswith(f"-{(counter.last if counter else 0) + 1:04d}")


def test_derived_pins_unlock_the_public_lookup(seeded, db):
    for dossier in Dossier.objects.order_by("?")[:5]:
        found = lookup.dossier_lookup(code=dossier.code, pin=benchdata.derive_pin(dossier.code), client="t")
        assert found is not None and found.pk == dossier.pk
    assert lookup.dossier_lookup(code=dossier.code, pin="WRONGPIN", client="t") is None


def test_search_text_is_what_the_service_writes(seeded, db):
    sample = list(Dossier.objects.order_by("?")[:50])
    assert [services._search_text(d) for d in sample] == [d.search_text for d in sample]
    clerk = _user(Role.RECEPTION, agency=sample[0].agency)
    found = selectors.dossier_list_for_agency(user=clerk, query=sample[0].applicant_phone)
    assert sample[0] in found


def test_deadlines_agree_with_the_working_calendar(seeded, db):
    """Office-second arithmetic in benchdata = mocua.workcalendar for the agencies' hours."""
    finished = Dossier.objects.filter(finished_at__isnull=False, legal_due_at__isnull=False)
    wrong = [(d.code, d.finished_at, d.legal_due_at, d.timeliness)
             for d in finished.only("code", "finished_at", "legal_due_at", "timeliness")
             if d.timeliness != clock.classify(d.finished_at, d.legal_due_at)]
    assert wrong == []
    steps = DossierStep.objects.filter(timeliness="late").select_related("dossier__agency").order_by("?")[:30]
    assert steps, "no late step"
    for step in steps:
        assert step.late_seconds == clock.late_seconds(step.finished_at, step.due_at, step.dossier.agency)
    assert not DossierStep.objects.filter(late_seconds__gt=0).exclude(timeliness="late").exists()


# --------------------------------------------------------------------------- pages


def _reference_ms() -> float:
    """A fixed task (Python and a database round trip) that tells how fast this machine is now."""
    started = time.perf_counter()
    sum(i * i for i in range(200_000))
    with connection.cursor() as cursor:
        for _ in range(20):
            cursor.execute("SELECT count(*) FROM generate_series(1, 20000)")
    return (time.perf_counter() - started) * 1000


def _pages():
    year = timezone.localdate().year
    centre = "000.00.21" + benchdata.BENCH_SUFFIX
    clerk = _user(Role.RECEPTION, agency__code=centre)
    received = Dossier.objects.filter(agency=clerk.agency, received_at__isnull=False).order_by("-pk").first()
    busiest = (Dossier.objects.filter(status__in=sorted(OPEN), holder__role=Role.SPECIALIST)
               .values("holder").annotate(n=Count("pk")).order_by("-n").first())
    specialist = User.objects.get(pk=busiest["holder"])
    unit_leader = _user(Role.LEADER, agency__level="commune")
    province_leader = _user(Role.LEADER, agency__code="000.00.00" + benchdata.BENCH_SUFFIX)
    variant = ProcedureVariant.objects.filter(procedure__agencies=clerk.agency).order_by("pk").first()
    body = {"variant": variant.pk, "applicant": {"name": "Trần Thị Đo", "phone": "0912345678"}}
    pin = benchdata.derive_pin(received.code)
    name = received.applicant_name
    return {
        "lookup": (None, lambda c: c.post("/tra-cuu/", {"code": received.code, "pin": pin}), 200),
        "mine": (specialist, lambda c: c.get("/can-bo/ho-so/cua-toi/"), 200),
        "agency_list": (clerk, lambda c: c.get("/can-bo/ho-so/"), 200),
        "agency_search": (clerk, lambda c: c.get("/can-bo/ho-so/", {"q": name}), 200),
        "api_list_search": (clerk, lambda c: c.get("/api/v1/dossiers/", {"q": name}), 200),
        "api_intake": (clerk, lambda c: c.post("/api/v1/dossiers/", body, content_type="application/json"), 201),
        "receipt_pdf": (clerk, lambda c: c.get(f"/can-bo/ho-so/{received.code}/giay-tiep-nhan.pdf"), 200),
        "officers_unit": (unit_leader, lambda c: c.get("/lanh-dao/can-bo/", {"period": "year", "year": year}), 200),
        "officers_province": (province_leader,
                              lambda c: c.get("/lanh-dao/can-bo/", {"period": "year", "year": year}), 200),
        "report06_province": (province_leader,
                              lambda c: c.get("/lanh-dao/bieu-06/", {"period": "year", "year": year}), 200),
        "dashboard_province": (province_leader,
                               lambda c: c.get("/lanh-dao/", {"period": "year", "year": year}), 200),
        "index766_province": (province_leader,
                              lambda c: c.get("/lanh-dao/chi-so-766/", {"period": "year", "year": year}), 200),
        "ratings_province": (province_leader, lambda c: c.get("/can-bo/danh-gia/"), 200),  # this month, by officer
    }


def _measure(user, request, expected: int) -> tuple[int, float]:
    """(queries of one warm request, median ms over RUNS) with a fresh client each time."""
    timings, queries = [], None
    for run in range(RUNS + 1):
        client = Client()
        if user is not None:
            client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = request(client)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == expected, (response.status_code, getattr(response, "content", b"")[:300])
        if run:  # the first run warms template and URL caches
            timings.append(elapsed)
            queries = len(captured) if queries is None else min(queries, len(captured))
    return queries, statistics.median(timings)


def _baseline() -> dict:
    return json.loads(BASELINE.read_text()) if BASELINE.exists() else {}


def test_pages_stay_within_their_budgets(seeded, db):
    baseline = _baseline()
    reference = statistics.median(_reference_ms() for _ in range(3))
    slowdown = max(1.0, reference / baseline.get("reference_ms", reference))
    measured = {name: _measure(*spec) for name, spec in _pages().items()}
    sql, params = bench_alerts.candidate_query()
    alert_ms = bench_alerts.explain(sql, params, runs=RUNS)["median_ms"]
    if UPDATE:
        _write_baseline(reference, measured, alert_ms)
        pytest.skip("baseline rewritten")
    problems = []
    for name, (queries, ms) in measured.items():
        pinned = baseline["pages"][name]
        if queries > pinned["queries"]:
            problems.append(f"{name}: {queries} queries > pinned {pinned['queries']}")
        if ms > 3 * pinned["ms"] * slowdown:
            problems.append(f"{name}: {ms:.0f} ms > 3 × {pinned['ms']} ms × {slowdown:.1f}")
    if alert_ms > 3 * baseline["alert_candidates_ms"] * slowdown:
        problems.append(f"alert candidates: {alert_ms:.0f} ms > 3 × {baseline['alert_candidates_ms']} ms")
    assert problems == [], problems


def _write_baseline(reference: float, measured: dict, alert_ms: float) -> None:
    """Generous on purpose: the median × 1.5 (at least 5 ms), so that only a real regression fails."""
    def generous(ms: float) -> float:
        return round(max(5.0, ms * 1.5), 1)

    BASELINE.write_text(json.dumps({
        "note": "tests/bench/test_bench_small.py: 10 000 dossiers; ms are medians × 1.5, queries are pinned",
        "written": dt.date.today().isoformat(), "reference_ms": round(reference, 1),
        "alert_candidates_ms": generous(alert_ms),
        "pages": {name: {"queries": q, "ms": generous(ms)} for name, (q, ms) in measured.items()},
    }, indent=1, ensure_ascii=False) + "\n")


def test_baseline_pins_every_page(seeded, db):
    """A page added to the bench without a pinned count would never fail: refuse that."""
    assert set(_baseline()["pages"]) == set(_pages())


def test_seed_bench_refuses_to_overwrite(seeded, db):
    from bench.seed import SeedError, seed_database

    before = Dossier.objects.count()
    with pytest.raises(SeedError, match="--reset"):
        seed_database(dossiers=30)
    dossier = Dossier.objects.select_related("agency").first()
    dossier.agency.code = "000.17.22.H56"  # a real agency's identifier: its dossiers are not bench data
    dossier.agency.save(update_fields=["code"])
    with pytest.raises(SeedError, match="--force"):
        seed_database(dossiers=30, reset=True)
    assert Dossier.objects.count() == before


def test_inprocess_runs_the_http_scenarios_through_django(seeded, db):
    """`python -m bench inprocess`: the HTTP bench's own scenarios, answered by Django in this
    process; each line gives the CPU a request and the first request's queries (the pinned ones)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from bench import inprocess
    from bench.runner import _scenarios

    inprocess.InProcessClient.handler = WSGIHandler()
    bench = inprocess.InProcessBench("127.0.0.1", 8765, concurrency=2)
    pinned = _baseline()["pages"]
    # As Django's test client does: the test's transaction holds the seeded data, so the handler
    # must not close the connection at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        lines = {s.key: inprocess._measure(s, requests=3, warmup=2) for s in _scenarios(bench, {"lookup", "mine"})}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert set(lines) == {"lookup", "mine"}
    assert "3 requests, CPU" in lines["lookup"] and "wrong answer" not in lines["lookup"]
    assert f", {pinned['lookup']['queries']} queries" in lines["lookup"], lines
    assert f", {pinned['mine']['queries']} queries" in lines["mine"], lines
