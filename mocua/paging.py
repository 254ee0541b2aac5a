"""Pagination that never counts a whole archive.

A province's centre holds millions of dossiers: an exact COUNT(*) behind every list page would
grow with the archive. These paginators count at most CAP + 1 rows (``SELECT COUNT(*) FROM
(… LIMIT CAP + 1)``), so a list costs the same whatever the archive's size; beyond the cap the
page says "more than" and asks for a narrower filter.

A text search is not counted at all (UncountedPaginator): its matches come from the trigram index,
whose bitmap of a common name grows with the archive even under a LIMIT, while the page itself,
newest first, stops after a page of matches.
"""

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

CAP = 1000


class CappedPaginator(Paginator):
    cap = CAP
    counted = True

    @cached_property
    def count(self) -> int:
        # Unordered: any CAP + 1 rows count the same, and without the list's ORDER BY PostgreSQL
        # counts from an index alone instead of reading and sorting the rows (1.2 → 0.4 ms for a
        # busy officer's desk of 1 500 dossiers, docs/benchmarks.md).
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


class UncountedPage(Page):
    def __init__(self, object_list, number, paginator, has_more: bool):
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def __repr__(self) -> str:
        return f"<Page {self.number}{'+' if self.has_more else ''}>"  # Page's own asks for num_pages

    def has_next(self) -> bool:
        return self.has_more

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class UncountedPaginator(Paginator):
    """Pages read one row past their end to know whether another follows; no COUNT at all."""

    counted = False

    @property
    def count(self):
        raise TypeError("UncountedPaginator never counts: use page.has_next()")

    def get_page(self, number) -> UncountedPage:
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        return self.page(number)

    def page(self, number: int) -> UncountedPage:
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom:bottom + self.per_page + 1])
        # Past the last page: an empty page that still links back (no count to clamp it to).
        return UncountedPage(rows[:self.per_page], number, self, has_more=len(rows) > self.per_page)


class CappedPagination(PageNumberPagination):
    """DRF's page-number pagination on the capped count; ``count_capped`` says the count is a floor."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        return Response({
            "count": min(self.page.paginator.count, CAP),
            "count_capped": self.page.paginator.capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {
            "type": "boolean", "description": f"true khi có hơn {CAP} kết quả: count chỉ là {CAP}."}
        return response
