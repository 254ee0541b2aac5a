"""Leaders' pages under /lanh-dao/ built on feedback: the feedback figures per unit and officer with
the 766 points that depend on them, the units' yearly targets against their results, and the
rankings of units and officers. They share the leaders' period and filter form and menu
(templates/leaders/_base.html) and the one scope rule (mocua.accounts.selectors.figures_scope).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dossiers.leaders.forms import LeaderQueryForm
from dossiers.leaders.scope import Filters, filter_choices, scope_for
from dossiers.leaders.views import XLSX, LeaderQuery
from mocua.accounts.models import Agency, Role
from mocua.accounts.roles import MANAGERS, role_required
from mocua.errors import DomainError
from mocua.xlsx import workbook

from .. import figures, services
from ..figures import INDICATORS
from ..scores import FORMULA, METRICS, ranked, scorecards
from . import exports
from .forms import TargetForm
from .rankings import OFFICER_FORMULA, officer_scores, progress, targets_of

VIEW_KEYS = ("format", "sort", "order")


def _read(request, period: str = "month") -> LeaderQuery:
    """Scope (1 query) and filter choices (2 queries), then the form over the query string with the
    current period filled in."""
    scope = scope_for(request.user)
    fields, procedures = filter_choices(scope)
    today = timezone.localdate()
    data = {"period": period, "year": str(today.year), "month": str(today.month),
            "quarter": str((today.month - 1) // 3 + 1),
            **{key: value for key, value in request.GET.items() if value != ""}}
    form = LeaderQueryForm(data, scope=scope, fields=fields, procedures=procedures)
    shared = request.GET.copy()
    for key in VIEW_KEYS:
        shared.pop(key, None)
    return LeaderQuery(scope, form, shared.urlencode())


def _page(request, template: str, q: LeaderQuery, page: str, **context) -> HttpResponse:
    context = {"q": q, "form": q.form, "page": page, **context}
    if not q.ok:
        return render(request, template, context, status=400)
    return render(request, template, {"period": q.period, **context})


def _xlsx(tables, name: str, q: LeaderQuery) -> HttpResponse:
    response = HttpResponse(workbook(tables), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{q.period.slug}.xlsx"'
    return response


@role_required(*MANAGERS)
def feedback_figures(request):
    q = _read(request)
    if not q.ok:
        return _page(request, "feedback/leaders/figures.html", q, "feedback")
    units, total = figures.per_unit(scope=q.scope, period=q.period, filters=q.filters)
    officers = figures.per_officer(scope=q.scope, period=q.period, filters=q.filters)
    if request.GET.get("format") == "xlsx":
        return _xlsx(exports.feedback_tables(units, total, officers, q.period, q.scope), "phan-anh-kien-nghi", q)
    return _page(request, "feedback/leaders/figures.html", q, "feedback", units=units, total=total,
                 officers=officers, indicators=INDICATORS)


@role_required(*MANAGERS)
def targets(request):
    """Each unit's yearly targets (of the period's year) against its results over the chosen period."""
    q = _read(request, period="year")
    if not q.ok:
        return _page(request, "feedback/leaders/targets.html", q, "targets")
    year = q.period.start.year
    cards, _ = scorecards(scope=q.scope, period=q.period, filters=Filters(agency_id=q.filters.agency_id))
    rows = progress(cards, targets_of(q.scope, year))
    if request.GET.get("format") == "xlsx":
        return _xlsx([exports.targets_table(rows, year, q.period)], f"chi-tieu-{year}", q)
    can_set = request.user.role == Role.LEADER
    return _page(request, "feedback/leaders/targets.html", q, "targets", rows=rows, year=year, metrics=METRICS,
                 can_set=can_set, target_form=TargetForm(scope=q.scope, initial={"year": year}) if can_set else None,
                 below=sum(bool(r.below) for r in rows))


@require_POST
@role_required(Role.LEADER)
def target_set(request):
    scope = scope_for(request.user)
    form = TargetForm(request.POST, scope=scope)
    back = request.POST.get("back", "")
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, "; ".join(f"{label}: {e}" if label else e for e in errors))
    else:
        agency = Agency.objects.get(pk=form.cleaned_data["agency"])
        try:
            services.target_set(actor=request.user, agency=agency, year=form.cleaned_data["year"],
                                values=form.values())
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Đã lưu chỉ tiêu năm {form.cleaned_data['year']} của {agency.name}.")
    # Back to the page with its period and filters: only a query string is taken, never an address.
    query = back if back.startswith("?") and "\n" not in back and "\r" not in back else ""
    return redirect(reverse("feedback_leaders:targets") + query)


@role_required(*MANAGERS)
def rankings(request):
    q = _read(request)
    if not q.ok:
        return _page(request, "feedback/leaders/rankings.html", q, "rankings")
    # A field or procedure chosen in the filters ranks on that work only.
    cards, _ = scorecards(scope=q.scope, period=q.period, filters=q.filters)
    units = ranked(cards)
    unit_id = q.filters.agency_id or q.scope.root.id
    officers = officer_scores(scope=q.scope, period=q.period, agency_id=unit_id, filters=q.filters)
    officers_of = q.scope.name(unit_id)
    if request.GET.get("format") == "xlsx":
        return _xlsx(exports.ranking_tables(units, officers, officers_of, q.period), "xep-hang", q)
    return _page(request, "feedback/leaders/rankings.html", q, "rankings", units=units, officers=officers,
                 officers_of=officers_of, formula=FORMULA, officer_formula=OFFICER_FORMULA,
                 indicator_numbers=[i["number"] for i in cards[0].indicators] if cards else [])
