"""The period a leader's figures cover: whole local days, half-open [start_at, end_at)."""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

# Longest free range: five years keeps one GROUP BY over a province's dossiers reasonable.
MAX_RANGE_DAYS = 5 * 366
PERIOD_KINDS = [("month", "Tháng"), ("quarter", "Quý"), ("year", "Năm"), ("range", "Khoảng ngày")]


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year, range
    start: dt.date  # first day
    end: dt.date  # last day (inclusive)

    @property
    def start_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def end_at(self) -> dt.datetime:
        """00:00 of the day after the last one: periods are half-open [start_at, end_at)."""
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))

    @property
    def as_of(self) -> dt.datetime:
        """When "in progress" is judged: the end of the period, or now if it has not ended."""
        return min(self.end_at, timezone.now())

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"Tháng {self.start.month}/{self.start.year}"
        if self.kind == "quarter":
            return f"Quý {(self.start.month - 1) // 3 + 1}/{self.start.year}"
        if self.kind == "year":
            return f"Năm {self.start.year}"
        return f"Từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    @property
    def slug(self) -> str:
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    @property
    def line(self) -> str:
        """The period as a report's heading line names it."""
        range_text = f"Từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"
        return f"Kỳ báo cáo: {self.label}" + ("" if self.kind == "range" else f" ({range_text})")


def month_period(year: int, month: int) -> Period:
    return Period("month", dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period("quarter", dt.date(year, first, 1), month_period(year, first + 2).end)


def year_period(year: int) -> Period:
    return Period("year", dt.date(year, 1, 1), dt.date(year, 12, 31))


def range_period(start: dt.date, end: dt.date) -> Period:
    return Period("range", min(start, end), max(start, end))


def this_month() -> Period:
    today = timezone.localdate()
    return month_period(today.year, today.month)


class PeriodError(ValueError):
    """A period that cannot be built; `field` names the input to blame."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def build_period(kind: str, *, year: int | None = None, month: int | None = None, quarter: int | None = None,
                 start: dt.date | None = None, end: dt.date | None = None) -> Period:
    """The period the leader chose; missing parts default to the current month, quarter or year.
    Shared by the pages (forms.LeaderQueryForm) and the API (api.StatsQueryInput)."""
    today = timezone.localdate()
    year = year or today.year
    if kind == "range":
        if start is None or end is None:
            raise PeriodError("start" if start is None else "end", "Cần nhập cả ngày bắt đầu và ngày kết thúc.")
        if start > end:
            raise PeriodError("end", "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.")
        if (end - start).days >= MAX_RANGE_DAYS:
            raise PeriodError("end", "Khoảng thời gian không được dài quá 5 năm.")
        return range_period(start, end)
    if kind == "year":
        return year_period(year)
    if kind == "quarter":
        return quarter_period(year, quarter or (today.month - 1) // 3 + 1)
    return month_period(year, month or today.month)
