"""Targets against results, and the emulation rankings (xếp hạng thi đua) of units and of the officers
inside a unit, over a month, a quarter or a year.

Units are ranked by their scorecard's score (feedback.scores: the computable 766 points, scaled to
100). Officers are ranked by the share of their work done on time: steps of dossiers handed on
within their own budget (dossiers.leaders.officers, from the step summary rows) and feedback items
they handled on time (feedback.figures), over all of both. An officer with no work in the period is
listed unranked.
"""

from dataclasses import dataclass

from dossiers.leaders.officers import officers as officer_steps
from dossiers.leaders.periods import Period
from dossiers.leaders.rates import percent
from dossiers.leaders.scope import Filters, Scope

from .. import figures
from ..models import UnitTarget
from ..scores import METRICS, Scorecard, rank

OFFICER_FORMULA = ("Điểm cán bộ = (bước xử lý hồ sơ đúng hạn + phản ánh, kiến nghị xử lý đúng hạn) ÷ (bước đã xử "
                   "lý + phản ánh đã xử lý) × 100. Bước đúng hạn là bước được chuyển trong thời gian của chính bước "
                   "đó theo quy trình nội bộ. Cùng điểm thì ai xử lý nhiều việc hơn đứng trước.")


@dataclass
class Progress:
    """One unit's result on one target."""

    metric: str
    label: str
    target: float | None
    actual: float | None

    @property
    def met(self) -> bool | None:
        """None without a target or without data; else whether the result reaches the target."""
        if self.target is None or self.actual is None:
            return None
        return self.actual >= self.target

    @property
    def gap(self) -> float | None:
        return None if self.met is None else round(self.actual - self.target, 2)


@dataclass
class UnitProgress:
    card: Scorecard
    target: UnitTarget | None
    items: list[Progress]

    @property
    def below(self) -> list[Progress]:
        return [p for p in self.items if p.met is False]

    @property
    def set_count(self) -> int:
        return sum(p.target is not None for p in self.items)


def targets_of(scope: Scope, year: int) -> dict[int, UnitTarget]:
    """The year's targets of the scope's units: one query."""
    return {t.agency_id: t for t in UnitTarget.objects.filter(agency_id__in=scope.ids, year=year)
            .select_related("set_by")}


def progress(cards: list[Scorecard], targets: dict[int, UnitTarget]) -> list[UnitProgress]:
    found = []
    for card in cards:
        target = targets.get(card.key)
        items = [Progress(name, label, float(getattr(target, name)) if target and getattr(target, name) is not None
                          else None, card.metric(name)) for name, label in METRICS]
        found.append(UnitProgress(card, target, items))
    return found


@dataclass
class OfficerScore:
    key: int | None
    label: str
    detail: str
    steps: int = 0
    late_steps: int = 0
    feedback_handled: int = 0
    feedback_late: int = 0

    @property
    def work(self) -> int:
        return self.steps + self.feedback_handled

    @property
    def on_time(self) -> int:
        return self.steps - self.late_steps + self.feedback_handled - self.feedback_late

    @property
    def score(self) -> float | None:
        return percent(self.on_time, self.work)


def officer_scores(*, scope: Scope, period: Period, agency_id: int,
                   filters: Filters = Filters()) -> list[tuple[int, OfficerScore]]:
    """(rank, officer) of a unit and the units below it, best first; those without work last,
    unranked (rank 0); a field or procedure filter counts only that work. Two queries: the officers
    with their steps, their feedback."""
    unit = Filters(agency_id=agency_id, field_id=filters.field_id, procedure_id=filters.procedure_id)
    rows = {r.key: OfficerScore(r.key, r.label, r.detail, r.steps, r.late_steps)
            for r in officer_steps(scope=scope, period=period, filters=unit, sort="name")}
    for f in figures.per_officer(scope=scope, period=period, filters=unit):
        if f.key is None:
            continue  # not given to anyone: no one's score
        row = rows.setdefault(f.key, OfficerScore(f.key, f.label, f.detail))
        row.feedback_handled, row.feedback_late = f.handled, f.handled_late
    return _rank(list(rows.values()))


def _rank(rows: list[OfficerScore]) -> list[tuple[int, OfficerScore]]:
    # Equal scores: more work first (and the same rank only for the same score and work).
    return rank(rows, lambda r: r.score, lambda r: (-r.score, -r.work, r.label))
