"""The leaders' figures counted again on the dossier rows themselves, one GROUP BY with a condition
per figure: what the reports read from the summary tables must equal (no page counts this way; a
province's period holds too many dossiers)."""

from django.db.models import Count, Q

from dossiers.figures import RATING_BAD, RATING_GOOD, e_result_q, paper_result_q, papers_digitised
from dossiers.leaders.periods import Period
from dossiers.leaders.report06 import REPORT_FIGURES, conditions
from dossiers.leaders.scope import Filters, Scope
from dossiers.models import Dossier, Timeliness
from dossiers.workflow import Status

DASHBOARD_FIGURES = (*REPORT_FIGURES, "returned", "refused", "withdrawn", "stopped", "refused_at_intake", "rated",
                     "rated_good", "new_post", "returned_post", "disliked", "closed_late", "digitised", "e_results",
                     "paper_results")
INDEX_FIGURES = (*REPORT_FIGURES, "closed_late", "disliked", "digitised")


def _between(name: str, period: Period) -> Q:
    return Q(**{f"{name}__gte": period.start_at, f"{name}__lt": period.end_at})


def all_conditions(period: Period) -> dict[str, Q]:
    """Biểu 06's conditions (leaders.report06.conditions) and the dashboard's and 766 index's others."""
    rules = conditions(period)
    resolved = rules["resolved"]
    rated = _between("rating__created_at", period)
    return {
        **rules,
        "returned": _between("returned_at", period),
        "returned_post": _between("returned_at", period) & Q(return_method="post"),
        "new_post": _between("received_at", period) & Q(channel="post"),
        "refused": resolved & Q(status=Status.REFUSED),
        "withdrawn": resolved & Q(status=Status.WITHDRAWN),
        "stopped": resolved & Q(status=Status.STOPPED),
        "refused_at_intake": Q(received_at__isnull=True, status=Status.REFUSED) & _between("finished_at", period),
        "rated": rated,
        "rated_good": rated & Q(rating__level__in=RATING_GOOD),
        # 766 index 5.4: a late dossier rated badly counts once
        "disliked": resolved & Q(rating__level=RATING_BAD) & ~Q(timeliness=Timeliness.LATE),
        "digitised": _between("received_at", period) & papers_digitised(),
        # 766 4.1 and 4.2's results part: approved, of a procedure with a paper result; with a valid e-result.
        "paper_results": resolved & paper_result_q(),
        "e_results": resolved & paper_result_q() & e_result_q(),
    }


def count_dossiers(*, scope: Scope, period: Period, filters: Filters = Filters(), names=DASHBOARD_FIGURES,
                   group: tuple[str, ...] = ()) -> dict | list[dict]:
    """One query: the named figures over the scope, or one row per `group` value."""
    rules = all_conditions(period)
    aggregates = {name: Count("pk", filter=rules[name]) for name in names}
    queryset = Dossier.objects.filter(filters.dossiers(scope))
    if not group:
        return queryset.aggregate(**aggregates)
    return list(queryset.order_by().values(*group).annotate(**aggregates).order_by(*group))
