"""A unit's scorecard: the dossier indicators of the 766 index (dossiers.leaders.index766), the feedback
ones (feedback.figures), the satisfaction and postal-return rates, and one score out of 100 that the
units are ranked by. The public transparency page and the leaders' targets and rankings read it.

The score is the 766 points the portal can compute, scaled to 100: points of the indicators that
have data ÷ their maximum points × 100 (2.1 on time 20, 3.3 online 6, 4.2 digitised 4, 5.4
satisfaction with dossiers 6, 5.1 feedback classified 5, 5.2 feedback on time 5, 5.3 satisfaction
with feedback 2: 48 at most). An indicator without data (a unit with no feedback in the period) counts
for neither, so a quiet unit is not ranked down for it. 4.1 (electronic results) has no data in the
portal yet and never counts.

Everything is read from the summary rows (DossierDayFigures, with the open dossiers at the end when
`with_stocks`) and the feedback rows: two or three queries whatever the units and the period.
"""

from dataclasses import dataclass

from dossiers.leaders.index766 import ROW_COUNTERS, IndexRow
from dossiers.leaders.periods import Period
from dossiers.leaders.rates import percent, rounded
from dossiers.leaders.report06 import ReportRow, flows_per_unit, report_figures, sum_flows
from dossiers.leaders.scope import Filters, Scope
from dossiers.models import DossierDayFigures

from . import figures
from .figures import FeedbackFigures

DOSSIER_INDICATORS = ("2.1", "3.3", "4.2", "5.4")
# The targets a leader sets (models.UnitTarget.METRICS): what each one reads, and its name.
METRICS = (
    ("on_time", "Hồ sơ giải quyết đúng hạn"),
    ("online", "Hồ sơ nộp trực tuyến"),
    ("digitised", "Hồ sơ được số hóa"),
    ("postal", "Trả kết quả qua bưu chính công ích"),
    ("satisfaction", "Hài lòng về giải quyết hồ sơ (chỉ số 5.4)"),
    ("feedback_on_time", "Phản ánh, kiến nghị xử lý đúng hạn"),
)
FORMULA = ("Điểm = tổng điểm các chỉ số 766 tính được (2.1 đúng hạn: 20; 3.3 trực tuyến: 6; 4.2 số hóa: 4; "
           "5.4 hài lòng với giải quyết hồ sơ: 6; 5.1 phân loại phản ánh: 5; 5.2 phản ánh đúng hạn: 5; "
           "5.3 hài lòng với xử lý phản ánh: 2) ÷ tổng điểm tối đa của các chỉ số có dữ liệu × 100. Mỗi chỉ số đạt "
           "tối đa khi tỷ lệ bằng hoặc vượt ngưỡng (2.1: 100%, 3.3: 50%, 4.2: 80%, 5.4: 90%, nhóm 5 phản ánh: "
           "100%), dưới ngưỡng thì điểm = tỷ lệ × điểm tối đa ÷ ngưỡng. Chỉ số không có dữ liệu trong kỳ không "
           "tính vào cả tử số và mẫu số.")


@dataclass
class Scorecard:
    key: int | None
    label: str
    depth: int
    index: IndexRow
    feedback: FeedbackFigures
    counters: dict

    @property
    def received(self) -> int:
        return self.counters["new_online"] + self.counters["new_offline"]

    @property
    def resolved(self) -> int:
        return self.index.report["resolved"]

    @property
    def indicators(self) -> list[dict]:
        return [self.index.indicator(n) for n in DOSSIER_INDICATORS] + self.feedback.indicators

    @property
    def points(self) -> float:
        return rounded(sum(i["points"] for i in self.indicators if i["points"] is not None))

    @property
    def max_points(self) -> int:
        return sum(i["max_points"] for i in self.indicators if i["rate"] is not None)

    @property
    def score(self) -> float | None:
        return rounded(100 * self.points / self.max_points) if self.max_points else None

    def metric(self, name: str) -> float | None:
        """The rate a target of `name` is measured by, in %."""
        c = self.counters
        if name == "postal":
            return percent(c["returned_post"], c["returned"])
        if name == "satisfaction":  # the one satisfaction rate of every page (leaders.rates.satisfaction_rate)
            return self.index.indicator("5.4")["rate"]
        if name == "feedback_on_time":
            return self.feedback.on_time_rate
        return self.index.indicator({"on_time": "2.1", "online": "3.3", "digitised": "4.2"}[name])["rate"]

    @property
    def metrics(self) -> dict[str, float | None]:
        return {name: self.metric(name) for name, _ in METRICS}


def _card(key, label: str, depth: int, flows: dict | None, stocks: dict | None,
          feedback: FeedbackFigures) -> Scorecard:
    counters = {name: (flows or {}).get(name) or 0 for name in DossierDayFigures.COUNTERS}
    report = ReportRow.of(key, label, report_figures(counters, stocks))
    index = IndexRow(key, label, report, **{name: counters[name] for name in ROW_COUNTERS})
    return Scorecard(key, label, depth, index, feedback, counters)


def scorecards(*, scope: Scope, period: Period, filters: Filters = Filters(),
               with_stocks: bool = True) -> tuple[list[Scorecard], Scorecard]:
    """One card per unit of the scope (under the filters), and the whole scope's. Without stocks the
    dossiers in progress are not read: 2.1 is then the share of the period's resolved dossiers resolved
    on time (the public page reads only the summary rows)."""
    found_flows, found_stocks = flows_per_unit(scope, period, filters, with_stocks=with_stocks)
    feedback_rows, feedback_total = figures.per_unit(scope=scope, period=period, filters=filters)
    by_unit = {row.key: row for row in feedback_rows}
    depths = {unit.id: unit.depth for unit in scope.units}
    cards = [_card(unit_id, scope.name(unit_id), depths.get(unit_id, 0), found_flows.get(unit_id),
                   found_stocks.get(unit_id), by_unit[unit_id]) for unit_id in filters.agency_ids(scope)]
    stocks = sum_flows(found_stocks.values(), ("in_progress", "in_progress_overdue")) if with_stocks else None
    total = _card(None, "Toàn phạm vi", 0, sum_flows(found_flows.values()), stocks, feedback_total)
    return cards, total


def rank(rows: list, score, order) -> list[tuple[int, object]]:
    """(rank, row), best first by `order` (a sort key); rows whose `order` but for the name is the same
    share a rank; rows without a score come last, unranked (rank 0), by name."""
    scored = sorted((r for r in rows if score(r) is not None), key=order)
    found, rank_now, previous = [], 0, None
    for position, row in enumerate(scored, start=1):
        if order(row)[:-1] != previous:
            rank_now, previous = position, order(row)[:-1]
        found.append((rank_now, row))
    return found + [(0, r) for r in sorted(rows, key=lambda r: r.label) if score(r) is None]


def ranked(cards: list[Scorecard]) -> list[tuple[int, Scorecard]]:
    """The units by score; equal scores share a rank; units with no data at all come last, unranked."""
    return rank(cards, lambda c: c.score, lambda c: (-c.score, c.label))
