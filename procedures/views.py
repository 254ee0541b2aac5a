"""Public catalogue pages: no login."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from mocua.accounts.models import Agency, Level
from mocua.inputs import read_query

from . import selectors
from .forms import CatalogueQuery
from .models import Field

PAGE_SIZE = 20


def procedure_list(request):
    params, errors = read_query(request.GET, CatalogueQuery)
    for error in errors:
        messages.error(request, error)
    procedures = selectors.procedure_list(query=params["q"], field=params["field"],
                                          level=params["level"], agency=params["agency"])
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(request, "procedures/list.html", {
        "page": page,
        "params": params,
        "query_string": query_string.urlencode(),
        "fields": Field.objects.order_by("name"),
        "levels": [(value, label) for value, label in Level.choices if value != Level.DISTRICT],
        "agencies": Agency.objects.filter(is_active=True).only("code", "name").order_by("level", "name"),
    }, status=400 if errors else 200)


def procedure_detail(request, code: str):
    procedure = get_object_or_404(selectors.procedure_detail_queryset(), code=code)
    return render(request, "procedures/detail.html", {"procedure": procedure})
