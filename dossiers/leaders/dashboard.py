"""The leaders' dashboard: Biểu 06's figures for the period, the other endings (returned, refused,
withdrawn, stopped, refused at the counter), the ratings, and received / resolved per month."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db.models.functions import TruncMonth

from dossiers.models import DossierDayFigures
from dossiers.selectors import TRANSFER_FIGURES, transfer_lateness_by_agency

from . import sql
from .periods import Period, range_period
from .rates import digitised_rate, satisfaction_rate
from .report06 import ReportRow, flows, flows_per_unit, report_figures, sum_flows
from .scope import Filters, Scope

# The dashboard's figures beyond Biểu 06's, all counters of the summary table.
EXTRA_FIGURES = ("returned", "refused", "withdrawn", "stopped", "refused_at_intake", "rated", "rated_good",
                 "new_post", "returned_post", "disliked", "closed_late", "digitised", "e_results", "paper_results")


@dataclass
class Dashboard:
    period: Period
    figures: ReportRow
    extra: dict
    months: list[dict]
    # Transfers between agencies due in the period, sent or taken in on time or late (issue 23, item 5):
    # selectors.transfer_lateness_by_agency summed over the scope's agencies under the filters.
    transfers: dict = None

    @property
    def late(self) -> int:
        """Resolved late as 766 judges it (index766.IndexRow.late): col. 10 and the withdrawn past due."""
        return self.figures["resolved_late"] + self.extra["closed_late"]

    @property
    def satisfaction_rate(self) -> float | None:
        """Indicator 5.4, as the 766 and ratings pages show it (rates.satisfaction_rate), not the share of
        good ratings: one rate on every page (issue 21, item 13)."""
        return satisfaction_rate(resolved=self.figures["resolved"], late=self.late, disliked=self.extra["disliked"])

    @property
    def digitised_rate(self) -> float | None:
        """Indicator 4.2, as the 766 page shows it (rates.digitised_rate)."""
        return digitised_rate(digitised=self.extra["digitised"], e_results=self.extra["e_results"],
                              received=self.figures["new_online"] + self.figures["new_offline"],
                              paper_results=self.extra["paper_results"])


def _month_starts(period: Period) -> list[dt.date]:
    """The twelve months up to the end of the period (or the period's months if it is longer)."""
    first = dt.date(period.start.year, period.start.month, 1)
    last = dt.date(period.end.year, period.end.month, 1)
    months = [last]
    while len(months) < 12 or months[-1] > first:
        previous = months[-1] - dt.timedelta(days=1)
        months.append(previous.replace(day=1))
    return months[::-1]


def _as_date(value) -> dt.date:
    """A month as the database gives it back to a raw query: a timestamp (PostgreSQL's date_trunc
    of a date), or an ISO string (SQLite)."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def monthly(*, scope: Scope, period: Period, filters: Filters = Filters()) -> list[dict]:
    """Received and resolved (early, on time, late) per month, from the summary table's month rows
    (and the day rows of a month not wholly in the window): one query."""
    months = _month_starts(period)
    window = range_period(months[0], period.end)
    names = DossierDayFigures.REPORT_COUNTERS
    try:
        query, params = flows(scope, window, filters, names)("month", by=TruncMonth("day"))
    except EmptyResultSet:  # filtered on an agency outside the scope
        found = {}
    else:
        found = {_as_date(r["month"]): r for r in sql.fetch(query, params)}
    table = []
    for month in months:
        r = found.get(month) or dict.fromkeys(names, 0)
        table.append({"month": month, "received": r["new_online"] + r["new_offline"], "early": r["resolved_early"],
                      "on_time": r["resolved_on_time"], "late": r["resolved_late"]})
    return table


def transfer_figures(*, scope: Scope, period: Period, filters: Filters = Filters()) -> dict:
    """The scope's transfers due in the period, sent on time, sent late, still unsent past due, taken in
    on time and late, summed over its agencies, and `late` (sent late or unsent past due): one query."""
    found = transfer_lateness_by_agency(agency_ids=filters.agency_ids(scope), start_at=period.start_at,
                                        end_at=period.end_at, field_id=filters.field_id,
                                        procedure_id=filters.procedure_id)
    totals = {name: sum(row[name] for row in found.values()) for name in TRANSFER_FIGURES}
    return {**totals, "late": totals["sent_late"] + totals["unsent_late"]}


def dashboard(*, scope: Scope, period: Period, filters: Filters = Filters()) -> Dashboard:
    """Four queries, none over the period's dossiers: the daily figures summed per unit, the
    dossiers in progress at the end, the months for the chart, and the transfers between agencies."""
    found_flows, found_stocks = flows_per_unit(scope, period, filters)
    totals = sum_flows(found_flows.values())
    figures = report_figures(totals, sum_flows(found_stocks.values(), ("in_progress", "in_progress_overdue")))
    row = ReportRow.of(None, "Tổng cộng", figures)
    extra = {name: totals[name] for name in EXTRA_FIGURES}
    return Dashboard(period, row, extra, monthly(scope=scope, period=period, filters=filters),
                     transfer_figures(scope=scope, period=period, filters=filters))
