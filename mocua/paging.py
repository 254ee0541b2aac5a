"""Pagination that never counts a whole archive.

A province's centre holds millions of dossiers: an exact COUNT(*) behind every list page would
grow with the archive. These paginators count at most CAP + 1 rows (``SELECT COUNT(*) FROM
(… LIMIT CAP + 1)``), so a list costs the same whatever the archive's size. Beyond the cap the
page says "more than" and suggests a filter, and its pages read one row past their end to know
whether another follows, so every row stays reachable.

A text search is not counted at all (UncountedPaginator): its matches come from the trigram index,
whose bitmap of a common name grows with the archive even under a LIMIT, while the page itself,
newest first, stops after a page of matches.
"""

from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from mocua.inputs import MAX_PAGE, ascii_int

CAP = 1000


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


def _page_number(number) -> int:
    """A page number in ASCII digits, 1 to MAX_PAGE: a larger one would overflow the OFFSET."""
    if isinstance(number, int):
        number = str(number)
    parsed = ascii_int(number, minimum=1, maximum=MAX_PAGE)
    if parsed is None:
        if ascii_int(number) is None:
            raise PageNotAnInteger("Số trang phải là số nguyên.")
        raise EmptyPage(f"Số trang phải từ 1 đến {MAX_PAGE}.")
    return parsed


def _read_page(paginator: Paginator, number: int) -> UncountedPage:
    """One row past the page's end says whether another follows; past the last page, an empty page
    that still links back (no count to clamp it to)."""
    bottom = (number - 1) * paginator.per_page
    rows = list(paginator.object_list[bottom:bottom + paginator.per_page + 1])
    return UncountedPage(rows[:paginator.per_page], number, paginator, has_more=len(rows) > paginator.per_page)


class CappedPaginator(Paginator):
    cap = CAP

    @cached_property
    def count(self) -> int:
        # Unordered: any CAP + 1 rows count the same, and without the list's ORDER BY PostgreSQL
        # counts from an index alone instead of reading and sorting the rows.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def counted(self) -> bool:
        """Whether the count is exact, so that the page can say "page N of M"."""
        return not self.capped

    # Below the cap, Django's own pages; beyond it the last page is unknown, so any page number
    # from 1 on is read (one row past its end) and an empty one past the end is the answer.

    def validate_number(self, number) -> int:
        number = _page_number(number)
        return super().validate_number(number) if not self.capped else number

    def page(self, number) -> Page:
        if not self.capped:
            return super().page(number)
        page = _read_page(self, self.validate_number(number))
        if page.number > 1 and not page.object_list:
            raise EmptyPage(self.error_messages["no_results"])  # as Django's: the API answers 404
        return page

    def get_page(self, number) -> Page:
        try:
            number = _page_number(number)
        except InvalidPage:
            number = 1  # not a number, or below 1: the first page, capped or not
        if number == 1 and "count" not in self.__dict__:
            return self._first_page()
        if not self.capped:
            return super().get_page(number)  # past the end: the last page
        return _read_page(self, number)  # past the end: an empty page that links back

    def _first_page(self) -> Page:
        """The first page read before the count, one row past its end: a list that fits on it (an
        officer's own dossiers, most often) is counted by its length, without the COUNT query."""
        rows = list(self.object_list[:self.per_page + 1])
        if len(rows) <= self.per_page:
            self.count = len(rows)  # the cached_property's value: the exact count
            return self._get_page(rows, 1, self)
        if self.capped:
            return UncountedPage(rows[:self.per_page], 1, self, has_more=True)
        return self._get_page(rows[:self.per_page], 1, self)


class UncountedPaginator(Paginator):
    """Pages read one row past their end to know whether another follows; no COUNT at all."""

    counted = False
    capped = False

    @property
    def count(self):
        raise TypeError("UncountedPaginator never counts: use page.has_next()")

    def get_page(self, number) -> UncountedPage:
        try:
            number = _page_number(number)
        except InvalidPage:
            number = 1
        return self.page(number)

    def page(self, number: int) -> UncountedPage:
        return _read_page(self, number)


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
