"""Reads of the public catalogue, shared by the HTML pages and the API."""

from django.db.models import Prefetch, QuerySet

from mocua.text import fold

from .models import Procedure, ProcedureVariant

# Longer queries are cut, not refused: any query returns a page.
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12


def procedure_search(queryset: QuerySet, query: str) -> QuerySet:
    """Every word of the query must appear in the folded code, name or result."""
    for word in fold(query[:MAX_QUERY_LENGTH]).split()[:MAX_QUERY_WORDS]:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def procedure_list(*, query: str = "", field: str = "", level: str = "", agency: str = "") -> QuerySet:
    """Active procedures for the catalogue list, with what a list row shows."""
    queryset = (
        Procedure.objects.filter(is_active=True)
        .select_related("field")
        .prefetch_related(
            Prefetch("variants", queryset=ProcedureVariant.objects.only(
                "id", "procedure_id", "order", "name", "time_limit", "time_unit"))
        )
        .order_by("field__name", "name", "code")
    )
    if query:
        queryset = procedure_search(queryset, query)
    if field:
        queryset = queryset.filter(field__code=field)
    if level:
        queryset = queryset.filter(level=level)
    if agency:
        queryset = queryset.filter(agencies__code=agency)
    return queryset


def procedure_detail_queryset() -> QuerySet:
    """Everything a citizen needs before coming to the counter, in a fixed number of queries."""
    return Procedure.objects.filter(is_active=True).select_related("field").prefetch_related(
        "agencies", "variants__fees", "variants__documents", "variants__steps"
    )
