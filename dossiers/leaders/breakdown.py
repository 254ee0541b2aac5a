"""The figures per department, agency (the units' ranking), field or procedure: steps and lateness
(from OfficerDayFigures, as the per-officer table), dossiers overdue now and, except per department,
the Biểu 06 figures of each group."""

from dataclasses import dataclass
from functools import partial

from django.db.models import Count

from dossiers.models import Dossier, DossierDayFigures
from mocua.accounts.models import Department
from mocua.text import fold
from procedures.models import Field, Procedure

from . import sql
from .officers import StepFigures, overdue_now_q, sort_rows, step_figures
from .periods import Period
from .report06 import ReportRow, conditions, flows, in_report, report_figures
from .scope import Filters, Scope, department_q


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


@dataclass
class BreakdownRow(StepFigures):
    report: ReportRow | None = None


def _parts(found: dict, grouping: Grouping, key: str) -> list:
    """The group's key, then its label parts."""
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
    """Steps and lateness (one query), dossiers overdue now and in progress at the end (one query on
    the open dossiers) and, except per department, the Biểu 06 flows (one query) per group."""
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
    for s in sql.labelled(partial(step_figures, scope, period, filters, key), grouping.model, grouping.label_fields,
                          key):
        parts = _parts(s, grouping, key)
        parts[0] = parts[0] or None  # department 0 (none) is the dossiers' NULL department
        target = row(parts)
        target.steps, target.late_steps, target.late_seconds = s["steps"], s["late_steps"], s["late_seconds"]
    key, rules = grouping.dossier_key, conditions(period)
    found_flows: dict = {}
    if grouping.dossier_figures:  # Biểu 06's flows from the daily figures, as report06
        summed = flows(scope, period, filters, (*DossierDayFigures.REPORT_COUNTERS, "digitised"))
        for f in sql.labelled(partial(summed, key), grouping.model, grouping.label_fields, key):
            if in_report(f):
                found_flows[f[key]] = f
                row(_parts(f, grouping, key))
    # The open dossiers once: overdue now and, with the flows, in progress at the end of the period.
    counts = {"overdue_now": Count("pk", filter=overdue_now_q() & department_q(scope, "department_id"))}
    where = overdue_now_q() & department_q(scope, "department_id")
    if grouping.dossier_figures:
        counts |= {"in_progress": Count("pk", filter=rules["in_progress"]),
                   "in_progress_overdue": Count("pk", filter=rules["in_progress_overdue"])}
        where |= rules["in_progress"]
    found_stocks = {}
    open_now = Dossier.objects.filter(filters.dossiers(scope)).filter(where)
    for d in sql.grouped(open_now, grouping.model, grouping.label_fields, key, **counts):
        row(_parts(d, grouping, key)).overdue_now = d["overdue_now"]
        found_stocks[d[key]] = d
    if grouping.dossier_figures:
        for r in rows.values():
            r.report = ReportRow.of(r.key, r.label, report_figures(found_flows.get(r.key), found_stocks.get(r.key)))
            # Received with its papers digitised: the same counter as 766 4.2's first part.
            r.received = r.report["new_online"] + r.report["new_offline"]
            r.digitised = (found_flows.get(r.key) or {}).get("digitised") or 0
    if sort == "on_time_rate":
        ranked = sorted(rows.values(), key=lambda r: fold(r.label))
        return sorted(ranked, key=lambda r: -1 if r.report is None or r.report.on_time_rate is None
                      else r.report.on_time_rate, reverse=descending is not False)
    return sort_rows(list(rows.values()), sort, descending)
