"""Leaders' pages under /lanh-dao/: the dashboard, late steps per officer, breakdowns per department,
agency, field and procedure, the report Biểu 06/VPCP/KSTT and the 766 indicators.

Thin views: the role check, the period and filters from the query string (LeaderQueryForm), one
call into dossiers.stats (which counts in SQL), then the page, or the same table as xlsx / PDF
through dossiers.stats_exports. Bad input answers 400 with the form's Vietnamese messages.
"""

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mocua.accounts.roles import MANAGERS, role_required
from mocua.widgets import QuickSelect

from . import stats, stats_exports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Longest free range: five years keeps one GROUP BY over a province's dossiers reasonable.
MAX_RANGE_DAYS = 5 * 366
PERIOD_KINDS = [("month", "Tháng"), ("quarter", "Quý"), ("year", "Năm"), ("range", "Khoảng ngày")]
# URL slug → stats.GROUPINGS key
BREAKDOWN_SLUGS = {"phong-ban": "department", "don-vi": "agency", "linh-vuc": "field", "thu-tuc": "procedure"}
BREAKDOWN_TITLES = {"department": "Theo phòng ban", "agency": "Xếp hạng đơn vị", "field": "Theo lĩnh vực",
                    "procedure": "Theo thủ tục"}
OFFICER_COLUMNS = [("name", "Cán bộ"), ("steps", "Bước đã xử lý"), ("late_steps", "Bước quá hạn"),
                   ("late_rate", "Tỷ lệ quá hạn"), ("late_hours", "Giờ làm việc vượt"),
                   ("overdue_now", "Hồ sơ đang quá hạn")]
# Query-string keys that choose the view of a table, not the figures: dropped from shared links.
VIEW_KEYS = ("sort", "order", "format", "by")


# --------------------------------------------------------------------------- period and filters


class PeriodError(ValueError):
    """A period that cannot be built; `field` names the input to blame."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def build_period(kind: str, *, year: int | None = None, month: int | None = None, quarter: int | None = None,
                 start: dt.date | None = None, end: dt.date | None = None) -> stats.Period:
    """The period the leader chose; missing parts default to the current month, quarter or year.

    Shared by the pages (LeaderQueryForm) and the API (stats_api.StatsQueryInput)."""
    today = timezone.localdate()
    year = year or today.year
    if kind == "range":
        if start is None or end is None:
            raise PeriodError("start" if start is None else "end", "Cần nhập cả ngày bắt đầu và ngày kết thúc.")
        if start > end:
            raise PeriodError("end", "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.")
        if (end - start).days >= MAX_RANGE_DAYS:
            raise PeriodError("end", "Khoảng thời gian không được dài quá 5 năm.")
        return stats.range_period(start, end)
    if kind == "year":
        return stats.year_period(year)
    if kind == "quarter":
        return stats.quarter_period(year, quarter or (today.month - 1) // 3 + 1)
    return stats.month_period(year, month or today.month)


def _int_choices(values, label: str) -> list[tuple]:
    return [(v, f"{label} {v}") for v in values]


class LeaderQueryForm(forms.Form):
    """Period (month, quarter, year or dates) and filters (agency of the scope, field, procedure)."""

    period = forms.ChoiceField(label="Kỳ báo cáo", choices=PERIOD_KINDS, required=False, widget=QuickSelect,
                               error_messages={"invalid_choice": "Loại kỳ báo cáo không hợp lệ."})
    year = forms.IntegerField(label="Năm", required=False, min_value=2000, max_value=2100, error_messages={
        "invalid": "Năm phải là một số.", "min_value": "Năm phải từ 2000 đến 2100.",
        "max_value": "Năm phải từ 2000 đến 2100."})
    month = forms.TypedChoiceField(label="Tháng", choices=_int_choices(range(1, 13), "Tháng"), coerce=int,
                                   required=False, empty_value=None, widget=QuickSelect,
                                   error_messages={"invalid_choice": "Tháng phải từ 1 đến 12."})
    quarter = forms.TypedChoiceField(label="Quý", choices=_int_choices(range(1, 5), "Quý"), coerce=int,
                                     required=False, empty_value=None, widget=QuickSelect,
                                     error_messages={"invalid_choice": "Quý phải từ 1 đến 4."})
    start = forms.DateField(label="Từ ngày", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            error_messages={"invalid": "Ngày bắt đầu không hợp lệ."})
    end = forms.DateField(label="Đến ngày", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          error_messages={"invalid": "Ngày kết thúc không hợp lệ."})
    agency = forms.TypedChoiceField(label="Đơn vị", coerce=int, required=False, empty_value=None, widget=QuickSelect,
                                    error_messages={"invalid_choice": "Đơn vị không thuộc phạm vi quản lý của bạn."})
    field = forms.TypedChoiceField(label="Lĩnh vực", coerce=int, required=False, empty_value=None, widget=QuickSelect,
                                   error_messages={"invalid_choice": "Lĩnh vực không có trong phạm vi quản lý."})
    procedure = forms.TypedChoiceField(label="Thủ tục", coerce=int, required=False, empty_value=None,
                                       widget=QuickSelect,
                                       error_messages={"invalid_choice": "Thủ tục không có trong phạm vi quản lý."})

    def __init__(self, data, *, scope: stats.Scope, fields: list, procedures: list):
        super().__init__(data)
        self.fields["agency"].choices = [("", "Toàn bộ phạm vi")] + [
            (u.id, "\u2003" * u.depth + u.name) for u in scope.units]
        self.fields["field"].choices = [("", "Tất cả lĩnh vực")] + list(fields)
        self.fields["procedure"].choices = [("", "Tất cả thủ tục")] + [(p[0], f"{p[1]} – {p[2]}") for p in procedures]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["the_period"] = build_period(data.get("period") or "month", year=data.get("year"),
                                              month=data.get("month"), quarter=data.get("quarter"),
                                              start=data.get("start"), end=data.get("end"))
        except PeriodError as error:
            self.add_error(error.field, error.message)
        return data

    def stats_period(self) -> stats.Period:
        return self.cleaned_data["the_period"]

    def stats_filters(self) -> stats.Filters:
        data = self.cleaned_data
        return stats.Filters(agency_id=data.get("agency"), field_id=data.get("field"),
                             procedure_id=data.get("procedure"))


def _with_defaults(query) -> dict:
    """The query string with the current month filled in, so that the form shows what is counted."""
    today = timezone.localdate()
    data = {"period": "month", "year": str(today.year), "month": str(today.month),
            "quarter": str((today.month - 1) // 3 + 1)}
    data.update({key: value for key, value in query.items() if value != ""})
    return data


@dataclass
class LeaderQuery:
    scope: stats.Scope
    form: LeaderQueryForm
    query: str  # the period and filters as a query string, for links between the pages

    @property
    def ok(self) -> bool:
        return self.form.is_valid()

    @property
    def period(self) -> stats.Period:
        return self.form.stats_period()

    @property
    def filters(self) -> stats.Filters:
        return self.form.stats_filters()


def _read(request) -> LeaderQuery:
    """Scope (1 query) and filter choices (2 queries), then the form over the query string."""
    scope = stats.scope_for(request.user)
    fields, procedures = stats.filter_choices(scope)
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


def _xlsx(tables: list, name: str, period: stats.Period) -> HttpResponse:
    return _download(stats_exports.xlsx(tables), XLSX, f"{name}-{period.slug}.xlsx")


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
    board = stats.dashboard(scope=q.scope, period=q.period, filters=q.filters)
    if request.GET.get("format") == "xlsx":
        return _xlsx(stats_exports.dashboard_tables(board, q.scope), "tong-quan", q.period)
    chart = {"labels": [f"{m['month']:%m/%Y}" for m in board.months],
             **{key: [m[key] for m in board.months] for key in ("received", "early", "on_time", "late")}}
    return _page(request, "leaders/dashboard.html", q, board=board, chart=chart,
                 groups=stats_exports.dashboard_groups(board),
                 warnings=board.figures.identity_errors())


@role_required(*MANAGERS)
def officers(request):
    q = _read(request)
    sort, descending = _sort(request, stats.OFFICER_SORTS, "late_steps")
    if not q.ok:
        return _page(request, "leaders/officers.html", q)
    rows = stats.officers(scope=q.scope, period=q.period, filters=q.filters, sort=sort, descending=descending)
    if request.GET.get("format") == "xlsx":
        return _xlsx([stats_exports.officers_table(rows, q.period, q.scope)], "tre-han-theo-can-bo", q.period)
    return _page(request, "leaders/officers.html", q, rows=rows,
                 headings=_headings(OFFICER_COLUMNS, sort, descending))


@role_required(*MANAGERS)
def officer_detail(request, pk: int):
    q = _read(request)
    officer = stats.officer_get(scope=q.scope, pk=pk)
    if officer is None:
        raise Http404("Không có cán bộ này trong phạm vi quản lý của bạn.")
    if not q.ok:
        return _page(request, "leaders/officer.html", q, officer=officer)
    steps = list(stats.officer_late_steps(officer=officer, scope=q.scope, period=q.period, filters=q.filters))
    for step in steps:  # for display only: working hours over the step's budget
        step.late_hours = stats.rounded(step.late_seconds / 3600)
    overdue = list(stats.officer_overdue_now(officer=officer, scope=q.scope, filters=q.filters))
    if request.GET.get("format") == "xlsx":
        return _xlsx(stats_exports.late_steps_tables(officer, steps, overdue, q.period),
                     f"buoc-qua-han-{officer.pk}", q.period)
    return _page(request, "leaders/officer.html", q, officer=officer, steps=steps, overdue=overdue,
                 late_hours=stats.rounded(sum(s.late_seconds for s in steps) / 3600),
                 own_agency=request.user.agency_id)


BREAKDOWN_SORTS = (*stats.OFFICER_SORTS, "on_time_rate")


@role_required(*MANAGERS)
def breakdown(request, slug: str):
    by = BREAKDOWN_SLUGS.get(slug)
    if by is None:
        raise Http404
    q = _read(request)
    has_report = stats.GROUPINGS[by].dossier_figures
    sorts = BREAKDOWN_SORTS if has_report else tuple(stats.OFFICER_SORTS)
    sort, descending = _sort(request, sorts, "on_time_rate" if by == "agency" else "late_steps")
    if not q.ok:
        return _page(request, "leaders/breakdown.html", q, by=by, slug=slug, title=BREAKDOWN_TITLES[by])
    rows = stats.breakdown(scope=q.scope, period=q.period, filters=q.filters, by=by, sort=sort,
                           descending=descending)
    if request.GET.get("format") == "xlsx":
        return _xlsx([stats_exports.breakdown_table(rows, by, q.period)], f"theo-{slug}", q.period)
    columns = [("name", stats.GROUPINGS[by].label)]
    if has_report:
        columns += [("on_time_rate", "Tỷ lệ đúng hạn")]
    columns += OFFICER_COLUMNS[1:]
    return _page(request, "leaders/breakdown.html", q, by=by, slug=slug, title=BREAKDOWN_TITLES[by], rows=rows,
                 has_report=has_report, headings=_headings(columns, sort, descending))


REPORT_BY = {"field": "Theo lĩnh vực", "unit": "Theo đơn vị"}


@role_required(*MANAGERS)
def report06(request):
    q = _read(request)
    by = request.GET.get("by", "field")
    by = by if by in REPORT_BY else "field"
    if not q.ok:
        return _page(request, "leaders/report06.html", q, by=by, report_by=REPORT_BY)
    report = stats.report06(scope=q.scope, period=q.period, filters=q.filters, by=by)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        return _xlsx([stats_exports.report06_table(report, request.user.agency)], "bieu-06", q.period)
    if fmt == "pdf":
        return _download(stats_exports.report06_pdf(report, request.user.agency), "application/pdf",
                         f"bieu-06-{q.period.slug}.pdf")
    return _page(request, "leaders/report06.html", q, by=by, report_by=REPORT_BY, report=report,
                 header=stats_exports.report06_header(by))


@role_required(*MANAGERS)
def index766(request):
    q = _read(request)
    if not q.ok:
        return _page(request, "leaders/index766.html", q)
    rows, total = stats.index766(scope=q.scope, period=q.period, filters=q.filters)
    if request.GET.get("format") == "xlsx":
        return _xlsx([stats_exports.index766_table(rows, total, q.period)], "chi-so-766", q.period)
    return _page(request, "leaders/index766.html", q, rows=rows, total=total, indicators=stats.INDICATORS)
