"""Reads of the public catalogue, shared by the HTML pages and the API."""

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat, Length, Lower, Replace

from mocua.accounts.selectors import province_agency_ids
from mocua.text import fold

from .models import Procedure, ProcedureVariant

# Longer queries are cut, not refused: any query returns a page.
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12


def search_fold(value: str) -> str:
    """fold(), and i and y alike: "dang ki" and "đăng ký" are spelt both ways (kỹ/kĩ, quy/qui)."""
    return fold(value).replace("y", "i")


def procedure_search(queryset: QuerySet, query: str) -> QuerySet:
    """Every word of the query must appear in the folded code, name or result (i and y alike).
    The name that is the query comes first, then names that start with it, then the phrase
    anywhere, then the rest, each in the list's own order."""
    words = search_fold(query[:MAX_QUERY_LENGTH]).split()[:MAX_QUERY_WORDS]
    if not words:
        return queryset
    # A small table (the catalogue): folding y on the column per query costs nothing worth an index.
    queryset = queryset.alias(search_iy=Replace("search_text", Value("y"), Value("i"), output_field=TextField()))
    for word in words:
        queryset = queryset.filter(search_iy__contains=word)
    phrase = " ".join(words)
    # search_text is "code name result", folded: the name starts right after the code.
    starts = Q(search_iy__startswith=Concat(Lower("code"), Value(" " + phrase), output_field=TextField()))
    rank = Case(When(starts & Q(name_length=len(phrase)), then=Value(0)), When(starts, then=Value(1)),
                When(search_iy__contains=phrase, then=Value(2)), default=Value(3), output_field=IntegerField())
    ordering = queryset.query.order_by or ("name", "code")
    return queryset.alias(name_length=Length("name"), search_rank=rank).order_by(F("search_rank"), *ordering)


def receivable_by(desk_id: int) -> Q:
    """The procedures a desk may receive (Decree 118/2025, regardless of place): those it resolves
    itself, and every procedure of its province's catalogue, that is one that an agency of its
    province resolves at the procedure's level (dossiers.agencies picks that agency)."""
    return Q(agencies=desk_id) | Q(agencies__in=province_agency_ids(desk_id), agencies__level=F("level"))


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
