"""The periodic report Biểu 06/VPCP/KSTT, per field or per unit, and its figures, which the
dashboard, the breakdowns and the 766 index read too.

Counting conventions (domain-vn.md §7 and §8.1), for a period of whole local days:

- Only dossiers that were received count (``received_at`` set): a dossier refused at the counter or
  an online submission never accepted is not in Biểu 06 (the dashboard shows the refusals at intake
  on their own line). An online dossier is received when the counter accepts it.
- Received in the period (col. 4 online, col. 5 the counter and public post together).
- Carried over (col. 6): received before the start and not finished before it.
- Resolved (col. 7): handling ended in the period: the result approved (its return to the citizen
  changes nothing), a refusal after appraisal, a withdrawal or a stop; so col. 3 = col. 7 + col. 11.
  Early / on time / late (col. 8–10) as dossiers.figures.resolved_kinds says.
- In progress at the end (col. 11); overdue (col. 13) when ``legal_due_at`` is before the end of the
  period (or now, for a period not over) or more than one supplement was asked for. A dossier whose
  clock was stopped at that moment counts as within the limit (col. 12), as in Thanh Hóa, unless it
  was already overdue when the clock stopped (the 766 rule takes the request date as the end of a
  pending supplement). ``legal_due_at`` is never moved by an apology (Mẫu 04).

The flow columns (4, 5, 7–10) are read from the summary table DossierDayFigures (each dossier added
in the transaction that receives it and in the one that ends its handling); the stock columns (11,
13) are counted on the dossiers in progress at the end; col. 6 follows from the form's identities:
(6) = (7) + (11) − (4) − (5). A report's cost thus depends on the units × procedures × months with
something received or resolved and on the dossiers open at the end, not on the period's dossiers.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial

from django.db.models import Count, F, Q, Sum

from dossiers.figures import CLOSED_ON_TIME, resolved_kinds
from dossiers.models import Dossier, DossierDayFigures, Timeliness
from mocua.accounts.models import Level
from procedures.models import Channel, Field

from . import sql
from .periods import Period
from .rates import percent
from .scope import Filters, Scope

COLUMNS = (  # (number, key, heading)
    (3, "total", "Tổng số"), (4, "new_online", "Trực tuyến"), (5, "new_offline", "Trực tiếp, dịch vụ bưu chính"),
    (6, "carried_over", "Từ kỳ trước"), (7, "resolved", "Tổng số"), (8, "resolved_early", "Trước hạn"),
    (9, "resolved_on_time", "Đúng hạn"), (10, "resolved_late", "Quá hạn"), (11, "in_progress", "Tổng số"),
    (12, "in_progress_within", "Trong hạn"), (13, "in_progress_overdue", "Quá hạn"),
)
REPORT_FIGURES = ("new_online", "new_offline", "carried_over", "resolved", "resolved_early", "resolved_on_time",
                  "resolved_late", "in_progress", "in_progress_overdue")


def _between(name: str, period: Period) -> Q:
    return Q(**{f"{name}__gte": period.start_at, f"{name}__lt": period.end_at})


def conditions(period: Period) -> dict[str, Q]:
    """Each figure as a condition on one Dossier row (see the module docstring). The reports read
    the stocks with these; the tests count every figure with them on the dossier rows."""
    start, end, as_of = period.start_at, period.end_at, period.as_of
    new = _between("received_at", period)
    carried = Q(received_at__lt=start) & (Q(finished_at__isnull=True) | Q(finished_at__gte=start))
    resolved = Q(received_at__isnull=False) & _between("finished_at", period)
    in_progress = Q(received_at__lt=end) & (Q(finished_at__isnull=True) | Q(finished_at__gte=end))
    # Clock stopped at `as_of` while still within the limit (see the module docstring).
    paused_within = Q(paused_at__lt=as_of, legal_due_at__gte=F("paused_at"))
    overdue = in_progress & ~paused_within & (Q(legal_due_at__lt=as_of) | Q(supplement_requests__gt=1))
    kinds = resolved_kinds()
    return {
        "new_online": new & Q(channel=Channel.ONLINE),
        "new_offline": new & ~Q(channel=Channel.ONLINE),
        "carried_over": carried,
        "resolved": resolved,
        **{name: resolved & kind for name, kind in kinds.items()},
        "in_progress": in_progress,
        "in_progress_overdue": overdue,
        # withdrawn after the due time: on time in Biểu 06, late for the 766 index
        "closed_late": resolved & Q(status__in=CLOSED_ON_TIME) & Q(timeliness=Timeliness.LATE),
    }


@dataclass
class ReportRow:
    key: object
    label: str
    counts: dict = field(default_factory=dict)
    group: str = ""  # by field: the level of the units ("Cấp tỉnh", "Cấp xã"), the column's "theo cấp"

    @classmethod
    def of(cls, key, label: str, figures: dict, group: str = "") -> "ReportRow":
        counts = {name: figures.get(name) or 0 for name in REPORT_FIGURES}
        counts["total"] = counts["new_online"] + counts["new_offline"] + counts["carried_over"]
        counts["in_progress_within"] = counts["in_progress"] - counts["in_progress_overdue"]
        return cls(key, label, counts, group)

    def __getitem__(self, name: str) -> int:
        return self.counts[name]

    @property
    def cells(self) -> list[int]:
        """Columns 3 to 13 in order."""
        return [self.counts[key] for _, key, _ in COLUMNS]

    @property
    def on_time_rate(self) -> float | None:
        """The dashboard's on-time rate: (col. 8 + 9 + 12) ÷ col. 3 (the 766 index: index766.IndexRow)."""
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
        # Col. 6 is derived from the summary rows and the open dossiers: a negative number means the
        # summary lost rows (they add up all the same), so it is named on its own.
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
    # Public post (Decision 45/2016), counted in col. 5 "Trực tiếp, dịch vụ bưu chính" with the counter:
    # the form has no column of its own, so a note under it gives the postal intake and postal return
    # (domain-vn.md §8.1; issue 24, item 3). {"new_post": n, "returned_post": n}.
    postal: dict = field(default_factory=dict)

    # Received at one agency's desk for another (issue 23, item 5): the form counts a dossier at the agency
    # that resolves it and has no column for the desk's intake, so a note gives it (desk_counts).
    desk: dict = field(default_factory=dict)

    @property
    def desk_note(self) -> str:
        return (f"Ghi chú (tiếp nhận không phụ thuộc địa giới hành chính; biểu tính hồ sơ tại cơ quan giải "
                f"quyết): trong kỳ, bộ phận một cửa của đơn vị đã tiếp nhận {self.desk.get('for_others', 0)} "
                f"hồ sơ thuộc thẩm quyền giải quyết của cơ quan khác; trong cột (4), (5) có "
                f"{self.desk.get('from_others', 0)} hồ sơ do bộ phận một cửa của cơ quan khác tiếp nhận, "
                f"chuyển đến.")

    @property
    def postal_note(self) -> str:
        return (f"Ghi chú (Biểu 06 không có cột riêng cho bưu chính công ích): trong cột (5) có "
                f"{self.postal.get('new_post', 0)} hồ sơ tiếp nhận qua bưu chính công ích; trong kỳ đã trả "
                f"{self.postal.get('returned_post', 0)} kết quả qua bưu chính công ích.")


def sum_rows(rows: list[ReportRow], label: str) -> ReportRow:
    return ReportRow.of(None, label, {name: sum(r[name] for r in rows) for name in REPORT_FIGURES})


def report_figures(flows: dict | None, stocks: dict | None) -> dict:
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


def flows(scope: Scope, period: Period, filters: Filters, counters=DossierDayFigures.COUNTERS) -> Callable:
    """flows(key): the SQL of the summary table's `counters` summed over the period per `key`."""
    sums = {name: Sum(name) for name in counters}
    return partial(sql.figures_sums, DossierDayFigures, filters.dossiers(scope), period, sums=sums)


def stocks(scope: Scope, period: Period, filters: Filters):
    """The scope's dossiers in progress at the end of the period (col. 11), and what counts them.
    Exactly col. 11 as the WHERE: PostgreSQL reads the unfinished rows (and, for a past period, those
    finished after it) through dossier_agency_finished, never the period's finished ones."""
    rules = conditions(period)
    counts = {"in_progress": Count("pk"), "in_progress_overdue": Count("pk", filter=rules["in_progress_overdue"])}
    return Dossier.objects.filter(filters.dossiers(scope), rules["in_progress"]), counts


def sum_flows(rows, names=DossierDayFigures.COUNTERS) -> dict:
    rows = list(rows)
    return {name: sum(r.get(name) or 0 for r in rows) for name in names}


def in_report(summed: dict) -> bool:
    """Whether summed daily figures hold anything for Biểu 06: a row may hold only the dashboard's
    counters (a rating, a refusal at the counter), and is then no line of the report."""
    return any(summed[name] for name in DossierDayFigures.REPORT_COUNTERS)


def flows_per_unit(scope: Scope, period: Period, filters: Filters, *, with_stocks: bool = True) -> tuple[dict, dict]:
    """({agency: summed daily figures}, {agency: in progress at the end}): two queries, or one
    without the stocks."""
    found = {r["agency_id"]: r for r in sql.labelled(partial(flows(scope, period, filters), "agency_id"),
                                                     None, (), "agency_id")}
    if not with_stocks:
        return found, {}
    open_now, counts = stocks(scope, period, filters)
    return found, {r["agency_id"]: r for r in open_now.order_by().values("agency_id").annotate(**counts)}


POSTAL = ("new_post", "returned_post")


def desk_counts(scope: Scope, period: Period, filters: Filters) -> dict:
    """Dossiers received in the period at one agency's desk for another (Dossier.desk ≠ Dossier.agency):
    `for_others`, received at a desk of the filtered units for any other agency; `from_others`,
    resolved by one of the units and received at another agency's desk (already in col. 4–5 there).
    One query; a row loaded past the services (no desk) was received where it is resolved."""
    ids = filters.agency_ids(scope)
    if not ids:
        return {"for_others": 0, "from_others": 0}
    elsewhere = Q(desk__isnull=False) & ~Q(desk_id=F("agency_id"))
    return Dossier.objects.filter(
        _between("received_at", period), elsewhere, Q(desk_id__in=ids) | Q(agency_id__in=ids),
        filters.procedure_q()).aggregate(for_others=Count("pk", filter=Q(desk_id__in=ids)),
                                            from_others=Count("pk", filter=Q(agency_id__in=ids)))


def _field_rows(scope: Scope, period: Period, filters: Filters, group: str,
                postal: dict) -> list[ReportRow]:
    """One row per field of the scope's dossiers: two queries. Adds the fields' POSTAL counts to `postal`."""
    key = "procedure__field_id"  # the field's name joined in each query
    summed = flows(scope, period, filters, (*DossierDayFigures.REPORT_COUNTERS, *POSTAL))
    found = sql.labelled(partial(summed, key), Field, ("name",), key)
    for name in POSTAL:
        postal[name] += sum(r[name] or 0 for r in found)
    found_flows = {r[key]: r for r in found if in_report(r)}
    open_now, counts = stocks(scope, period, filters)
    found_stocks = {r[key]: r for r in sql.grouped(open_now, Field, ("name",), key, **counts)}
    names = {k: r["label_0"] for found in (found_flows, found_stocks) for k, r in found.items()}
    return [ReportRow.of(k, names[k], report_figures(found_flows.get(k), found_stocks.get(k)), group)
            for k in sorted(names, key=lambda k: (names[k], k))]


def _by_level(scope: Scope, filters: Filters) -> list[tuple[str, Scope]]:
    """The scope's units under the filter, one scope per level (province first), with its label."""
    wanted = set(filters.agency_ids(scope))
    order = list(Level.values)
    levels = sorted({u.level for u in scope.units if u.id in wanted}, key=lambda v: order.index(v) if v in order else 9)
    return [(Level(level).label if level in order else level,
             replace(scope, units=tuple(u for u in scope.units if u.id in wanted and u.level == level)))
            for level in levels]


def report06(*, scope: Scope, period: Period, filters: Filters = Filters(), by: str = "field") -> Report06:
    """Biểu 06 per field or per unit in two queries, whatever the number of dossiers: the flows
    summed from DossierDayFigures, the stocks counted on the dossiers open at the end; carried over
    follows from both. By field, the rows are grouped by the units' level ("Lĩnh vực, công việc giải
    quyết theo cấp"), two queries a level. The identities are checked on every row. One more query for
    the note on dossiers received at one agency's desk for another (desk_counts)."""
    if by == "unit":
        found_flows, found_stocks = flows_per_unit(scope, period, filters)
        wanted = set(filters.agency_ids(scope))
        rows = [ReportRow.of(u.id, u.name, report_figures(found_flows.get(u.id), found_stocks.get(u.id)))
                for u in scope.units if u.id in wanted]
        postal = sum_flows([f for k, f in found_flows.items() if k in wanted], POSTAL)
    else:
        within = replace(filters, agency_id=None)  # the level's units are already the filter's subtree
        postal = dict.fromkeys(POSTAL, 0)
        rows = [row for label, level_scope in _by_level(scope, filters)
                for row in _field_rows(level_scope, period, within, label, postal)]
    total = sum_rows(rows, "Tổng cộng")
    warnings = [error for row in [*rows, total] for error in row.identity_errors()]
    return Report06(period, by, rows, total, warnings, postal, desk_counts(scope, period, filters))
