"""Feedback figures per unit and per officer for a period, and the 766 indicators that depend on
feedback (group 5: 5.1 classified, 5.2 handled on time, 5.3 satisfied with the handling).

Counted on the feedback rows themselves, one GROUP BY a table: a unit receives tens of items a month
where it receives thousands of dossiers, so no summary table is kept for them (the indexes on
(agency, received_at) and (agency, finished_at) serve the period's rows).

Conventions (across-agencies-vn.md §5.2), for a period of whole local days [start, end), judged at
`as_of` (the end, or now for a period not over):
- received: received by the unit in the period (sent to it, or forwarded in);
- handled: the unit was done with it in the period (answered, refused or forwarded), late when a move
  ran past its own due time (the `late` flag) or the answer still waits to be published past its due;
- open at the end: received before the end and not handled before it; late when flagged, or when its
  answer is due before `as_of` (a clock stopped for the citizen while within the limit is not late);
- 5.1 = classified as rule/procedure or conduct ÷ received (refused ones are no feedback);
- 5.2 = (handled on time + open within the limit) ÷ (handled + open at the end);
- 5.3 = answered, neither late nor disliked by the citizen ÷ answered (answered in the period).
The 766 document gives no thresholds for group 5: full points at 100 %, proportional below (the
index's scoring rule, dossiers.leaders.index766.points).
"""

from dataclasses import dataclass

from django.db.models import Count, F, Q

from dossiers.leaders.index766 import points
from dossiers.leaders.periods import Period
from dossiers.leaders.rates import percent
from dossiers.leaders.scope import Filters, Scope, department_q

from .models import Feedback
from .workflow import Category, Reaction, Status

INDICATORS = (  # (number, name, maximum points, threshold in %)
    ("5.1", "Tỷ lệ phản ánh, kiến nghị được phân loại", 5, 100),
    ("5.2", "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn", 5, 100),
    ("5.3", "Mức độ hài lòng về xử lý phản ánh, kiến nghị", 2, 100),
)
COUNTERS = ("received", "refused", "classified", "handled", "handled_late", "open_end", "open_late", "answered",
            "answered_bad")


def _between(name: str, period: Period) -> Q:
    return Q(**{f"{name}__gte": period.start_at, f"{name}__lt": period.end_at})


def conditions(period: Period) -> dict[str, Q]:
    """Each counter as a condition on one Feedback row (the module docstring). The tests count each
    one on the rows with these, and the figures group by them."""
    as_of = period.as_of
    received = _between("received_at", period)
    handled = _between("finished_at", period)
    waiting_publication = Q(status=Status.ANSWERED, publish_due_at__lt=as_of)
    handled_late = Q(late=True) | waiting_publication
    open_end = Q(received_at__lt=period.end_at) & (Q(finished_at__isnull=True) | Q(finished_at__gte=period.end_at))
    paused_within = Q(paused_at__lt=as_of, answer_due_at__gte=F("paused_at"))
    answered = _between("answered_at", period)
    return {
        "received": received,
        "refused": received & Q(status=Status.REFUSED),
        "classified": received & Q(category__in=[Category.RULE, Category.CONDUCT]),
        "handled": handled,
        "handled_late": handled & handled_late,
        "open_end": open_end,
        "open_late": open_end & (Q(late=True) | (~paused_within & Q(answer_due_at__lt=as_of))),
        "answered": answered,
        "answered_bad": answered & (handled_late | Q(reaction=Reaction.NOT_SATISFIED)),
    }


def relevant(period: Period) -> Q:
    """The rows any counter may count: received before the end, and not handled before the start."""
    return Q(received_at__lt=period.end_at) & (Q(finished_at__isnull=True) | Q(finished_at__gte=period.start_at))


@dataclass
class FeedbackFigures:
    key: object = None
    label: str = ""
    detail: str = ""
    received: int = 0
    refused: int = 0
    classified: int = 0
    handled: int = 0
    handled_late: int = 0
    open_end: int = 0
    open_late: int = 0
    answered: int = 0
    answered_bad: int = 0

    @classmethod
    def of(cls, key, label: str, found: dict | None, detail: str = "") -> "FeedbackFigures":
        return cls(key, label, detail, **{name: (found or {}).get(name) or 0 for name in COUNTERS})

    def __add__(self, other: "FeedbackFigures") -> "FeedbackFigures":
        return FeedbackFigures(self.key, self.label, self.detail,
                               **{name: getattr(self, name) + getattr(other, name) for name in COUNTERS})

    @property
    def handled_on_time(self) -> int:
        return self.handled - self.handled_late

    @property
    def on_time_rate(self) -> float | None:
        """5.2: handled on time and open within the limit, of handled and open."""
        return percent(self.handled_on_time + self.open_end - self.open_late, self.handled + self.open_end)

    def indicator(self, number: str) -> dict:
        _, name, maximum, threshold = next(i for i in INDICATORS if i[0] == number)
        if number == "5.1":
            base = self.received - self.refused
            rate, basis = percent(self.classified, base), f"{self.classified}/{base}"
        elif number == "5.2":
            timely = self.handled_on_time + self.open_end - self.open_late
            rate, basis = self.on_time_rate, f"{timely}/{self.handled + self.open_end}"
        else:
            good = self.answered - self.answered_bad
            rate, basis = percent(good, self.answered), f"{good}/{self.answered}"
        return {"number": number, "name": name, "rate": rate, "points": points(rate, maximum, threshold),
                "max_points": maximum, "basis": basis, "no_data": rate is None}

    @property
    def indicators(self) -> list[dict]:
        return [self.indicator(number) for number, *_ in INDICATORS]


def _counts(period: Period) -> dict:
    return {name: Count("pk", filter=q) for name, q in conditions(period).items()}


def _rows(scope: Scope, period: Period, filters: Filters, key: str) -> list[dict]:
    return list(Feedback.objects.filter(filters.dossiers(scope), relevant(period)).order_by()
                .values(key).annotate(**_counts(period)))


def per_unit(*, scope: Scope, period: Period, filters: Filters = Filters()) -> tuple[list[FeedbackFigures],
                                                                                    FeedbackFigures]:
    """One row per unit of the scope (every unit, even one with nothing), and the total: one query."""
    found = {r["agency_id"]: r for r in _rows(scope, period, filters, "agency_id")}
    rows = [FeedbackFigures.of(unit_id, scope.name(unit_id), found.get(unit_id))
            for unit_id in filters.agency_ids(scope)]
    return rows, sum(rows, FeedbackFigures(label="Toàn phạm vi"))


def per_officer(*, scope: Scope, period: Period, filters: Filters = Filters()) -> list[FeedbackFigures]:
    """One row per officer with items assigned (a head's: their department's), then the items no one
    was given: one query, the officers' names joined (a few rows per unit)."""
    rows = (Feedback.objects.filter(filters.dossiers(scope), relevant(period),
                                    department_q(scope, "assignee__department_id")).order_by()
            .values("assignee_id", "assignee__full_name", "assignee__username", "assignee__department__name",
                    "agency__name").annotate(**_counts(period)))
    found = [FeedbackFigures.of(r["assignee_id"], r["assignee__full_name"] or r["assignee__username"] or "Chưa giao",
                                r, " · ".join(x for x in (r["assignee__department__name"], r["agency__name"]) if x))
             for r in rows]
    return sorted(found, key=lambda r: (r.key is None, -r.handled_late - r.open_late, -r.handled, r.label))


