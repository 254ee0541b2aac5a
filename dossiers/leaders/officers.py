"""Late steps per officer, from the handover log: a step (DossierStep) finished in the period counts
for the officer who received it (``to_user``), late when it ran past its own due time
(dossiers.figures.late_step_q), with ``late_seconds`` working seconds over budget. The current
holder of a late dossier is not blamed for earlier steps, and the step that hands the result back
is never late. The period's step figures are read from the summary table OfficerDayFigures; one
officer's late steps from the log itself. "Overdue on the desk now" is the present, not the period.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import BigIntegerField, Count, F, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from dossiers.figures import late_step_q, papers_digitised
from dossiers.models import Dossier, DossierStep, OfficerDayFigures
from dossiers.workflow import CLOCK_RUNNING, CLOCK_STOPPED
from mocua.accounts.models import Role, User
from mocua.text import fold

from . import sql
from .periods import Period
from .rates import percent, rounded
from .scope import Filters, Scope, department_q

OFFICER_ROLES = (Role.RECEPTION, Role.SPECIALIST, Role.HEAD, Role.LEADER)


def overdue_now_q(now: dt.datetime | None = None, prefix: str = "") -> Q:
    """On someone's desk with a running clock, past the step's due time or the dossier's statutory
    due time (an apology's new appointment does not make a late dossier timely); or waiting for the
    citizen (papers, money) after the clock was stopped past one of them: a step already late when
    the clock stopped stays late until it moves on (Biểu 06 col. 13 counts the dossier the same)."""
    now = now or timezone.now()
    running = Q(**{f"{prefix}status__in": sorted(CLOCK_RUNNING)}) & (
        Q(**{f"{prefix}step_due_at__lt": now}) | Q(**{f"{prefix}legal_due_at__lt": now}))
    paused = F(f"{prefix}paused_at")
    stopped_late = Q(**{f"{prefix}status__in": sorted(CLOCK_STOPPED)}) & (
        Q(**{f"{prefix}step_due_at__lt": paused}) | Q(**{f"{prefix}legal_due_at__lt": paused}))
    # The status list first and alone: it is the partial index's condition (dossier_agency_running).
    return Q(**{f"{prefix}status__in": sorted(CLOCK_RUNNING | CLOCK_STOPPED)}) & (running | stopped_late)


@dataclass
class StepFigures:
    key: object
    label: str
    steps: int = 0
    late_steps: int = 0
    late_seconds: int = 0
    overdue_now: int = 0
    detail: str = ""  # department, agency
    is_active: bool = True
    received: int = 0  # dossiers received in the period (by this officer; per unit: by the unit)
    digitised: int = 0  # of them, with every paper handed in digitised at intake (766 4.2's first part)

    @property
    def digitised_rate(self) -> float | None:
        return percent(self.digitised, self.received)

    @property
    def late_rate(self) -> float | None:
        return percent(self.late_steps, self.steps)

    @property
    def late_hours(self) -> float:
        return rounded(self.late_seconds / 3600)


OFFICER_SORTS = {
    "name": lambda r: fold(r.label),
    "steps": lambda r: r.steps,
    "late_steps": lambda r: r.late_steps,
    "late_rate": lambda r: -1 if r.late_rate is None else r.late_rate,
    "late_hours": lambda r: r.late_seconds,
    "overdue_now": lambda r: r.overdue_now,
    "digitised_rate": lambda r: -1 if r.digitised_rate is None else r.digitised_rate,
}


def sort_rows(rows: list, sort: str, descending: bool | None = None) -> list:
    """Numbers high first, names A to Z; ties by hours over budget, then name. Names compare
    without diacritics, so "Đặng" sorts with the Ds as Vietnamese lists do (code points put Đ last)."""
    key = OFFICER_SORTS.get(sort, OFFICER_SORTS["late_steps"])
    descending = sort != "name" if descending is None else descending
    rows = sorted(rows, key=lambda r: fold(r.label))
    rows = sorted(rows, key=lambda r: r.late_seconds, reverse=True)
    return sorted(rows, key=key, reverse=descending)


def step_sums() -> dict:
    # The sum of a bigint is a numeric on PostgreSQL: cast back, or the driver returns Decimals.
    return {"steps": Sum("steps"), "late_steps": Sum("late_steps"),
            "late_seconds": Cast(Sum("late_seconds"), BigIntegerField())}


def step_figures(scope: Scope, period: Period, filters: Filters, key: str) -> tuple[str, tuple]:
    """The SQL of the steps, late steps and late seconds per `key`, summed from OfficerDayFigures
    over the scope (a head's: their department's steps) under the filters for the period. A row's
    agency is the one that held the step (DossierStep.agency), its procedure the dossier's, so the
    dossiers' filter applies as it is."""
    where = filters.dossiers(scope) & department_q(scope, "department_id")
    return sql.figures_sums(OfficerDayFigures, where, period, key, step_sums())


def _officers_of(scope: Scope, filters: Filters):
    return User.objects.filter(department_q(scope, "department_id"), agency_id__in=filters.agency_ids(scope),
                               role__in=OFFICER_ROLES)


def officers(*, scope: Scope, period: Period, filters: Filters = Filters(), sort: str = "late_steps",
             descending: bool | None = None) -> list[StepFigures]:
    """One row per officer of the scope, in one query (sql.officers_sql): the officers joined to the
    period's steps summed per officer and to the dossiers overdue on their desk now, counted once
    for the scope (the running dossiers' partial index, dossier_agency_running)."""
    people = _officers_of(scope, filters).order_by().values("id", "full_name", "username", "is_active",
                                                            "department__name", "agency__name")
    desk = (Dossier.objects.filter(overdue_now_q(), filters.dossiers(scope)).order_by()
            .values("holder_id").annotate(n=Count("pk")))
    # Officer 0 (steps handed to a department only) joins no one.
    found = sql.officers_sql(people, step_figures(scope, period, filters, "officer_id"), desk,
                             received_digitised(scope, period, filters))
    rows = [StepFigures(u["id"], u["full_name"] or u["username"], u["steps"] or 0, u["late_steps"] or 0,
                        u["late_seconds"] or 0, u["overdue_now"] or 0,
                        " · ".join(x for x in (u["department__name"], u["agency__name"]) if x), bool(u["is_active"]),
                        u["received"] or 0, u["digitised"] or 0)
            for u in found]
    # A former officer stays in the table only for the period in which they handled dossiers.
    rows = [r for r in rows if r.is_active or r.steps or r.overdue_now]
    return sort_rows(rows, sort, descending)


def received_digitised(scope: Scope, period: Period, filters: Filters):
    """Per to_user_id, the dossiers of the scope received in the period by that officer (the first
    step, opened at the moment received) and of them those digitised as figures.papers_digitised
    judges it for the 766 index: grouped over the period's received dossiers (dossier_agency_received),
    joined into the officers' one query (sql.officers_sql)."""
    return (DossierStep.objects.filter(filters.dossiers(scope, "dossier__"), step_index=0,
                                       started_at=F("dossier__received_at"),
                                       dossier__received_at__gte=period.start_at,
                                       dossier__received_at__lt=period.end_at, to_user__isnull=False)
            .order_by().values("to_user_id")
            .annotate(received=Count("dossier_id", distinct=True),
                      digitised=Count("dossier_id", distinct=True, filter=papers_digitised("dossier_id"))))


def officer_get(*, scope: Scope, pk: int) -> User | None:
    """An officer of the scope, or None (the page answers 404)."""
    return _officers_of(scope, Filters()).filter(pk=pk).select_related("agency", "department").first()


def officer_late_steps(*, officer: User, scope: Scope, period: Period, filters: Filters = Filters()):
    """The officer's steps finished late in the period, worst first: one query."""
    finished = Q(finished_at__gte=period.start_at, finished_at__lt=period.end_at)
    return (DossierStep.objects.filter(finished, filters.steps(scope), late_step_q(), to_user=officer)
            .select_related("dossier")
            .only("step_name", "started_at", "due_at", "finished_at", "late_seconds", "dossier__code",
                  "dossier__agency_id", "dossier__procedure_name")
            .order_by("-late_seconds", "finished_at"))


def officer_overdue_now(*, officer: User, scope: Scope, filters: Filters = Filters()):
    """Dossiers late on the officer's desk now: one query."""
    return (Dossier.objects.filter(overdue_now_q(), filters.dossiers(scope), holder=officer)
            .only("code", "agency_id", "procedure_name", "status", "step_due_at", "due_at", "legal_due_at",
                  "received_at")
            .order_by("step_due_at", "pk"))
