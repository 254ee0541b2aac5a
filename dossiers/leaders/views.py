"""Leaders' pages under /lanh-dao/: the dashboard, late steps per officer, breakdowns per department,
agency, field and procedure, the report Biểu 06/VPCP/KSTT and the 766 indicators.

Thin views: the role check, the period and filters from the query string (forms.LeaderQueryForm),
one call into the report's module (which counts in SQL), then the page, or the same table as xlsx /
PDF through exports. Bad input answers 400 with the form's Vietnamese messages.
"""

from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mocua.accounts.roles import MANAGERS, role_required
from mocua.xlsx import workbook

from . import exports
from .breakdown import GROUPINGS
from .breakdown import breakdown as breakdown_rows
from .dashboard import dashboard as dashboard_of
from .forms import LeaderQueryForm
from .index766 import INDICATORS
from .index766 import index766 as index766_rows
from .officers import OFFICER_SORTS, officer_get, officer_late_steps, officer_overdue_now
from .officers import officers as officer_rows
from .periods import Period
from .rates import rounded
from .report06 import report06 as report06_of
from .scope import Filters, Scope, filter_choices, scope_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# URL slug → breakdown.GROUPINGS key
CHART_OFFICERS = 20  # the bars of the per-officer chart; the table below lists everyone
BREAKDOWN_SLUGS = {"phong-ban": "department", "don-vi": "agency", "linh-vuc": "field", "thu-tuc": "procedure"}
BREAKDOWN_TITLES = {"department": "Theo phòng ban", "agency": "Xếp hạng đơn vị", "field": "Theo lĩnh vực",
                    "procedure": "Theo thủ tục"}
OFFICER_COLUMNS = [("name", "Cán bộ"), ("steps", "Bước đã xử lý"), ("late_steps", "Bước quá hạn"),
                   ("late_rate", "Tỷ lệ quá hạn"), ("late_hours", "Giờ làm việc vượt"),
                   ("overdue_now", "Hồ sơ đang quá hạn"), ("digitised_rate", "Số hóa khi tiếp nhận")]
# Query-string keys that choose the view of a table, not the figures: dropped from shared links.
VIEW_KEYS = ("sort", "order", "format", "by")


def _with_defaults(query) -> dict:
    """The query string with the current month filled in, so that the form shows what is counted."""
    today = timezone.localdate()
    data = {"period": "month", "year": str(today.year), "month": str(today.month),
            "quarter": str((today.month - 1) // 3 + 1)}
    data.update({key: value for key, value in query.items() if value != ""})
    return data


@dataclass
class LeaderQuery:
    scope: Scope
    form: LeaderQueryForm
    query: str  # the period and filters as a query string, for links between the pages

    @property
    def ok(self) -> bool:
        return self.form.is_valid()

    @property
    def period(self) -> Period:
        return self.form.stats_period()

    @property
    def filters(self) -> Filters:
        return self.form.stats_filters()


def _read(request) -> LeaderQuery:
    """Scope (1 query) and filter choices (2 queries), then the form over the query string."""
    scope = scope_for(request.user)
    fields, procedures = filter_choices(scope)
    form = LeaderQueryForm(_with_defaults(request.GET), scope=scope, fields=fields, procedures=procedures)
    shared = request.GET.copy()
    for key in VIEW_KEYS:
        shared.pop(key, None)
    return LeaderQuery(scope, form, shared.urlencode())


def _page(request, template: str, q: LeaderQuery, **context) -> HttpResponse:
    """The page, or the form with its messages and status 400 when the query string is wrong."""
    page = template.rsplit("/", 1)[-1].removesuffix(".html")  # marks the current entry of the leaders' menu
    context = {"q": q, "form": q.form, "page": page, **context}
    if not q.ok:
        return render(request, template, context, status=400)
    return render(request, template, {"period": q.period, **context})


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx(tables: list, name: str, period: Period) -> HttpResponse:
    return _download(workbook(tables), XLSX, f"{name}-{period.slug}.xlsx")


def _sort(request, allowed, default: str) -> tuple[str, bool | None]:
    """(column, descending) from ?sort=&order=; unknown columns fall back to the default."""
    sort = request.GET.get("sort", default)
    sort = sort if sort in allowed else default
    order = request.GET.get("order")
    return sort, {"asc": False, "desc": True}.get(order)


def _headings(columns, sort: str, descending: bool | None) -> list[dict]:
    """Sortable column headings: a click on the current column reverses it; others start at their default
    (numbers high first, names A to Z)."""
    current_desc = sort != "name" if descending is None else descending
    headings = []
    for key, label in columns:
        if key == sort:
            order, aria = ("asc" if current_desc else "desc"), ("descending" if current_desc else "ascending")
        else:
            order, aria = ("asc" if key == "name" else "desc"), "none"
        headings.append({"key": key, "label": label, "order": order, "aria": aria, "numeric": key != "name"})
    return headings


# --------------------------------------------------------------------------- pages


@role_required(*MANAGERS)
def dashboard(request):
    q = _read(request)
    if not q.ok:
        return _page(request, "leaders/dashboard.html", q)
    board = dashboard_of(scope=q.scope, period=q.period, filters=q.filters)
    if request.GET.get("format") == "xlsx":
        return _xlsx(exports.dashboard_tables(board, q.scope), "tong-quan", q.period)
    chart = {"labels": [f"{m['month']:%m/%Y}" for m in board.months],
             **{key: [m[key] for m in board.months] for key in ("received", "early", "on_time", "late")}}
    return _page(request, "leaders/dashboard.html", q, board=board, chart=chart,
                 groups=exports.dashboard_groups(board),
                 warnings=board.figures.identity_errors())


@role_required(*MANAGERS)
def officers(request):
    q = _read(request)
    sort, descending = _sort(request, OFFICER_SORTS, "late_steps")
    if not q.ok:
        return _page(request, "leaders/officers.html", q)
    rows = officer_rows(scope=q.scope, period=q.period, filters=q.filters, sort=sort, descending=descending)
    if request.GET.get("format") == "xlsx":
        return _xlsx([exports.officers_table(rows, q.period, q.scope)], "tre-han-theo-can-bo", q.period)
    # The officers with the most late steps as bars over the table (issue 22, item 15): at most 20.
    worst = sorted((r for r in rows if r.late_steps), key=lambda r: (-r.late_steps, r.label))[:CHART_OFFICERS]
    chart = {"labels": [r.label for r in worst], "horizontal": True,
             "datasets": [{"label": "Bước quá hạn", "data": [r.late_steps for r in worst], "color": "#b3141b"}]}
    return _page(request, "leaders/officers.html", q, rows=rows, chart=chart,
                 headings=_headings(OFFICER_COLUMNS, sort, descending))


@role_required(*MANAGERS)
def officer_detail(request, pk: int):
    q = _read(request)
    officer = officer_get(scope=q.scope, pk=pk)
    if officer is None:
        raise Http404("Không có cán bộ này trong phạm vi quản lý của bạn.")
    if not q.ok:
        return _page(request, "leaders/officer.html", q, officer=officer)
    steps = list(officer_late_steps(officer=officer, scope=q.scope, period=q.period, filters=q.filters))
    for step in steps:  # for display only: working hours over the step's budget
        step.late_hours = rounded(step.late_seconds / 3600)
    overdue = list(officer_overdue_now(officer=officer, scope=q.scope, filters=q.filters))
    if request.GET.get("format") == "xlsx":
        return _xlsx(exports.late_steps_tables(officer, steps, overdue, q.period),
                     f"buoc-qua-han-{officer.pk}", q.period)
    return _page(request, "leaders/officer.html", q, officer=officer, steps=steps, overdue=overdue,
                 late_hours=rounded(sum(s.late_seconds for s in steps) / 3600),
                 own_agency=request.user.agency_id)


BREAKDOWN_SORTS = (*OFFICER_SORTS, "on_time_rate")


@role_required(*MANAGERS)
def breakdown(request, slug: str):
    by = BREAKDOWN_SLUGS.get(slug)
    if by is None:
        raise Http404
    q = _read(request)
    has_report = GROUPINGS[by].dossier_figures
    sorts = BREAKDOWN_SORTS if has_report else tuple(OFFICER_SORTS)
    sort, descending = _sort(request, sorts, "on_time_rate" if by == "agency" else "late_steps")
    if not q.ok:
        return _page(request, "leaders/breakdown.html", q, by=by, slug=slug, title=BREAKDOWN_TITLES[by])
    rows = breakdown_rows(scope=q.scope, period=q.period, filters=q.filters, by=by, sort=sort,
                           descending=descending)
    if request.GET.get("format") == "xlsx":
        return _xlsx([exports.breakdown_table(rows, by, q.period)], f"theo-{slug}", q.period)
    columns = [("name", GROUPINGS[by].label)]
    if has_report:
        columns += [("on_time_rate", "Tỷ lệ đúng hạn")]
    columns += OFFICER_COLUMNS[1:]
    return _page(request, "leaders/breakdown.html", q, by=by, slug=slug, title=BREAKDOWN_TITLES[by], rows=rows,
                 has_report=has_report, headings=_headings(columns, sort, descending),
                 chart=_breakdown_chart(rows, has_report))


def _breakdown_chart(rows, has_report: bool) -> dict:
    """The rows as bars, in the table's order (at most CHART_OFFICERS): resolved on time and late
    where the grouping has dossier figures, else the steps handled and those late (issue 22, item 15)."""
    shown = rows[:CHART_OFFICERS]
    if has_report:
        counts = [r.report.counts for r in shown]
        datasets = [{"label": "Giải quyết đúng hạn, trước hạn", "color": "#2e8b57",
                     "data": [c["resolved"] - c["resolved_late"] for c in counts]},
                    {"label": "Giải quyết quá hạn", "color": "#b3141b", "data": [c["resolved_late"] for c in counts]},
                    {"label": "Đang quá hạn", "color": "#a35f00", "data": [c["in_progress_overdue"] for c in counts]}]
    else:
        datasets = [{"label": "Bước đã xử lý", "color": "#7cb9e8", "data": [r.steps for r in shown]},
                    {"label": "Bước quá hạn", "color": "#b3141b", "data": [r.late_steps for r in shown]}]
    return {"labels": [r.label for r in shown], "horizontal": True, "datasets": datasets}


REPORT_BY = {"field": "Theo lĩnh vực", "unit": "Theo đơn vị"}


@role_required(*MANAGERS)
def report06(request):
    q = _read(request)
    by = request.GET.get("by", "field")
    by = by if by in REPORT_BY else "field"
    if not q.ok:
        return _page(request, "leaders/report06.html", q, by=by, report_by=REPORT_BY)
    report = report06_of(scope=q.scope, period=q.period, filters=q.filters, by=by)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        return _xlsx([exports.report06_table(report, request.user.agency)], "bieu-06", q.period)
    if fmt == "pdf":
        return _download(exports.report06_pdf(report, request.user.agency), "application/pdf",
                         f"bieu-06-{q.period.slug}.pdf")
    return _page(request, "leaders/report06.html", q, by=by, report_by=REPORT_BY, report=report,
                 header=exports.report06_header(by))


@role_required(*MANAGERS)
def index766(request):
    q = _read(request)
    if not q.ok:
        return _page(request, "leaders/index766.html", q)
    rows, total = index766_rows(scope=q.scope, period=q.period, filters=q.filters)
    if request.GET.get("format") == "xlsx":
        return _xlsx([exports.index766_table(rows, total, q.period)], "chi-so-766", q.period)
    # The scope's points against each indicator's full points, drawn over the table (issue 22, item 15).
    chart = {"labels": [f"{i['number']} {i['name']}" for i in total.indicators],
             "datasets": [{"label": "Điểm đạt", "data": [i["points"] or 0 for i in total.indicators],
                           "color": "#1a5fb4"},
                          {"label": "Điểm tối đa", "data": [i["max_points"] for i in total.indicators],
                           "color": "#c9d1da"}]}
    return _page(request, "leaders/index766.html", q, rows=rows, total=total, indicators=INDICATORS, chart=chart)
