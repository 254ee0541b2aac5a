"""Leaders' figures, counted in SQL: the dashboard, late steps per officer, breakdowns, the
periodic report Biểu 06/VPCP/KSTT and the computable indicators of the 766 index.

Pure reads. Every table is one GROUP BY query (``annotate``/``aggregate`` with
``Count(filter=Q(...))`` and ``Sum``), so a page's query count does not grow with the number
of officers, agencies or dossiers.

Counting conventions (domain-vn.md §7 and §8.1), for a period [start, end] of whole local days,
"start" being 00:00 of the first day and "end" 00:00 of the day after the last one:

- Only dossiers that were received count (``received_at`` set): a dossier refused at the
  counter or an online submission never accepted is not in Biểu 06 (the dashboard shows the
  refusals at intake on their own line).
- Received in the period (col. 4, 5): ``start ≤ received_at < end``; online (col. 4) by
  ``channel = online``, the counter and public post together (col. 5). An online dossier is
  received when the counter accepts it.
- Carried over (col. 6): received before ``start`` and not finished before it
  (``finished_at`` null or ≥ ``start``).
- Resolved (col. 7): ``start ≤ finished_at < end``. Handling ends when the result is approved
  (result_ready; its return to the citizen changes nothing), or on a refusal after appraisal, a
  withdrawal or a stop; all of these count as resolved, so that col. 3 = col. 7 + col. 11.
  Early / on time / late (col. 8–10) is ``Dossier.timeliness`` (the finish against the
  statutory ``legal_due_at``, pauses excluded; more than one supplement request is late), except
  that withdrawn and stopped dossiers count as on time, as the Thanh Hóa system does
  (``daXuLyDungHanVaTraLai``).
- In progress at the end of the period (col. 11): ``received_at < end`` and ``finished_at`` null
  or ≥ ``end``. Overdue (col. 13) when ``legal_due_at`` is before the end of the period (or
  before now, for a period that has not ended yet) or more than one supplement was asked for.
  A dossier whose clock was stopped at that moment (awaiting a supplement or a payment of
  obligations since before it) counts as within the limit (col. 12), as in Thanh Hóa
  (``dangXuLyTrongHanVaBoSung``), unless it was already overdue when the clock stopped: the 766
  rule takes the request date as the end of a pending supplement, so asking for papers after
  the due time does not hide the lateness. ``paused_at`` stays set on a dossier closed while
  paused (only a resume clears it), so this also holds for past periods. ``legal_due_at`` is the
  statutory due time moved only by the pauses, never by an apology (Mẫu 04), so a new
  appointment does not hide a late dossier.
- Biểu 06 itself (report06) reads its flow columns (4, 5, 7–10) from DossierDayFigures: each
  received dossier counted per local day, agency and procedure in the transaction that receives it
  (services._start_clock) and in the one that ends its handling (services._finish_dossier, early /
  on time / late by ``resolved_kind``, the Python twin of ``resolved_kinds``). A period being whole
  local days, the sums over its days are exactly the rows the conditions above select. Its stock
  columns (11, 13) are counted on the dossiers in progress at the end, with the conditions above,
  and col. 6 follows from the identities: (6) = (7) + (11) − (4) − (5). Its cost thus depends on
  the agencies × procedures × days with something received or resolved and on the dossiers open at
  the end, not on how many were finished in the period. The days of a whole month are read as
  one month row (``figures_pieces``), so a year costs twelve rows per agency and procedure. A field
  whose only dossiers in the period were refused at the counter has no row (nothing in it is
  counted).
- The dashboard, the 766 index and the breakdowns read their period figures the same way: the
  flows from DossierDayFigures (which also counts, on the day of each, the resolved ones refused,
  withdrawn or stopped, those withdrawn or stopped past their due, the refusals at intake, the
  results handed back, the receipts with digitised papers, the ratings and the good ones, and a
  "not satisfied" rating on a dossier not late on the day its handling ended), the stocks from the
  dossiers open at the end. count_dossiers still counts the dossier rows with the conditions below:
  it is what the tests hold the summary reads to.
- The dashboard's on-time rate is read off the Biểu 06 columns: (col. 8 + 9 + 12) ÷ col. 3.
  The 766 indicators (2.1, 5.4) instead judge a withdrawn or stopped dossier by its own clock
  (§7: "the end of handling" includes Dừng / Từ chối / Rút, on time when it is ≤ the due time),
  as ratings.stats.indicator_5_4 does; the figure ``closed_late`` carries the difference.
- Lateness per officer is taken from the handover log: a step (DossierStep) finished in the
  period counts for the officer who received it (``to_user``), late when it ran past its own due
  time, with ``late_seconds`` working seconds over budget. The current holder of a late dossier
  is not blamed for earlier steps. The step that hands the result back (opened when handling
  ended) counts as handled but never as late: its end is when the citizen comes to collect.
  "Overdue on the desk now" is the present, not the period: held by the officer with a running
  clock and past the step's due time or the dossier's statutory due time. The step figures of the
  per-officer table and of the breakdowns are read from OfficerDayFigures, the steps summed per
  officer, local day, agency, procedure and department in the transaction that finishes each one
  (services._finish_step, with ``late_step_q``); a period being whole local days, its steps are
  those of its days. The list of one officer's late steps reads the log itself.
- Both summary tables hold a month row (grain MONTH, dated the first of the month) beside the day
  rows, the sum of that month's day rows, added to in the same statement as the day row (or
  recomputed with it). ``figures_pieces`` reads a period as the month rows of the months wholly
  inside it and the day rows of the days before and after them: the same sums from far fewer rows.
- Satisfaction: ratings given in the period on the scope's dossiers, very satisfied + satisfied
  ÷ all. The ratings app sits below this one (DESIGN.md, Layers): it is reached only through the
  reverse lookup ``rating__…`` on Dossier, never imported.
"""

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db import connection
from django.db.models import BigIntegerField, Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from mocua.accounts.models import Agency, Department, Role, User
from mocua.text import fold
from procedures.models import Channel, Field, Procedure

from .models import Dossier, DossierDayFigures, DossierDocument, DossierStep, Grain, OfficerDayFigures, Timeliness
from .workflow import CLOCK_RUNNING, Status

# ratings.models.Level values (the ratings app may not be imported from here).
RATING_GOOD = ("very_satisfied", "satisfied")
RATING_BAD = "not_satisfied"
# Closed by the citizen or the agency: on time in Biểu 06 whatever the clock said.
CLOSED_ON_TIME = (Status.WITHDRAWN, Status.STOPPED)
OFFICER_ROLES = (Role.RECEPTION, Role.SPECIALIST, Role.HEAD, Role.LEADER)


# --------------------------------------------------------------------------- period


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year, range
    start: dt.date  # first day
    end: dt.date  # last day (inclusive)

    @property
    def start_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def end_at(self) -> dt.datetime:
        """00:00 of the day after the last one: periods are half-open [start_at, end_at)."""
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))

    @property
    def as_of(self) -> dt.datetime:
        """When "in progress" is judged: the end of the period, or now if it has not ended."""
        return min(self.end_at, timezone.now())

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"Tháng {self.start.month}/{self.start.year}"
        if self.kind == "quarter":
            return f"Quý {(self.start.month - 1) // 3 + 1}/{self.start.year}"
        if self.kind == "year":
            return f"Năm {self.start.year}"
        return f"Từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    @property
    def slug(self) -> str:
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"


def month_period(year: int, month: int) -> Period:
    return Period("month", dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period("quarter", dt.date(year, first, 1), month_period(year, first + 2).end)


def year_period(year: int) -> Period:
    return Period("year", dt.date(year, 1, 1), dt.date(year, 12, 31))


def range_period(start: dt.date, end: dt.date) -> Period:
    return Period("range", min(start, end), max(start, end))


def this_month() -> Period:
    today = timezone.localdate()
    return month_period(today.year, today.month)


def figures_pieces(period: Period) -> list[Q]:
    """The rows of a figures table (OfficerDayFigures, DossierDayFigures) that hold exactly the
    period's days, as one to three pieces, each one index range per unit: the month rows of the
    months wholly inside the period, and the day rows of the days before the first of them and
    after the last. A month not over yet (the current month, in the current year) is whole all the
    same when the period covers all of it: its row holds its days so far. A period with no whole
    month is its day rows alone."""
    start, end = period.start, period.end
    # The first whole month, and the day after the last one: [first, after) is whole months.
    first = start if start.day == 1 else (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    after = (end + dt.timedelta(days=1)).replace(day=1)
    if first >= after:
        return [Q(grain=Grain.DAY, day__gte=start, day__lte=end)]
    pieces = [Q(grain=Grain.MONTH, day__gte=first, day__lt=after)]
    if start < first:
        pieces.append(Q(grain=Grain.DAY, day__gte=start, day__lt=first))
    if after <= end:
        pieces.append(Q(grain=Grain.DAY, day__gte=after, day__lte=end))
    return pieces


def _figures_sums(model, where: Q, period: Period, key: str, sums: dict, by=None) -> tuple[str, tuple]:
    """The SQL and parameters of `sums` per `key` over the rows of a figures table under `where`
    for the period: one GROUP BY per piece (figures_pieces), added up over their UNION ALL when
    there are more than one. `by`: an expression to group by, named `key` (else the field `key`).

    Each piece is read as one index range per unit, from the covering index alone (PostgreSQL). The
    pieces OR'd in one WHERE could only be read through a bitmap, which visits the table, and
    PostgreSQL read the whole table instead (15/01–20/11 at 200 000 dossiers a year: 380 000 rows
    in 45 ms, against 74 000 index entries in 19 ms for the union).
    """
    group = {key: by} if by is not None else {}
    parts = [model.objects.filter(where, piece).order_by().values(*([] if group else [key]), **group)
             .annotate(**sums).query.sql_with_params() for piece in figures_pieces(period)]
    if len(parts) == 1:
        return parts[0]
    quote = connection.ops.quote_name
    # A sum of integers is a numeric on PostgreSQL: cast back, or the driver returns Decimals.
    totals = ", ".join(f"CAST(SUM({quote(name)}) AS bigint) AS {quote(name)}" for name in sums)
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) piece{n}" for n, (sql, _) in enumerate(parts))
    return (f"SELECT {quote(key)}, {totals} FROM ({union}) pieces GROUP BY {quote(key)}",
            tuple(param for _, params in parts for param in params))


# --------------------------------------------------------------------------- scope


@dataclass(frozen=True)
class Unit:
    id: int
    name: str
    parent_id: int | None
    depth: int


@dataclass
class Scope:
    """The leader's agency and every agency below it (Agency.parent tree), root first."""

    units: list[Unit]

    @property
    def root(self) -> Unit:
        return self.units[0]

    @property
    def ids(self) -> list[int]:
        return [u.id for u in self.units]

    def name(self, agency_id: int) -> str:
        return next((u.name for u in self.units if u.id == agency_id), "")

    def subtree(self, agency_id: int) -> list[int]:
        """The agency and its descendants, if it is in the scope (else nothing)."""
        ids, found = [], None
        for unit in self.units:  # depth-first order: a subtree is a contiguous run
            if found is not None and unit.depth <= found:
                break
            if unit.id == agency_id:
                found = unit.depth
            if found is not None:
                ids.append(unit.id)
        return ids


def scope_for(user) -> Scope:
    """One query: all agencies, walked in Python (the tree is a few hundred rows at most)."""
    if getattr(user, "agency_id", None) is None:
        raise PermissionDenied("Tài khoản chưa thuộc cơ quan, đơn vị nào.")
    rows = list(Agency.objects.order_by("name").values_list("id", "name", "parent_id"))
    children: dict[int | None, list] = {}
    for row in rows:
        children.setdefault(row[2], []).append(row)
    root = next(row for row in rows if row[0] == user.agency_id)
    units: list[Unit] = []

    def walk(row, depth):
        units.append(Unit(row[0], row[1], row[2], depth))
        for child in children.get(row[0], []):
            walk(child, depth + 1)

    walk(root, 0)
    return Scope(units)


@dataclass(frozen=True)
class Filters:
    agency_id: int | None = None
    field_id: int | None = None
    procedure_id: int | None = None

    def agency_ids(self, scope: Scope) -> list[int]:
        return scope.subtree(self.agency_id) if self.agency_id else scope.ids

    def dossiers(self, scope: Scope, prefix: str = "") -> Q:
        """The scope's dossiers under these filters; `prefix` reaches them from another model."""
        q = Q(**{f"{prefix}agency_id__in": self.agency_ids(scope)})
        if self.field_id:
            q &= Q(**{f"{prefix}procedure__field_id": self.field_id})
        if self.procedure_id:
            q &= Q(**{f"{prefix}procedure_id": self.procedure_id})
        return q


def filter_choices(scope: Scope) -> tuple[list[tuple], list[tuple]]:
    """Fields and procedures a leader may filter by: those handled within the scope (2 queries)."""
    procedures = list(Procedure.objects.filter(agencies__in=scope.ids).distinct()
                      .order_by("code").values_list("id", "code", "name", "field_id"))
    field_ids = {p[3] for p in procedures}
    fields = list(Field.objects.filter(pk__in=field_ids).order_by("name").values_list("id", "name"))
    return fields, procedures


# --------------------------------------------------------------------------- the counting rules


def _between(name: str, period: Period) -> Q:
    return Q(**{f"{name}__gte": period.start_at, f"{name}__lt": period.end_at})


def resolved_kinds() -> dict[str, Q]:
    """Early, on time, late (col. 8–10) among resolved dossiers: their timeliness, except that a
    withdrawn or stopped one is on time. `resolved_kind` says the same of one dossier."""
    closed = Q(status__in=CLOSED_ON_TIME)
    return {
        "resolved_early": Q(timeliness=Timeliness.EARLY) & ~closed,
        "resolved_on_time": closed | ~Q(timeliness__in=[Timeliness.EARLY, Timeliness.LATE]),
        "resolved_late": Q(timeliness=Timeliness.LATE) & ~closed,
    }


def resolved_kind(status: str, timeliness: str) -> str:
    """The column of `resolved_kinds` a resolved dossier counts in: what services._finish_dossier
    adds to DossierDayFigures, in Python because the row is not saved yet."""
    if status in CLOSED_ON_TIME:
        return "resolved_on_time"
    return {Timeliness.EARLY: "resolved_early", Timeliness.LATE: "resolved_late"}.get(timeliness, "resolved_on_time")


def conditions(period: Period) -> dict[str, Q]:
    """Each figure as a condition on one Dossier row (see the module docstring)."""
    start, end, as_of = period.start_at, period.end_at, period.as_of
    new = _between("received_at", period)
    carried = Q(received_at__lt=start) & (Q(finished_at__isnull=True) | Q(finished_at__gte=start))
    resolved = Q(received_at__isnull=False) & _between("finished_at", period)
    closed = Q(status__in=CLOSED_ON_TIME)
    in_progress = Q(received_at__lt=end) & (Q(finished_at__isnull=True) | Q(finished_at__gte=end))
    # Clock stopped at `as_of` while still within the limit (see the module docstring).
    paused_within = Q(paused_at__lt=as_of, legal_due_at__gte=F("paused_at"))
    overdue = in_progress & ~paused_within & (Q(legal_due_at__lt=as_of) | Q(supplement_requests__gt=1))
    kinds = resolved_kinds()
    late = resolved & kinds["resolved_late"]
    return {
        "new_online": new & Q(channel=Channel.ONLINE),
        "new_offline": new & ~Q(channel=Channel.ONLINE),
        "carried_over": carried,
        "resolved": resolved,
        "resolved_early": resolved & kinds["resolved_early"],
        "resolved_on_time": resolved & kinds["resolved_on_time"],
        "resolved_late": late,
        "in_progress": in_progress,
        "in_progress_overdue": overdue,
        # withdrawn or stopped after the due time: on time in Biểu 06, late for the 766 index
        "closed_late": resolved & closed & Q(timeliness=Timeliness.LATE),
        # dashboard only
        "returned": _between("returned_at", period),
        "refused": resolved & Q(status=Status.REFUSED),
        "withdrawn": resolved & Q(status=Status.WITHDRAWN),
        "stopped": resolved & Q(status=Status.STOPPED),
        "refused_at_intake": Q(received_at__isnull=True, status=Status.REFUSED) & _between("finished_at", period),
        "rated": _between("rating__created_at", period),
        "rated_good": _between("rating__created_at", period) & Q(rating__level__in=RATING_GOOD),
        # 766 index 5.4: a late dossier rated badly counts once
        "disliked": resolved & Q(rating__level=RATING_BAD) & ~Q(timeliness=Timeliness.LATE),
    }


REPORT_FIGURES = ("new_online", "new_offline", "carried_over", "resolved", "resolved_early", "resolved_on_time",
                  "resolved_late", "in_progress", "in_progress_overdue")
DASHBOARD_FIGURES = (*REPORT_FIGURES, "returned", "refused", "withdrawn", "stopped", "refused_at_intake", "rated",
                     "rated_good")
INDEX_FIGURES = (*REPORT_FIGURES, "closed_late", "disliked", "digitised")


def papers_digitised() -> Q:
    """Received in the period with its papers digitised: at least one paper handed in at intake,
    and each one scanned or reused (4.2; domain-vn.md §9, TrangThaiSoHoa)."""
    papers = DossierDocument.objects.filter(dossier=OuterRef("pk"), kind=DossierDocument.Kind.INTAKE, provided=True)
    return Exists(papers) & ~Exists(papers.filter(digitisation=DossierDocument.Digitisation.NONE))


def _relevant(period: Period, with_ratings: bool, with_returns: bool = False) -> Q:
    """Rows that can count at all in the period: a WHERE that spares the index the old, closed years.

    A result approved before the period may be collected in it, and a dossier resolved long ago
    may be rated in it: those rows are added only when the figures asked for need them.
    """
    q = (Q(received_at__lt=period.end_at) & (Q(finished_at__isnull=True) | Q(finished_at__gte=period.start_at))
         | _between("finished_at", period))
    if with_returns:
        q |= _between("returned_at", period)
    if with_ratings:
        return q | _between("rating__created_at", period)
    if not with_returns:
        # Implied by both branches above, said again on its own: PostgreSQL can then read the rows
        # through (agency, finished_at) instead of the whole table (Biểu 06 for the current year
        # at 5M dossiers: 2.8 s → 1.1–1.3 s).
        q &= Q(finished_at__isnull=True) | Q(finished_at__gte=period.start_at)
    return q


def _aggregates(period: Period, names: Iterable[str]) -> dict:
    rules = conditions(period)
    if "digitised" in names:
        rules["digitised"] = _between("received_at", period) & papers_digitised()
    return {name: Count("pk", filter=rules[name]) for name in names}


def count_dossiers(*, scope: Scope, period: Period, filters: Filters = Filters(), names=DASHBOARD_FIGURES,
                   group: tuple[str, ...] = ()) -> dict | list[dict]:
    """One query: the named figures over the scope, or one row per `group` value, counted on the
    dossier rows themselves. No page calls it (their periods' dossiers are too many at a province's
    size): it is the reference the summary reads are tested against."""
    with_ratings = any(n.startswith("rated") or n == "disliked" for n in names)
    relevant = _relevant(period, with_ratings, with_returns="returned" in names)
    queryset = Dossier.objects.filter(filters.dossiers(scope)).filter(relevant)
    if not group:
        return queryset.aggregate(**_aggregates(period, names))
    return list(queryset.order_by().values(*group).annotate(**_aggregates(period, names)).order_by(*group))


# --------------------------------------------------------------------------- arithmetic


def rounded(value) -> float | None:
    return None if value is None else float(Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def percent(part: int, whole: int) -> float | None:
    return None if not whole else rounded(100 * part / whole)


def points(rate: float | None, maximum: float, threshold: float) -> float | None:
    """766 scoring (domain-vn.md §7): full points at or above the threshold, else rate × max ÷ threshold."""
    if rate is None:
        return None
    return rounded(maximum if rate >= threshold else rate * maximum / threshold)


# --------------------------------------------------------------------------- Biểu 06/VPCP/KSTT


COLUMNS = (  # (number, key, heading)
    (3, "total", "Tổng số"), (4, "new_online", "Trực tuyến"), (5, "new_offline", "Trực tiếp, dịch vụ bưu chính"),
    (6, "carried_over", "Từ kỳ trước"), (7, "resolved", "Tổng số"), (8, "resolved_early", "Trước hạn"),
    (9, "resolved_on_time", "Đúng hạn"), (10, "resolved_late", "Quá hạn"), (11, "in_progress", "Tổng số"),
    (12, "in_progress_within", "Trong hạn"), (13, "in_progress_overdue", "Quá hạn"),
)


@dataclass
class ReportRow:
    key: object
    label: str
    counts: dict = field(default_factory=dict)

    @classmethod
    def of(cls, key, label: str, figures: dict) -> "ReportRow":
        counts = {name: figures.get(name) or 0 for name in REPORT_FIGURES}
        counts["total"] = counts["new_online"] + counts["new_offline"] + counts["carried_over"]
        counts["in_progress_within"] = counts["in_progress"] - counts["in_progress_overdue"]
        return cls(key, label, counts)

    def __getitem__(self, name: str) -> int:
        return self.counts[name]

    @property
    def cells(self) -> list[int]:
        """Columns 3 to 13 in order."""
        return [self.counts[key] for _, key, _ in COLUMNS]

    @property
    def on_time_rate(self) -> float | None:
        """The dashboard's on-time rate: (col. 8 + 9 + 12) ÷ col. 3 (the 766 index: IndexRow)."""
        c = self.counts
        return percent(c["resolved_early"] + c["resolved_on_time"] + c["in_progress_within"], c["total"])

    @property
    def resolved_on_time_rate(self) -> float | None:
        c = self.counts
        return percent(c["resolved_early"] + c["resolved_on_time"], c["resolved"])

    @property
    def online_rate(self) -> float | None:
        c = self.counts
        return percent(c["new_online"], c["new_online"] + c["new_offline"])

    def identity_errors(self) -> list[str]:
        """The form's identities; an empty list when the row adds up."""
        c, errors = self.counts, []
        checks = [
            ("(3) = (4) + (5) + (6)", c["total"], c["new_online"] + c["new_offline"] + c["carried_over"]),
            ("(7) = (8) + (9) + (10)", c["resolved"],
             c["resolved_early"] + c["resolved_on_time"] + c["resolved_late"]),
            ("(11) = (12) + (13)", c["in_progress"], c["in_progress_within"] + c["in_progress_overdue"]),
            ("(3) = (7) + (11)", c["total"], c["resolved"] + c["in_progress"]),
        ]
        for name, left, right in checks:
            if left != right:
                errors.append(f"{self.label}: {name} không khớp ({left} ≠ {right})")
        # Biểu 06 derives col. 6 from the daily figures and the open dossiers: a negative number
        # means the figures lost rows (they add up all the same), so it is named on its own.
        for number, key, _ in COLUMNS:
            if c[key] < 0:
                errors.append(f"{self.label}: cột ({number}) âm ({c[key]}), số liệu tổng hợp không khớp với hồ sơ")
        return errors


@dataclass
class Report06:
    period: Period
    by: str  # field or unit
    rows: list[ReportRow]
    total: ReportRow
    warnings: list[str]


def _sum_rows(rows: list[ReportRow], label: str) -> ReportRow:
    figures = {name: sum(r[name] for r in rows) for name in REPORT_FIGURES}
    return ReportRow.of(None, label, figures)


def _report_figures(flows: dict | None, stocks: dict | None) -> dict:
    """One row's figures from its summed daily figures and its dossiers in progress at the end."""
    figures = {name: (flows or {}).get(name) or 0 for name in DossierDayFigures.REPORT_COUNTERS}
    figures["resolved"] = figures["resolved_early"] + figures["resolved_on_time"] + figures["resolved_late"]
    for name in ("in_progress", "in_progress_overdue"):
        figures[name] = (stocks or {}).get(name) or 0
    # A dossier received before the end and not finished before the start is carried over or new,
    # and resolved in the period or still in progress at its end (received_at ≤ finished_at), so
    # (6) = (7) + (11) − (4) − (5): the form's identities (3) = (4)+(5)+(6) = (7)+(11).
    figures["carried_over"] = (figures["resolved"] + figures["in_progress"] - figures["new_online"]
                               - figures["new_offline"])
    return figures


def _flows(scope: Scope, period: Period, filters: Filters, counters=DossierDayFigures.COUNTERS) -> Callable:
    """flows(key): the SQL of the daily figures' `counters` summed over the period per `key`."""
    sums = {name: Sum(name) for name in counters}
    return partial(_figures_sums, DossierDayFigures, filters.dossiers(scope), period, sums=sums)


def _stocks(scope: Scope, period: Period, filters: Filters):
    """The scope's dossiers in progress at the end of the period (col. 11), and what counts them.
    Exactly col. 11 as the WHERE: PostgreSQL reads the unfinished rows (and, for a past period, those
    finished after it) through dossier_agency_finished, never the period's finished ones."""
    rules = conditions(period)
    counts = {"in_progress": Count("pk"), "in_progress_overdue": Count("pk", filter=rules["in_progress_overdue"])}
    return Dossier.objects.filter(filters.dossiers(scope), rules["in_progress"]), counts


def figures_totals(*, agency_ids: list[int], period: Period, names=DossierDayFigures.COUNTERS) -> dict[str, int]:
    """The daily figures' `names` summed over the agencies and the period: one query (for the
    ratings app's indicator 5.4, which has a list of agencies rather than a Scope)."""
    if not agency_ids:
        return dict.fromkeys(names, 0)
    sql, params = _figures_sums(DossierDayFigures, Q(agency_id__in=agency_ids), period, "agency_id",
                                {name: Sum(name) for name in names})
    return _sum_flows(_fetch(sql, params), names)


def _in_report(flows: dict) -> bool:
    """Whether summed daily figures hold anything for Biểu 06: a row may hold only the dashboard's
    counters (a rating, a refusal at the counter), and is then no line of the report."""
    return any(flows[name] for name in DossierDayFigures.REPORT_COUNTERS)


def _flows_per_unit(scope: Scope, period: Period, filters: Filters) -> tuple[dict, dict]:
    """({agency: summed daily figures}, {agency: in progress at the end}): two queries."""
    flows = {r["agency_id"]: r for r in _labelled(partial(_flows(scope, period, filters), "agency_id"),
                                                  GROUPINGS["agency"], "agency_id")}
    stocks, counts = _stocks(scope, period, filters)
    return flows, {r["agency_id"]: r for r in stocks.order_by().values("agency_id").annotate(**counts)}


def report06(*, scope: Scope, period: Period, filters: Filters = Filters(), by: str = "field") -> Report06:
    """Biểu 06 per field or per unit in two queries, whatever the number of dossiers: the flows
    (received, resolved) summed from DossierDayFigures over the period's months and days, the
    stocks (in progress at the end) counted on the dossiers open at the end; carried over follows
    from both. Identities are checked on every row."""
    # A period is whole local days and a row's day the local date of its dossiers' received_at or
    # finished_at, so the period's rows (month rows for its whole months, figures_pieces) hold
    # exactly the dossiers received or resolved in [start_at, end_at).
    if by == "unit":
        found_flows, found_stocks = _flows_per_unit(scope, period, filters)
        units = [u for u in scope.units if u.id in set(filters.agency_ids(scope))]
        rows = [ReportRow.of(u.id, u.name, _report_figures(found_flows.get(u.id), found_stocks.get(u.id)))
                for u in units]
    else:
        grouping, key = GROUPINGS["field"], "procedure__field_id"  # the field's name joined in each query
        flows = _flows(scope, period, filters, DossierDayFigures.REPORT_COUNTERS)
        found_flows = {r[key]: r for r in _labelled(partial(flows, key), grouping, key) if _in_report(r)}
        stocks, counts = _stocks(scope, period, filters)
        found_stocks = {r[key]: r for r in _grouped(stocks, grouping, key, **counts)}
        names = {k: r["label_0"] for found in (found_flows, found_stocks) for k, r in found.items()}
        rows = [ReportRow.of(k, names[k], _report_figures(found_flows.get(k), found_stocks.get(k)))
                for k in sorted(names, key=lambda k: (names[k], k))]
    total = _sum_rows(rows, "Tổng cộng")
    warnings = [error for row in [*rows, total] for error in row.identity_errors()]
    return Report06(period, by, rows, total, warnings)


# --------------------------------------------------------------------------- dashboard


@dataclass
class Dashboard:
    period: Period
    figures: ReportRow
    extra: dict
    months: list[dict]

    @property
    def satisfaction_rate(self) -> float | None:
        return percent(self.extra["rated_good"], self.extra["rated"])


def _month_starts(period: Period) -> list[dt.date]:
    """The twelve months up to the end of the period (or the period's months if it is longer)."""
    first = dt.date(period.start.year, period.start.month, 1)
    last = dt.date(period.end.year, period.end.month, 1)
    months = [last]
    while len(months) < 12 or months[-1] > first:
        previous = months[-1] - dt.timedelta(days=1)
        months.append(previous.replace(day=1))
    return months[::-1]


def monthly(*, scope: Scope, period: Period, filters: Filters = Filters()) -> list[dict]:
    """Received and resolved (early, on time, late) per month, from the daily figures' month rows
    (and the day rows of a month not wholly in the window): one query."""
    months = _month_starts(period)
    window = range_period(months[0], period.end)
    names = DossierDayFigures.REPORT_COUNTERS
    try:
        sql, params = _flows(scope, window, filters, names)("month", by=TruncMonth("day"))
    except EmptyResultSet:  # filtered on an agency outside the scope
        found = {}
    else:
        found = {_as_date(r["month"]): r for r in _fetch(sql, params)}
    table = []
    for month in months:
        r = found.get(month) or dict.fromkeys(names, 0)
        table.append({"month": month, "received": r["new_online"] + r["new_offline"], "early": r["resolved_early"],
                      "on_time": r["resolved_on_time"], "late": r["resolved_late"]})
    return table


def _as_date(value) -> dt.date:
    """A month as the database gives it back to a raw query: a timestamp (PostgreSQL's date_trunc
    of a date), or an ISO string (SQLite)."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _sum_flows(rows: Iterable[dict], names: Iterable[str] = DossierDayFigures.COUNTERS) -> dict:
    rows = list(rows)
    return {name: sum(r.get(name) or 0 for r in rows) for name in names}


def dashboard(*, scope: Scope, period: Period, filters: Filters = Filters()) -> Dashboard:
    """Three queries, none over the period's dossiers: the daily figures summed per unit, the
    dossiers in progress at the end, and the months for the chart. The same figures as
    count_dossiers(names=DASHBOARD_FIGURES) (the tests hold them to it)."""
    flows, stocks = _flows_per_unit(scope, period, filters)
    totals = _sum_flows(flows.values())
    figures = _report_figures(totals, _sum_flows(stocks.values(), ("in_progress", "in_progress_overdue")))
    row = ReportRow.of(None, "Tổng cộng", figures)
    extra = {name: totals[name] for name in DASHBOARD_FIGURES if name not in REPORT_FIGURES}
    return Dashboard(period, row, extra, monthly(scope=scope, period=period, filters=filters))


# --------------------------------------------------------------------------- late per officer


def _steps_in(period: Period, prefix: str = "") -> Q:
    return _between(f"{prefix}finished_at", period)


def late_step_q(prefix: str = "") -> Q:
    """A step that ran over its own budget while the dossier was being handled.

    The step opened when handling ends (approve → the counter hands the result back) starts at the
    dossier's finished_at; its due time is the appointment and it ends when the citizen collects,
    which no officer controls, so it is never counted late.
    """
    return Q(**{f"{prefix}timeliness": Timeliness.LATE}) & (
        Q(**{f"{prefix}dossier__finished_at__isnull": True})
        | Q(**{f"{prefix}started_at__lt": F(f"{prefix}dossier__finished_at")}))


def overdue_now_q(now: dt.datetime | None = None, prefix: str = "") -> Q:
    """On someone's desk with a running clock, past the step's due time or the dossier's statutory
    due time (an apology's new appointment does not make a late dossier timely)."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status__in": sorted(CLOCK_RUNNING)}) & (
        Q(**{f"{prefix}step_due_at__lt": now}) | Q(**{f"{prefix}legal_due_at__lt": now}))


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
}


def sort_rows(rows: list[StepFigures], sort: str, descending: bool | None = None) -> list[StepFigures]:
    """Numbers high first, names A to Z; ties by hours over budget, then name. Names compare
    without diacritics, so "Đặng" sorts with the Ds as Vietnamese lists do (code points put Đ last)."""
    key = OFFICER_SORTS.get(sort, OFFICER_SORTS["late_steps"])
    descending = sort != "name" if descending is None else descending
    rows = sorted(rows, key=lambda r: fold(r.label))
    rows = sorted(rows, key=lambda r: r.late_seconds, reverse=True)
    return sorted(rows, key=key, reverse=descending)


def _step_figures(scope: Scope, period: Period, filters: Filters, key: str) -> tuple[str, tuple]:
    """The SQL and parameters of the steps, late steps and late seconds per `key` summed from the
    summary rows (OfficerDayFigures) of the scope under the filters for the period (month rows for
    its whole months, day rows for the rest: _figures_sums). A row's agency and procedure are its
    dossiers', so the dossiers' filter applies as it is; a period is whole local days and a row's
    day the local date its steps were finished, so these rows hold exactly the steps finished in
    [start_at, end_at)."""
    return _figures_sums(OfficerDayFigures, filters.dossiers(scope), period, key, _step_sums())


def _step_sums() -> dict:
    # The sum of a bigint is a numeric on PostgreSQL: cast back, or the driver returns Decimals.
    return {"steps": Sum("steps"), "late_steps": Sum("late_steps"),
            "late_seconds": Cast(Sum("late_seconds"), BigIntegerField())}


def officers(*, scope: Scope, period: Period, filters: Filters = Filters(), sort: str = "late_steps",
             descending: bool | None = None) -> list[StepFigures]:
    """One row per officer of the scope, in one query: the officers joined to the period's steps
    summed per officer from the daily figures (OfficerDayFigures, a few rows per officer and day
    instead of every step joined to its dossier) and to the dossiers overdue on their desk now,
    counted per holder over the scope's open dossiers.

    Summing before joining keeps the names out of the aggregates (grouping by the officer's name,
    department and agency made PostgreSQL hash every counted row with those text columns). The desk
    is counted once for the scope (the running dossiers' partial index, dossier_open_due) rather
    than once per officer: on a province of 200 officers the per-officer subquery cost a third of
    the page.
    """
    officers_qs = User.objects.filter(agency_id__in=filters.agency_ids(scope), role__in=OFFICER_ROLES)
    people = officers_qs.order_by().values("id", "full_name", "username", "is_active", "department__name",
                                           "agency__name")
    desk = (Dossier.objects.filter(overdue_now_q(), filters.dossiers(scope)).order_by()
            .values("holder_id").annotate(n=Count("pk")))
    (people_sql, people_params), (desk_sql, desk_params) = (q.query.sql_with_params() for q in (people, desk))
    # Officer 0 (steps handed to a department only) joins no one.
    totals_sql, totals_params = _step_figures(scope, period, filters, "officer_id")
    # Django has no join to a derived table: the compiled querysets are composed here, each with its
    # own parameters, in the order the placeholders appear.
    sql = (f"SELECT o.*, t.steps, t.late_steps, t.late_seconds, d.n AS overdue_now FROM ({people_sql}) o "
           f"LEFT JOIN ({totals_sql}) t ON t.officer_id = o.id LEFT JOIN ({desk_sql}) d ON d.holder_id = o.id "
           f"ORDER BY o.id")
    found = _fetch(sql, (*people_params, *totals_params, *desk_params))
    rows = [StepFigures(u["id"], u["full_name"] or u["username"], u["steps"] or 0, u["late_steps"] or 0,
                        u["late_seconds"] or 0, u["overdue_now"] or 0,
                        " · ".join(x for x in (u["department__name"], u["agency__name"]) if x), bool(u["is_active"]))
            for u in found]
    # A former officer stays in the table only for the period in which they handled dossiers.
    rows = [r for r in rows if r.is_active or r.steps or r.overdue_now]
    return sort_rows(rows, sort, descending)


def officer_get(*, scope: Scope, pk: int) -> User | None:
    """An officer of the scope, or None (the page answers 404)."""
    return (User.objects.filter(pk=pk, agency_id__in=scope.ids, role__in=OFFICER_ROLES)
            .select_related("agency", "department").first())


def officer_late_steps(*, officer: User, scope: Scope, period: Period, filters: Filters = Filters()):
    """The officer's steps finished late in the period, worst first: one query."""
    return (DossierStep.objects.filter(_steps_in(period), filters.dossiers(scope, "dossier__"), late_step_q(),
                                       to_user=officer)
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


# --------------------------------------------------------------------------- breakdowns


@dataclass(frozen=True)
class Grouping:
    label: str
    figures_key: str  # the group's key on OfficerDayFigures
    dossier_key: str  # the same reached from Dossier
    model: type | None  # what the key points to (None: an agency, named from the scope)
    label_fields: tuple[str, ...] = ()  # the label parts, read on `model`
    dossier_figures: bool = True  # received/resolved make sense for this grouping


GROUPINGS = {
    # The department the step was handed to; dossiers now in the department for "overdue now".
    "department": Grouping("Phòng ban", "department_id", "department_id", Department, ("name", "agency__name"),
                           False),
    "agency": Grouping("Cơ quan, đơn vị", "agency_id", "agency_id", None),
    "field": Grouping("Lĩnh vực", "procedure__field_id", "procedure__field_id", Field, ("name",)),
    "procedure": Grouping("Thủ tục", "procedure_id", "procedure_id", Procedure, ("code", "name")),
}


def _fetch(sql: str, params) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _grouped(queryset, grouping: Grouping, key: str, **aggregates) -> list[dict]:
    """One query: GROUP BY the key alone, then the groups joined to their label parts (_labelled)."""
    totals = queryset.order_by().values(key).annotate(**aggregates)
    return _labelled(lambda: totals.query.sql_with_params(), grouping, key)


def _labelled(totals: Callable[[], tuple[str, tuple]], grouping: Grouping, key: str) -> list[dict]:
    """One query: the compiled groups (`totals`, one row per key) joined to their label parts.

    Grouping by the names as well made PostgreSQL join the named tables to every counted row and
    hash their text. Django joins no derived table, so the compiled querysets are composed here,
    each with its own parameters in the order of their placeholders.
    """
    try:
        totals_sql, totals_params = totals()
    except EmptyResultSet:  # filtered on an agency outside the scope: no unit, nothing to ask
        return []
    if grouping.model is None:
        return _fetch(totals_sql, totals_params)
    labels = grouping.model.objects.order_by().values(
        label_key=F("pk"), **{f"label_{n}": F(path) for n, path in enumerate(grouping.label_fields)})
    labels_sql, labels_params = labels.query.sql_with_params()
    return _fetch(f"SELECT t.*, l.* FROM ({totals_sql}) t LEFT JOIN ({labels_sql}) l "
                  f"ON l.label_key = t.{connection.ops.quote_name(key)}", (*totals_params, *labels_params))


@dataclass
class BreakdownRow(StepFigures):
    report: ReportRow | None = None


def _parts(found: dict, grouping: Grouping, key: str) -> list:
    """The group's key, then its label parts, as _label reads them."""
    return [found[key], *(found[f"label_{n}"] for n in range(len(grouping.label_fields)))]


def _label(parts: list, by: str, scope: Scope) -> tuple[str, str]:
    if by == "agency":
        return scope.name(parts[0]), ""
    if by == "department":
        return (parts[1] or "Chưa xác định phòng ban"), (parts[2] or "")
    if by == "procedure":
        return f"{parts[1]} – {parts[2]}", ""
    return parts[1] or "", ""


def breakdown(*, scope: Scope, period: Period, filters: Filters = Filters(), by: str = "agency",
              sort: str = "late_steps", descending: bool | None = None) -> list[BreakdownRow]:
    """Steps and lateness (one query, on the daily figures as stats.officers), dossiers overdue now
    (one query on the open dossiers) and, except per department, the Biểu 06 figures (their flows
    from the dossiers' daily figures, one more query; in progress, from the same open dossiers) per
    department, agency, field or procedure."""
    grouping = GROUPINGS[by]
    rows: dict = {}

    def row(parts: list) -> BreakdownRow:
        if parts[0] not in rows:
            label, detail = _label(parts, by, scope)
            rows[parts[0]] = BreakdownRow(parts[0], label, detail=detail)
        return rows[parts[0]]

    if by == "agency":  # every unit of the scope is ranked, even one with nothing to count
        for unit_id in filters.agency_ids(scope):
            row([unit_id])
    key = grouping.figures_key
    for s in _labelled(partial(_step_figures, scope, period, filters, key), grouping, key):
        parts = _parts(s, grouping, grouping.figures_key)
        parts[0] = parts[0] or None  # department 0 (none) is the dossiers' NULL department
        target = row(parts)
        target.steps, target.late_steps, target.late_seconds = s["steps"], s["late_steps"], s["late_seconds"]
    key, rules = grouping.dossier_key, conditions(period)
    flows: dict = {}
    if grouping.dossier_figures:  # Biểu 06's flows from the daily figures, as report06
        for f in _labelled(partial(_flows(scope, period, filters, DossierDayFigures.REPORT_COUNTERS), key),
                           grouping, key):
            if _in_report(f):
                flows[f[key]] = f
                row(_parts(f, grouping, key))
    # The open dossiers once: overdue now and, with the flows, in progress at the end of the period.
    counts = {"overdue_now": Count("pk", filter=overdue_now_q())}
    where = overdue_now_q()
    if grouping.dossier_figures:
        counts |= {"in_progress": Count("pk", filter=rules["in_progress"]),
                   "in_progress_overdue": Count("pk", filter=rules["in_progress_overdue"])}
        where |= rules["in_progress"]
    stocks = {}
    for d in _grouped(Dossier.objects.filter(filters.dossiers(scope)).filter(where), grouping, key, **counts):
        row(_parts(d, grouping, key)).overdue_now = d["overdue_now"]
        stocks[d[key]] = d
    if grouping.dossier_figures:
        for r in rows.values():
            r.report = ReportRow.of(r.key, r.label, _report_figures(flows.get(r.key), stocks.get(r.key)))
    if sort == "on_time_rate":
        ranked = sorted(rows.values(), key=lambda r: fold(r.label))
        return sorted(ranked, key=lambda r: -1 if r.report is None or r.report.on_time_rate is None
                      else r.report.on_time_rate, reverse=descending is not False)
    return sort_rows(list(rows.values()), sort, descending)


# --------------------------------------------------------------------------- 766 index


INDICATORS = (  # (number, name, maximum points, threshold in %)
    ("2.1", "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn", 20, 100),
    ("3.3", "Tỷ lệ hồ sơ nộp trực tuyến", 6, 50),
    ("4.1", "Tỷ lệ hồ sơ cấp kết quả điện tử", 6, 100),
    ("4.2", "Tỷ lệ hồ sơ được số hóa", 4, 80),
    ("5.4", "Mức độ hài lòng trong giải quyết hồ sơ", 6, 90),
)


@dataclass
class IndexRow:
    key: object
    label: str
    report: ReportRow
    digitised: int
    disliked: int
    closed_late: int = 0  # withdrawn or stopped after the due time: late for 2.1 and 5.4

    @property
    def late(self) -> int:
        """Resolved late by the 766 rules: col. 10 plus the withdrawn or stopped ones past due."""
        return self.report["resolved_late"] + self.closed_late

    def indicator(self, number: str) -> dict:
        """{"rate", "points", "max_points", "basis", "no_data"} for one indicator."""
        _, name, maximum, threshold = next(i for i in INDICATORS if i[0] == number)
        r = self.report
        new = r["new_online"] + r["new_offline"]
        if number == "2.1":
            timely = r["total"] - self.late - r["in_progress_overdue"]
            rate, basis = percent(timely, r["total"]), f"{timely}/{r['total']}"
        elif number == "3.3":
            rate, basis = r.online_rate, f"{r['new_online']}/{new}"
        elif number == "4.1":
            # No result is issued electronically (digitally signed) in mocua yet: nothing to count,
            # and inventing a figure would mislead.
            return {"number": number, "name": name, "rate": None, "points": None, "max_points": maximum,
                    "basis": "", "no_data": True}
        elif number == "4.2":
            rate, basis = percent(self.digitised, new), f"{self.digitised}/{new}"
        else:
            resolved = r["resolved"]
            rate = None if not resolved else rounded(max(0.0, 100 - 100 * (self.late + self.disliked) / resolved))
            basis = f"{self.late} quá hạn, {self.disliked} không hài lòng / {resolved}"
        return {"number": number, "name": name, "rate": rate, "points": points(rate, maximum, threshold),
                "max_points": maximum, "basis": basis, "no_data": False}

    @property
    def indicators(self) -> list[dict]:
        return [self.indicator(number) for number, *_ in INDICATORS]

    @property
    def total_points(self) -> float:
        return rounded(sum(i["points"] or 0 for i in self.indicators))

    @property
    def max_points(self) -> int:
        return sum(i["max_points"] for i in self.indicators if not i["no_data"])


def index766(*, scope: Scope, period: Period, filters: Filters = Filters()) -> tuple[list[IndexRow], IndexRow]:
    """The computable 766 indicators per agency of the scope and for the whole scope: two queries,
    the daily figures summed per unit and the dossiers in progress at the end (the same figures as
    count_dossiers(names=INDEX_FIGURES, group=("agency_id",))."""
    flows, stocks = _flows_per_unit(scope, period, filters)
    rows = []
    for unit_id in filters.agency_ids(scope):
        found = flows.get(unit_id) or {}
        figures = _report_figures(found, stocks.get(unit_id))
        rows.append(IndexRow(unit_id, scope.name(unit_id), ReportRow.of(unit_id, scope.name(unit_id), figures),
                             found.get("digitised") or 0, found.get("disliked") or 0, found.get("closed_late") or 0))
    total = IndexRow(None, "Toàn phạm vi", _sum_rows([r.report for r in rows], "Toàn phạm vi"),
                     sum(r.digitised for r in rows), sum(r.disliked for r in rows),
                     sum(r.closed_late for r in rows))
    return rows, total
