"""The public transparency page's figures (/cong-khai/ and /api/v1/transparency/): per unit and per
month, dossiers received and resolved, the on-time, online, digitisation and satisfaction rates,
feedback handled on time, and the 766 points; no login.

Read only from the summary rows (DossierDayFigures through dossiers.leaders, the feedback counts
through feedback.figures): no request counts dossiers, not even the open ones, so the on-time rate
here is the share of the period's resolved dossiers resolved on time (feedback.scores). The result
is plain numbers and unit names, built once and kept in the shared cache for
TRANSPARENCY_CACHE_SECONDS: a page seen by the public is served from there.
"""

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from dossiers.leaders.dashboard import monthly
from dossiers.leaders.periods import Period, month_period, year_period
from dossiers.leaders.scope import Filters
from mocua.accounts.selectors import FiguresScope, agency_forest

from .scores import METRICS, Scorecard, ranked, scorecards

CACHE_VERSION = 1
FIRST_YEAR = 2020


def period_of(year: int, month: int | None) -> Period:
    return month_period(year, month) if month else year_period(year)


def _row(card: Scorecard, rank: int | None = None) -> dict:
    """A unit's figures: numbers and its name only (never a person's data)."""
    c = card.counters
    return {
        "agency": card.key, "name": card.label, "depth": card.depth, "rank": rank,
        # Late as the 766 index judges it (2.1): a withdrawal or a stop past the due time too.
        "received": card.received, "received_online": c["new_online"], "resolved": card.resolved,
        "resolved_on_time": card.resolved - card.index.late, "resolved_late": card.index.late,
        "rated": c["rated"], "rated_good": c["rated_good"],
        "feedback_received": card.feedback.received, "feedback_handled": card.feedback.handled,
        "feedback_late": card.feedback.handled_late + card.feedback.open_late,
        **{f"{name}_rate": card.metric(name) for name, _ in METRICS},
        "indicators": [{key: i[key] for key in ("number", "name", "rate", "points", "max_points")}
                       for i in card.indicators],
        "points": card.points, "max_points": card.max_points, "score": card.score,
    }


def _months(scope: FiguresScope, period: Period, agency_id: int | None) -> list[dict]:
    """Received and resolved per month over the twelve months up to the period's end, for the chart."""
    rows = monthly(scope=scope, period=period, filters=Filters(agency_id=agency_id))
    return [{"month": f"{m['month']:%m/%Y}", "received": m["received"], "resolved": m["early"] + m["on_time"]
             + m["late"], "on_time": m["early"] + m["on_time"], "late": m["late"]} for m in rows]


def build(*, year: int, month: int | None, agency_id: int | None) -> dict:
    """The page's figures, computed: four queries (the units, the summed daily rows per unit, the
    feedback per unit, the months)."""
    scope = FiguresScope(tuple(agency_forest()))
    if agency_id is not None and agency_id not in scope.ids:
        agency_id = None
    period = period_of(year, month)
    cards, total = scorecards(scope=scope, period=period, with_stocks=False)
    ranks = {card.key: rank for rank, card in ranked(cards)}
    return {
        "year": year, "month": month, "agency": agency_id, "period": period.label,
        "start": period.start.isoformat(), "end": period.end.isoformat(),
        "units": [_row(card, ranks.get(card.key) or None) for card in cards], "total": _row(total),
        "months": _months(scope, period, agency_id),
        "built_at": timezone.now().isoformat(timespec="seconds"),
    }


def scoreboard(*, year: int, month: int | None = None, agency_id: int | None = None) -> dict:
    """build(), from the shared cache when someone asked the same in the last minutes."""
    key = f"transparency:v{CACHE_VERSION}:{year}:{month or 0}:{agency_id or 0}"
    found = cache.get(key)
    if found is None:
        found = build(year=year, month=month, agency_id=agency_id)
        cache.set(key, found, settings.TRANSPARENCY_CACHE_SECONDS)
    return found


def choose(year: str | None, month: str | None, agency: str | None) -> tuple[int, int | None, int | None]:
    """The period and unit asked for, falling back to this month and the whole province on anything
    that is not one (the page is public: a wrong value shows the default, never an error)."""
    today = timezone.localdate()
    years = range(FIRST_YEAR, today.year + 1)
    chosen_year = int(year) if year and year.isdigit() and int(year) in years else today.year
    if month == "0" or (month is None and year):  # the whole year, asked for explicitly
        chosen_month = None
    elif month and month.isdigit() and 1 <= int(month) <= 12:
        chosen_month = int(month)
    else:
        chosen_month = today.month if chosen_year == today.year else None
    if chosen_month and dt.date(chosen_year, chosen_month, 1) > today:
        chosen_month = today.month
    return chosen_year, chosen_month, int(agency) if agency and agency.isdigit() else None


MONTHS = [(str(n), f"Tháng {n}") for n in range(1, 13)]
