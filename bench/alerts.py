"""The alert scan at scale: its candidate query (EXPLAIN ANALYZE) and an end-to-end run of N
alerts through the Celery worker, checked for exactly-once delivery.

For the run the open dossiers' due times are set so that exactly N/2 dossiers are overdue (a step
alert and a dossier alert each) and no other one is due soon; everything changed is saved first
and put back afterwards, so the bench database is left as it was.
"""

import datetime as dt
import statistics
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from dossiers import alerts as alert_service
from dossiers.models import Alert, AlertKind, Dossier, DossierStep, Message

from . import mailsink

SAVED_DOSSIERS, SAVED_STEPS = "bench_saved_dossier", "bench_saved_step"


class _Captured(Exception):
    pass


def candidate_query() -> tuple[str, list]:
    """The first query alerts_scan runs (its batch of candidate steps), taken from the real code."""

    def grab(execute, sql, params, many, context):
        if 'FROM "dossiers_dossierstep"' in sql:
            raise _Captured(sql, params)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(grab):
        try:
            alert_service.alerts_scan()
        except _Captured as captured:
            return captured.args[0], list(captured.args[1])
    raise RuntimeError("alerts_scan ran no query on dossiers_dossierstep")


def explain(sql: str, params: list, runs: int = 5) -> dict:
    """Execution times (ms) of EXPLAIN ANALYZE over `runs` runs after a first one, and the plan of
    the last. The first run is reported on its own (`first_ms`): right after the load of the other
    rows it reads steps evicted from PostgreSQL's buffers, which says more about the cache than
    about the query (a scan every few minutes finds them warm)."""
    times, plan = [], ""
    with connection.cursor() as cursor:
        for _ in range(runs + 1):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            lines = [row[0] for row in cursor.fetchall()]
            times.append(float(next(line for line in lines if line.startswith("Execution Time")).split()[2]))
            plan = "\n".join(lines)
    first, times = times[0], times[1:]
    return {"first_ms": first, "median_ms": statistics.median(times), "max_ms": max(times), "plan": plan}


@dataclass
class AlertRun:
    alerts_expected: int
    alerts: int = 0
    seconds: float = 0.0
    emails: int = 0
    deliveries: int = 0
    duplicates: int = 0
    lost: int = 0
    inapp: int = 0
    timed_out: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def exactly_once(self) -> bool:
        return (not self.timed_out and self.alerts == self.alerts_expected and self.duplicates == 0
                and self.lost == 0 and self.deliveries == self.emails)


def _columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if not f.primary_key]


def restore() -> None:
    """Put back the due times saved by prepare() (also after an interrupted run)."""
    with transaction.atomic(), connection.cursor() as cursor:
        _rewrites_history(cursor)
        cursor.execute("SELECT to_regclass(%s)", [SAVED_DOSSIERS])
        if cursor.fetchone()[0] is None:
            return
        for model, saved in ((Dossier, SAVED_DOSSIERS), (DossierStep, SAVED_STEPS)):
            columns = _columns(model)
            cursor.execute(f"UPDATE {model._meta.db_table} t SET ({', '.join(columns)}) = "
                           f"({', '.join('s.' + c for c in columns)}) FROM {saved} s WHERE t.id = s.id")
            cursor.execute(f"DROP TABLE {saved}")
        _clear_alerts(cursor)
    # Each run rewrites ~10 000 dossiers and steps twice: without a vacuum their dead index entries
    # (every UPDATE here changes an indexed column) stayed behind and slowed the rows measured after
    # it (Biểu 06's open dossiers read 106 712 index entries for 12 363 rows).
    with connection.cursor() as cursor:  # VACUUM cannot run inside a transaction: autocommit here
        cursor.execute(f"VACUUM (ANALYZE) {Dossier._meta.db_table}, {DossierStep._meta.db_table}")


def _rewrites_history(cursor) -> None:
    """The drill reopens finished steps and puts them back, which the audit trail's triggers refuse
    (dossiers migration 0003): on the bench database, for this transaction only, they are skipped
    (replica mode, a superuser's setting, as the bench's role is)."""
    cursor.execute("SET LOCAL session_replication_role = replica")


def _clear_alerts(cursor) -> None:
    cursor.execute(f"TRUNCATE {Alert._meta.db_table}")
    cursor.execute(f"DELETE FROM {Message._meta.db_table} WHERE key LIKE 'alert:%%'")


def prepare(count: int) -> set[tuple[int, int, str]]:
    """Make exactly count/2 dossiers overdue and no other one due soon; returns the expected alerts."""
    restore()
    wanted = count // 2
    now = timezone.now()
    running = ["received", "processing"]
    open_ids = list(Dossier.objects.filter(status__in=running, steps__finished_at__isnull=True)
                    .order_by("pk").values_list("pk", flat=True).distinct())
    chosen = open_ids[:wanted]
    reopened = []
    if len(chosen) < wanted:  # top up with returned dossiers, re-opened for the run only
        reopened = list(Dossier.objects.filter(status="returned").order_by("-pk")
                        .values_list("pk", flat=True)[:wanted - len(chosen)])
    with transaction.atomic(), connection.cursor() as cursor:
        _rewrites_history(cursor)
        every = open_ids + reopened
        cursor.execute(f"CREATE TABLE {SAVED_DOSSIERS} AS SELECT * FROM dossiers_dossier WHERE id = ANY(%s)",
                       [every])
        cursor.execute(f"CREATE TABLE {SAVED_STEPS} AS SELECT * FROM dossiers_dossierstep WHERE dossier_id = ANY(%s) "
                       f"AND (finished_at IS NULL OR (step_index = 1 AND dossier_id = ANY(%s)))", [every, reopened])
        later, past = now + dt.timedelta(days=365), now - dt.timedelta(days=1)
        cursor.execute("UPDATE dossiers_dossier SET due_at = %s, step_due_at = %s WHERE id = ANY(%s)",
                       [later, later, open_ids])
        cursor.execute("UPDATE dossiers_dossierstep SET due_at = %s WHERE finished_at IS NULL AND dossier_id = ANY(%s)",
                       [later, open_ids])
        cursor.execute("UPDATE dossiers_dossierstep SET finished_at = NULL, timeliness = '', late_seconds = 0 "
                       "WHERE step_index = 1 AND dossier_id = ANY(%s)", [reopened])
        cursor.execute("UPDATE dossiers_dossier SET status = 'processing' WHERE id = ANY(%s)", [reopened])
        targets = chosen + reopened
        cursor.execute("UPDATE dossiers_dossier SET due_at = %s, step_due_at = %s WHERE id = ANY(%s)",
                       [past, past, targets])
        cursor.execute("UPDATE dossiers_dossierstep SET due_at = %s WHERE finished_at IS NULL AND dossier_id = ANY(%s)",
                       [past, targets])
        _clear_alerts(cursor)
    steps = DossierStep.objects.filter(dossier_id__in=targets, finished_at__isnull=True).values_list("dossier_id", "pk")
    expected = set()
    for dossier_id, step_id in steps:
        expected |= {(dossier_id, step_id, AlertKind.STEP_OVERDUE), (dossier_id, 0, AlertKind.DOSSIER_OVERDUE)}
    mailsink.client().delete(mailsink.KEY)
    return expected


def run(count: int = 20_000, timeout: float = 600.0) -> AlertRun:
    """Two scans at once through the worker (beat firing twice must not double anything)."""
    from dossiers.tasks import scan_deadlines

    expected = prepare(count)
    result = AlertRun(alerts_expected=len(expected))
    try:
        started = time.monotonic()
        scan_deadlines.delay()
        scan_deadlines.delay()
        sink = mailsink.client()
        emails = Message.objects.filter(key__startswith="alert:", channel=Message.Channel.EMAIL)
        while True:
            time.sleep(1)
            result.seconds = time.monotonic() - started
            alerts = Alert.objects.count()
            pending = emails.filter(state=Message.State.PENDING).count()
            if alerts == len(expected) and pending == 0 and sink.hlen(mailsink.KEY) >= emails.count():
                break
            if result.seconds > timeout:
                result.timed_out = True
                break
        _check(result, expected, emails, sink)
    finally:
        restore()
    return result


def _check(result: AlertRun, expected: set, emails, sink) -> None:
    found = set(Alert.objects.values_list("dossier_id", "step_key", "kind"))
    result.alerts = len(found)
    if found != expected:
        result.notes.append(f"{len(expected - found)} alerts missing, {len(found - expected)} unexpected")
    result.emails = emails.count()
    counts = [int(v) for v in sink.hvals(mailsink.KEY)]
    result.deliveries = len(counts)
    result.duplicates = sum(c - 1 for c in counts if c > 1) + emails.filter(attempts__gt=1).count()
    result.lost = emails.exclude(state=Message.State.SENT).count()
    result.inapp = Message.objects.filter(key__startswith="alert:", channel=Message.Channel.INAPP).count()
