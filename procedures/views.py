"""Public catalogue pages: no login."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from mocua.accounts.models import Level
from mocua.inputs import read_query

from . import catalogue, selectors
from .forms import CatalogueQuery

PAGE_SIZE = 20
LEVELS = [(value, label) for value, label in Level.choices if value != Level.DISTRICT]


def procedure_list(request):
    params, errors = read_query(request.GET, CatalogueQuery)
    for error in errors:
        messages.error(request, error)
    snap = catalogue.snapshot()
    rows = catalogue.search(snap, query=params["q"], field=params["field"], level=params["level"],
                            agency=params["agency"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(request, "procedures/list.html", {
        "page": page,
        "params": params,
        "query_string": query_string.urlencode(),
        "fields": snap.fields,
        "levels": LEVELS,
        "agencies": snap.agencies,
    }, status=400 if errors else 200)


def procedure_detail(request, code: str):
    procedure = get_object_or_404(selectors.procedure_detail_queryset(), code=code)
    return render(request, "procedures/detail.html", {"procedure": procedure})
