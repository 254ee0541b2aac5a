"""The summary tables (OfficerDayFigures, DossierDayFigures) as one concept: what they count (the
predicates shared by the services that write them and the leaders' reports that read them), how a
move adds to them in its own transaction, how a period is read from them, and how they are rebuilt.

Imports only the models and the workflow: the services and the leaders' code both import this.

- A step counts late (`late_step_q`, `step_counts_late`) when it ran over its own budget while the
  dossier was being handled. The step opened when handling ends (the counter hands the result
  back) starts at the dossier's finished_at and ends when the citizen collects, which no officer
  controls: it is never late.
- A resolved dossier counts early, on time or late (`resolved_kinds`, `resolved_kind`) by its
  timeliness, except that a withdrawn one is on time in Biểu 06, as the Thanh Hóa system counts it
  (domain-vn.md §8.1); a stopped one is judged by its clock.
- A received dossier counts as digitised (766 index, 4.2) when at least one paper was handed in at
  intake and each one is scanned or reused (`papers_digitised`, `dossier_papers_digitised`).
- Each row is a local day (grain DAY) or a local month (grain MONTH, dated the 1st, the sum of its
  day rows); every addition goes to both, and a period reads the month rows of its whole months and
  the day rows around them (`pieces`).
"""

import datetime as dt

from django.db import connection, transaction
from django.db.models import BigIntegerField, Count, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from procedures.models import Channel

from .models import (
    Dossier,
    DossierDayFigures,
    DossierDocument,
    DossierStep,
    Grain,
    OfficerDayFigures,
    ResultFile,
    ReturnMethod,
    SignatureVerdict,
    Timeliness,
)
from .workflow import Status

# The levels of a citizen's rating (ratings.models.Level takes its values from here; a test ties them).
RATING_VERY_SATISFIED, RATING_SATISFIED, RATING_NOT_SATISFIED = "very_satisfied", "satisfied", "not_satisfied"
RATING_GOOD = (RATING_VERY_SATISFIED, RATING_SATISFIED)
RATING_BAD = RATING_NOT_SATISFIED
# Withdrawn by the citizen: on time in Biểu 06 whatever the clock said (domain-vn.md §8.1, the
# Thanh Hóa convention names returned and withdrawn dossiers only). A dossier the agency stopped
# after its due time is late like any other (issue 21, item 11).
CLOSED_ON_TIME = (Status.WITHDRAWN,)


# --------------------------------------------------------------------------- what counts


def resolved_kinds() -> dict[str, Q]:
    """Early, on time, late (Biểu 06 col. 8–10) among resolved dossiers: their timeliness, except
    that a withdrawn one is on time. `resolved_kind` says the same of one dossier."""
    closed = Q(status__in=CLOSED_ON_TIME)
    return {
        "resolved_early": Q(timeliness=Timeliness.EARLY) & ~closed,
        "resolved_on_time": closed | ~Q(timeliness__in=[Timeliness.EARLY, Timeliness.LATE]),
        "resolved_late": Q(timeliness=Timeliness.LATE) & ~closed,
    }


def resolved_kind(status: str, timeliness: str) -> str:
    """The column of `resolved_kinds` a resolved dossier counts in, in Python: the services add it
    before the row is saved."""
    if status in CLOSED_ON_TIME:
        return "resolved_on_time"
    return {Timeliness.EARLY: "resolved_early", Timeliness.LATE: "resolved_late"}.get(timeliness, "resolved_on_time")


def late_step_q(prefix: str = "") -> Q:
    """A step that ran over its own budget while the dossier was being handled (module docstring)."""
    return Q(**{f"{prefix}timeliness": Timeliness.LATE}) & (
        Q(**{f"{prefix}dossier__finished_at__isnull": True})
        | Q(**{f"{prefix}started_at__lt": F(f"{prefix}dossier__finished_at")}))


def step_counts_late(dossier: Dossier, step: DossierStep) -> bool:
    """`late_step_q` on the rows as the move's transaction leaves them, which is how every later read
    finds them: a finished step's timeliness is never written again, and a dossier's finished_at is
    set once, by the move that ends handling, and never moved.

    - Handling goes on (hand over): finished_at is NULL. If handling ends later, it ends after the
      step began, and the step stays late; unless the step began at this very instant and handling
      ends at it too (a clock that did not tick between moves): the move that ends handling takes
      such steps back (services._finish_step with ends_handling).
    - Handling ends in this move: finished_at is now, and the step began before it, or began now and
      is not late.
    - Handling has ended (return): the only open step began at finished_at: never late.
    """
    return step.timeliness == Timeliness.LATE and (
        dossier.finished_at is None or step.started_at < dossier.finished_at)


def papers_digitised(dossier_ref: str = "pk") -> Q:
    """Received with its papers digitised: at least one paper handed in at intake, each one scanned
    or reused (4.2; domain-vn.md §9, TrangThaiSoHoa). `dossier_ref`: the outer query's dossier id."""
    papers = DossierDocument.objects.filter(dossier=OuterRef(dossier_ref), kind=DossierDocument.Kind.INTAKE,
                                            provided=True)
    return Exists(papers) & ~Exists(papers.filter(digitisation=DossierDocument.Digitisation.NONE))


def dossier_papers_digitised(dossier: Dossier) -> bool:
    """`papers_digitised` for one dossier, from its loaded papers."""
    papers = [d for d in dossier.documents.all() if d.kind == DossierDocument.Kind.INTAKE and d.provided]
    return bool(papers) and all(d.digitisation != DossierDocument.Digitisation.NONE for d in papers)


def paper_result_q() -> Q:
    """Approved with a result, of a procedure whose result is a paper document: 766 indicator 4.1's
    denominator, counted on the day handling ended (services._finish_dossier)."""
    return Q(status__in=[Status.RESULT_READY, Status.RETURNED], procedure__result_is_paper=True)


def e_result_q() -> Q:
    """With an electronic result whose signature was found valid: 4.1's numerator (results._store adds
    it on the day handling ended, so that it stays within the denominator of the same period)."""
    return Exists(ResultFile.objects.filter(dossier=OuterRef("pk"), verdict=SignatureVerdict.VALID))


# --------------------------------------------------------------------------- reading a period


def pieces(start: dt.date, end: dt.date) -> list[Q]:
    """The rows of a figures table that hold exactly the local days start … end, as one to three
    pieces, each one index range per unit: the month rows of the months wholly inside the period,
    and the day rows of the days before the first of them and after the last. A month not over yet
    is whole all the same when the period covers all of it: its row holds its days so far."""
    # The first whole month, and the day after the last one: [first, after) is whole months.
    first = start if start.day == 1 else (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    after = (end + dt.timedelta(days=1)).replace(day=1)
    if first >= after:
        return [Q(grain=Grain.DAY, day__gte=start, day__lte=end)]
    found = [Q(grain=Grain.MONTH, day__gte=first, day__lt=after)]
    if start < first:
        found.append(Q(grain=Grain.DAY, day__gte=start, day__lt=first))
    if after <= end:
        found.append(Q(grain=Grain.DAY, day__gte=after, day__lte=end))
    return found


# --------------------------------------------------------------------------- adding to them, in the move's transaction


def _grains(day: dt.date) -> list[tuple[str, str]]:
    """The two rows something on local `day` is added to, as (grain, day) in lock order: the day's
    row, then its month's. Every writer locks them in this order, so no deadlock: a move waiting for
    a month row already holds its day row."""
    return [(Grain.DAY, connection.ops.adapt_datefield_value(day)),
            (Grain.MONTH, connection.ops.adapt_datefield_value(day.replace(day=1)))]


def _add(model, key: tuple[str, ...], counters: tuple[str, ...], rows: list[list]) -> None:
    """Add each of `rows` (grain, *key, *amounts) to its row of a figures table, inserted if missing:
    one INSERT … ON CONFLICT DO UPDATE that adds (Django's bulk_create can only overwrite a
    conflicting row). Two moves adding to one row wait for each other on its lock and each adds its
    share. Give the rows in the lock order of _grains. The same SQL runs on PostgreSQL and on SQLite
    (≥ 3.24) for the demo."""
    table = model._meta.db_table
    columns = ("grain", *key, *counters)
    values = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([values] * len(rows))} "
            f"ON CONFLICT (grain, {', '.join(key)}) DO UPDATE SET "
            + ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in counters),
            [value for row in rows for value in row])


def _step_keys(dossier: Dossier, step: DossierStep) -> list[list]:
    """The step's rows of OfficerDayFigures, day then month: grain, officer, day, agency, procedure,
    department (officer and department 0 for none: NULLs would not meet in a unique key). The agency
    is the one that held the step (DossierStep.agency: the desk's intake and return count at the desk),
    the dossier's for a row without one."""
    day = timezone.localdate(step.finished_at, timezone.get_default_timezone())
    agency = step.agency_id or dossier.agency_id
    return [[grain, step.to_user_id or 0, first, agency, dossier.procedure_id, step.to_department_id or 0]
            for grain, first in _grains(day)]


def count_step(dossier: Dossier, step: DossierStep, *, late: bool) -> None:
    """A step finished: add it, late or not, to its day and month rows of OfficerDayFigures."""
    amounts = [1, int(late), step.late_seconds if late else 0]
    _add(OfficerDayFigures, ("officer_id", "day", "agency_id", "procedure_id", "department_id"),
         ("steps", "late_steps", "late_seconds"), [[*key, *amounts] for key in _step_keys(dossier, step)])


def uncount_late(dossier: Dossier, step: DossierStep) -> None:
    """Take back the lateness of a step counted late when it was finished (step_counts_late): its day
    row first, then its month row (the lock order of _grains)."""
    for grain, officer, day, agency, procedure, department in _step_keys(dossier, step):
        OfficerDayFigures.objects.filter(
            grain=grain, officer_id=officer, day=day, agency_id=agency, procedure_id=procedure,
            department_id=department,
        ).update(late_steps=F("late_steps") - 1, late_seconds=F("late_seconds") - step.late_seconds)


def count_dossier(dossier: Dossier, moment: dt.datetime, *added: str) -> None:
    """Add one to each of `added` (DossierDayFigures counters) on the dossier's day and month rows
    (its agency and procedure, the local day of `moment`). Nothing changes a received dossier's
    agency, procedure or channel, nor its received_at, finished_at, returned_at or timeliness once
    set, so a dossier is added once on receipt, once when handling ends, once when its result is
    handed back and once when rated. A result handed back by public post counts in returned_post too
    (its return method is set at intake and never changed), an online dossier of a procedure whose
    result is a paper document in new_online_paper."""
    if "returned" in added and dossier.return_method == ReturnMethod.POST:
        added = (*added, "returned_post")
    if "new_online" in added and dossier.procedure.result_is_paper:  # 766 indicator 3.3's condition
        added = (*added, "new_online_paper")
    counters = DossierDayFigures.COUNTERS
    day = timezone.localdate(moment, timezone.get_default_timezone())
    amounts = [int(c in added) for c in counters]
    _add(DossierDayFigures, ("day", "agency_id", "procedure_id"), counters,
         [[grain, first, dossier.agency_id, dossier.procedure_id, *amounts] for grain, first in _grains(day)])


def count_rating(dossier: Dossier, *, level: str, at: dt.datetime) -> None:
    """A rating given `at`: a rating, maybe a good one, on its day, and a "not satisfied" one on a
    dossier not late on the day its handling ended (the 766 index's 5.4 counts the period's
    resolved dossiers, and a late one rated badly only once)."""
    count_dossier(dossier, at, "rated", *(["rated_good"] if level in RATING_GOOD else []))
    if level == RATING_BAD and dossier.timeliness != Timeliness.LATE:
        count_dossier(dossier, dossier.finished_at, "disliked")


# --------------------------------------------------------------------------- rebuilding them


def _sum_months(cursor, model, key: tuple[str, ...], counters: tuple[str, ...]) -> int:
    """Add the month rows of a figures table, each the sum of its month's day rows just written: one
    INSERT … SELECT … GROUP BY. Returns the number of rows."""
    months = (model.objects.filter(grain=Grain.DAY).order_by()
              .values(*key, month=TruncMonth("day")).annotate(**{f"sum_{c}": Sum(c) for c in counters}))
    select_sql, params = months.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ("month", *key, *(f"sum_{c}" for c in counters)))
    cursor.execute(f"INSERT INTO {model._meta.db_table} (grain, day, {', '.join(key)}, {', '.join(counters)}) "
                   f"SELECT %s, {columns} FROM ({select_sql}) months", [Grain.MONTH, *params])
    return cursor.rowcount


def _replace(cursor, model) -> None:
    """Empty a figures table for its rebuild. On PostgreSQL it is locked against writers (not
    readers) until the caller's transaction ends, so that a move meanwhile is added after the
    rebuild, not lost or counted twice; a whole log's GROUP BY hashes in memory."""
    if connection.vendor == "postgresql":
        cursor.execute(f"LOCK TABLE {model._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute(f"DELETE FROM {model._meta.db_table}")


def officer_figures_rebuild() -> int:
    """Recompute OfficerDayFigures from the step log with `late_step_q`: one INSERT … SELECT … GROUP
    BY for the day rows and one for the month rows. Returns the rows written. For rows loaded
    without the services (the bench's COPY) and for operators (`manage.py rebuild_officer_figures`)."""
    late = late_step_q()
    ids = {"output_field": BigIntegerField()}
    groups = (DossierStep.objects.filter(finished_at__isnull=False).order_by()
              .values(officer=Coalesce("to_user_id", Value(0), **ids),
                      local_day=TruncDate("finished_at", tzinfo=timezone.get_default_timezone()),
                      held_by=Coalesce("agency_id", "dossier__agency_id"), procedure=F("dossier__procedure_id"),
                      department=Coalesce("to_department_id", Value(0), **ids))
              .annotate(n=Count("id"), late_n=Count("id", filter=late),
                        late_s=Coalesce(Sum("late_seconds", filter=late), Value(0), **ids)))
    select_sql, params = groups.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ("officer", "local_day", "held_by", "procedure", "department",
                                           "n", "late_n", "late_s"))
    with transaction.atomic(), connection.cursor() as cursor:
        _replace(cursor, OfficerDayFigures)
        cursor.execute(
            f"INSERT INTO {OfficerDayFigures._meta.db_table} (grain, officer_id, day, agency_id, procedure_id, "
            f"department_id, steps, late_steps, late_seconds) SELECT %s, {columns} FROM ({select_sql}) groups",
            [Grain.DAY, *params])
        days = cursor.rowcount
        return days + _sum_months(cursor, OfficerDayFigures, ("officer_id", "agency_id", "procedure_id",
                                                              "department_id"),
                                  ("steps", "late_steps", "late_seconds"))


def _report_parts() -> list[tuple[Q, str, dict[str, Q]]]:
    """What DossierDayFigures counts, as (which dossiers, the moment whose local day they count on,
    {counter: condition}): the services add the same when each moment happens."""
    received = Q(received_at__isnull=False)
    online, closed = Q(channel=Channel.ONLINE), Q(status__in=CLOSED_ON_TIME)
    return [
        (received, "received_at", {"new_online": online, "new_offline": ~online, "digitised": papers_digitised(),
                                   "new_post": Q(channel=Channel.POST),
                                   "new_online_paper": online & Q(procedure__result_is_paper=True),
                                   "online_e_results": online & paper_result_q() & e_result_q()}),
        (received & Q(finished_at__isnull=False), "finished_at", {
            **resolved_kinds(), **{status: Q(status=status) for status in (Status.REFUSED, Status.WITHDRAWN,
                                                                         Status.STOPPED)},
            "closed_late": closed & Q(timeliness=Timeliness.LATE),
            "disliked": Q(rating__level=RATING_BAD) & ~Q(timeliness=Timeliness.LATE),
            "paper_results": paper_result_q(), "e_results": paper_result_q() & e_result_q()}),
        (received & Q(returned_at__isnull=False), "returned_at",
         {"returned": Q(), "returned_post": Q(return_method=ReturnMethod.POST)}),
        (Q(received_at__isnull=True, status=Status.REFUSED, finished_at__isnull=False), "finished_at",
         {"refused_at_intake": Q()}),
        (received & Q(rating__isnull=False), "rating__created_at",
         {"rated": Q(), "rated_good": Q(rating__level__in=RATING_GOOD)}),
    ]


def report_figures_rebuild() -> int:
    """Recompute DossierDayFigures from the dossiers: one INSERT … SELECT that sums per local day,
    agency and procedure the dossiers grouped by each day they count on (_report_parts, UNION ALL),
    then the month rows. Returns the rows written. For rows loaded without the services (the bench's
    COPY) and for operators (`manage.py rebuild_report_figures`)."""
    zone = timezone.get_default_timezone()
    quote = connection.ops.quote_name
    counters = DossierDayFigures.COUNTERS
    selects, params = [], []
    for n, (which, moment, rules) in enumerate(_report_parts()):
        groups = (Dossier.objects.filter(which).order_by()
                  .values("agency_id", "procedure_id", local_day=TruncDate(moment, tzinfo=zone))
                  .annotate(**{f"n_{name}": Count("id", filter=q) for name, q in rules.items()}))
        sql, part_params = groups.query.sql_with_params()
        columns = ", ".join(f"{quote(f'n_{c}') if c in rules else 0} AS {c}" for c in counters)
        selects.append(f"SELECT local_day, agency_id, procedure_id, {columns} FROM ({sql}) part{n}")
        params += part_params
    names = ", ".join(counters)
    with transaction.atomic(), connection.cursor() as cursor:
        _replace(cursor, DossierDayFigures)
        cursor.execute(
            f"INSERT INTO {DossierDayFigures._meta.db_table} (grain, day, agency_id, procedure_id, {names}) "
            f"SELECT %s, local_day, agency_id, procedure_id, {', '.join(f'SUM({c})' for c in counters)} "
            f"FROM ({' UNION ALL '.join(selects)}) flows GROUP BY local_day, agency_id, procedure_id",
            [Grain.DAY, *params])
        days = cursor.rowcount
        return days + _sum_months(cursor, DossierDayFigures, ("agency_id", "procedure_id"), counters)
