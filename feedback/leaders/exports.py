"""The feedback figures, the targets and the rankings as tables (dossiers.leaders.exports.Table) for the
one xlsx writer; the pages show the same objects, so a download holds the page's numbers."""

from dossiers.leaders.periods import Period
from dossiers.leaders.scope import Scope
from mocua.xlsx import Cell, Table, simple_header

from ..figures import INDICATORS, FeedbackFigures
from ..scores import FORMULA, METRICS, Scorecard
from .rankings import OFFICER_FORMULA, OfficerScore, UnitProgress

FEEDBACK_HEADINGS = ("Tiếp nhận", "Đã xử lý", "Xử lý đúng hạn", "Xử lý trễ hạn", "Đang xử lý cuối kỳ",
                     "Đang xử lý trễ hạn")


def _blank(value):
    return "" if value is None else value


def feedback_cells(row: FeedbackFigures) -> list:
    return [row.received, row.handled, row.handled_on_time, row.handled_late, row.open_end, row.open_late]


def feedback_tables(units: list[FeedbackFigures], total: FeedbackFigures, officers: list[FeedbackFigures],
                    period: Period, scope: Scope) -> list[Table]:
    lines = [period.line, f"Phạm vi: {scope.root.name}"]
    header = [[Cell("STT", rowspan=2), Cell("Đơn vị", rowspan=2)] + [Cell(h, rowspan=2) for h in FEEDBACK_HEADINGS]
              + [Cell(f"{number}. {name} (tối đa {maximum} điểm)", colspan=2) for number, name, maximum, _ in
                 INDICATORS],
              [c for _ in INDICATORS for c in (Cell("Tỷ lệ (%)"), Cell("Điểm"))]]

    def cells(row: FeedbackFigures) -> list:
        return feedback_cells(row) + [v for i in row.indicators for v in (_blank(i["rate"]), _blank(i["points"]))]

    return [
        Table("Phản ánh theo đơn vị", "PHẢN ÁNH, KIẾN NGHỊ THEO ĐƠN VỊ", lines, header,
              [[n, r.label, *cells(r)] for n, r in enumerate(units, start=1)], total=["", total.label, *cells(total)],
              widths=[6, 40] + [12] * (len(FEEDBACK_HEADINGS) + 2 * len(INDICATORS))),
        Table("Phản ánh theo cán bộ", "PHẢN ÁNH, KIẾN NGHỊ THEO CÁN BỘ XỬ LÝ", lines,
              simple_header("STT", "Cán bộ", "Phòng ban, đơn vị", *FEEDBACK_HEADINGS),
              [[n, r.label, r.detail, *feedback_cells(r)] for n, r in enumerate(officers, start=1)],
              widths=[6, 28, 40] + [12] * len(FEEDBACK_HEADINGS)),
    ]


def ranking_tables(units: list[tuple[int, Scorecard]], officers: list[tuple[int, OfficerScore]],
                   officers_of: str, period: Period) -> list[Table]:
    indicator_names = [f"{i['number']}" for i in units[0][1].indicators] if units else []
    unit_rows = [[rank or "", card.label, *[_blank(i["points"]) for i in card.indicators], card.points,
                  card.max_points, _blank(card.score)] for rank, card in units]
    officer_rows = [[rank or "", o.label, o.detail, o.steps, o.late_steps, o.feedback_handled, o.feedback_late,
                     _blank(o.score)] for rank, o in officers]
    return [
        Table("Xếp hạng đơn vị", "XẾP HẠNG ĐƠN VỊ", [period.line, FORMULA],
              simple_header("Hạng", "Đơn vị", *[f"Điểm {n}" for n in indicator_names], "Tổng điểm", "Điểm tối đa",
                            "Điểm (thang 100)"), unit_rows, widths=[8, 40] + [10] * (len(indicator_names) + 3)),
        Table("Xếp hạng cán bộ", f"XẾP HẠNG CÁN BỘ: {officers_of.upper()}", [period.line, OFFICER_FORMULA],
              simple_header("Hạng", "Cán bộ", "Phòng ban, đơn vị", "Bước đã xử lý", "Bước quá hạn",
                            "Phản ánh đã xử lý", "Phản ánh trễ hạn", "Điểm (thang 100)"), officer_rows,
              widths=[8, 28, 40, 12, 12, 12, 12, 14]),
    ]


def targets_table(rows: list[UnitProgress], year: int, period: Period) -> Table:
    header = [[Cell("STT", rowspan=2), Cell("Đơn vị", rowspan=2)]
              + [Cell(f"{label} (%)", colspan=3) for _, label in METRICS],
              [c for _ in METRICS for c in (Cell("Chỉ tiêu"), Cell("Thực hiện"), Cell("Đạt"))]]

    def cells(row: UnitProgress) -> list:
        met = {True: "Đạt", False: "Chưa đạt", None: ""}
        return [v for p in row.items for v in (_blank(p.target), _blank(p.actual), met[p.met])]

    return Table("Chỉ tiêu", f"THỰC HIỆN CHỈ TIÊU NĂM {year}", [period.line],
                 header, [[n, r.card.label, *cells(r)] for n, r in enumerate(rows, start=1)],
                 widths=[6, 40] + [10] * (3 * len(METRICS)))
