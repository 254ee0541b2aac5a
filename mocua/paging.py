"""Pagination that never counts a whole archive.

A province's centre holds millions of dossiers: an exact COUNT(*) behind every list page would
grow with the archive. These paginators count at most CAP + 1 rows (``SELECT COUNT(*) FROM
(… LIMIT CAP + 1)``), so a list costs the same whatever the archive's size; beyond the cap the
page says "more than" and asks for a narrower filter.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

CAP = 1000


class CappedPaginator(Paginator):
    cap = CAP

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


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
