"""The computable indicators of the 766 index (Decision 766/QĐ-TTg; domain-vn.md §7) per unit and for
the whole scope: 2.1 on time, 3.3 online, 4.1 electronic results, 4.2 digitised, 5.4 satisfaction.

Unlike Biểu 06, 2.1 and 5.4 judge a withdrawn dossier by its own clock (§7: "the end of
handling" includes Dừng / Từ chối / Rút, on time when it is ≤ the due time): the summary table's
``closed_late`` carries the difference. 5.4 counts a late dossier rated "not satisfied" once.
"""

from dataclasses import dataclass

from dossiers.models import DossierDayFigures

from .periods import Period
from .rates import digitised_rate, percent, rounded, satisfaction_rate
from .report06 import ReportRow, flows_per_unit, report_figures, sum_rows
from .scope import Filters, Scope

INDICATORS = (  # (number, name, maximum points, threshold in %)
    ("2.1", "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn", 20, 100),
    ("3.3", "Tỷ lệ hồ sơ nộp trực tuyến", 6, 50),
    ("4.1", "Tỷ lệ hồ sơ cấp kết quả điện tử", 6, 100),
    ("4.2", "Tỷ lệ hồ sơ được số hóa", 4, 80),
    ("5.4", "Mức độ hài lòng trong giải quyết hồ sơ", 6, 90),
)

# What an indicator without a base in the period lacks, said where its rate would be.
NO_DATA = {
    "2.1": "Không có hồ sơ trong kỳ.",
    "3.3": "Không có hồ sơ tiếp nhận mới trong kỳ.",
    "4.1": "Không có hồ sơ nào của thủ tục có kết quả là văn bản giấy được giải quyết xong trong kỳ.",
    "4.2": "Không có hồ sơ tiếp nhận mới và kết quả trong kỳ.",
    "5.4": "Không có hồ sơ giải quyết xong trong kỳ.",
}


def points(rate: float | None, maximum: float, threshold: float) -> float | None:
    """766 scoring (domain-vn.md §7): full points at or above the threshold, else rate × max ÷ threshold."""
    if rate is None:
        return None
    return rounded(maximum if rate >= threshold else rate * maximum / threshold)


@dataclass
class IndexRow:
    key: object
    label: str
    report: ReportRow
    digitised: int
    disliked: int
    closed_late: int = 0  # withdrawn after the due time: late for 2.1 and 5.4
    paper_results: int = 0  # approved with a paper-document result: 4.1's denominator
    e_results: int = 0  # of them, with a validly signed electronic result: 4.1's numerator
    new_online_paper: int = 0  # received online, of a procedure whose result is a paper document (3.3)
    online_e_results: int = 0  # of them, with a validly signed electronic result (3.3)

    @property
    def online_counted(self) -> int:
        """3.3's numerator: the online dossiers received, less those of a procedure whose result is a
        paper document that have no electronic result (domain-vn.md §7: "an online dossier counts only
        if an electronic result was issued where a paper result is required")."""
        return self.report["new_online"] - self.new_online_paper + self.online_e_results

    @property
    def late(self) -> int:
        """Resolved late by the 766 rules: col. 10 (stopped ones past due included) plus the withdrawn
        ones past due."""
        return self.report["resolved_late"] + self.closed_late

    def indicator(self, number: str) -> dict:
        """{"number", "name", "rate", "points", "max_points", "basis", "no_data"} for one indicator."""
        _, name, maximum, threshold = next(i for i in INDICATORS if i[0] == number)
        r = self.report
        new = r["new_online"] + r["new_offline"]
        if number == "2.1":
            timely = r["total"] - self.late - r["in_progress_overdue"]
            rate, basis = percent(timely, r["total"]), f"{timely}/{r['total']}"
        elif number == "3.3":
            rate, basis = percent(self.online_counted, new), f"{self.online_counted}/{new}"
            if (missing := self.new_online_paper - self.online_e_results) > 0:
                basis += f" (không tính {missing} hồ sơ trực tuyến chưa có kết quả điện tử)"
        elif number == "4.1":
            # Of the dossiers approved with a paper-document result, those with a validly signed
            # electronic result (dossiers.figures.paper_result_q, e_result_q).
            rate, basis = percent(self.e_results, self.paper_results), f"{self.e_results}/{self.paper_results}"
        elif number == "4.2":
            # Papers digitised at intake (per dossier received) and results digitised (per dossier
            # approved with a paper-document result): both parts of the formula (domain-vn.md §7).
            rate = digitised_rate(digitised=self.digitised, e_results=self.e_results, received=new,
                                  paper_results=self.paper_results)
            basis = (f"({self.digitised} tiếp nhận đã số hóa + {self.e_results} kết quả điện tử)"
                     f"/({new} tiếp nhận + {self.paper_results} kết quả giấy)")
        else:
            resolved = r["resolved"]
            rate = satisfaction_rate(resolved=resolved, late=self.late, disliked=self.disliked)
            basis = f"{self.late} quá hạn, {self.disliked} không hài lòng / {resolved}"
        return {"number": number, "name": name, "rate": rate, "points": points(rate, maximum, threshold),
                "max_points": maximum, "basis": basis, "no_data": False,
                "reason": NO_DATA.get(number, "") if rate is None else ""}

    @property
    def indicators(self) -> list[dict]:
        return [self.indicator(number) for number, *_ in INDICATORS]

    @property
    def total_points(self) -> float:
        return rounded(sum(i["points"] or 0 for i in self.indicators))

    @property
    def max_points(self) -> int:
        return sum(i["max_points"] for i in self.indicators if not i["no_data"])


# The summary table's counters an IndexRow holds beside Biểu 06's (its fields of the same names).
ROW_COUNTERS = ("digitised", "disliked", "closed_late", "paper_results", "e_results", "new_online_paper",
                "online_e_results")


def index766(*, scope: Scope, period: Period, filters: Filters = Filters()) -> tuple[list[IndexRow], IndexRow]:
    """The indicators per agency of the scope and for the whole scope: two queries, the daily
    figures summed per unit and the dossiers in progress at the end."""
    found_flows, found_stocks = flows_per_unit(scope, period, filters)
    rows = []
    for unit_id in filters.agency_ids(scope):
        found = found_flows.get(unit_id) or {}
        figures = report_figures(found, found_stocks.get(unit_id))
        rows.append(IndexRow(unit_id, scope.name(unit_id), ReportRow.of(unit_id, scope.name(unit_id), figures),
                             **{name: found.get(name) or 0 for name in ROW_COUNTERS}))
    total = IndexRow(None, "Toàn phạm vi", sum_rows([r.report for r in rows], "Toàn phạm vi"),
                     **{name: sum(getattr(r, name) for r in rows) for name in ROW_COUNTERS})
    return rows, total


def satisfaction(*, scope: Scope, period: Period) -> IndexRow:
    """The whole scope's row for indicator 5.4 alone, which needs no dossier in progress: one query,
    the daily figures summed per unit (ratings' pages show it beside the satisfaction table)."""
    found = list(flows_per_unit(scope, period, Filters(), with_stocks=False)[0].values())
    summed = {name: sum(f.get(name) or 0 for f in found) for name in ROW_COUNTERS}
    totals = {name: sum(f.get(name) or 0 for f in found) for name in DossierDayFigures.REPORT_COUNTERS}
    return IndexRow(None, "Toàn phạm vi", ReportRow.of(None, "Toàn phạm vi", report_figures(totals, None)), **summed)
