"""The leaders' tables as data (mocua.xlsx.Table, written by the portal's one xlsx writer) and Biểu 06
as PDF.

Each `*_table` function turns what a report returned into headings and rows; the pages show the same
objects, so the download holds the page's numbers. No query is made here.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from dossiers import documents
from mocua.xlsx import Cell, Table, simple_header

from .breakdown import GROUPINGS, BreakdownRow
from .dashboard import Dashboard
from .index766 import INDICATORS, IndexRow
from .officers import StepFigures
from .periods import Period
from .rates import rounded
from .report06 import COLUMNS, REPORT_FIGURES, Report06, ReportRow
from .scope import Scope

REPORT06_FORM = "Biểu số 06/VPCP/KSTT"
REPORT06_BASIS = "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020 của Văn phòng Chính phủ"
REPORT06_TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC"
REPORT06_UNIT = "Đơn vị tính: Số hồ sơ TTHC"
# Who receives a unit's report when it has no parent agency in mocua: the Government Office's
# administrative procedures control department (Circular 01/2020, art. 9).
TOP_RECEIVER = "Văn phòng Chính phủ (Cục Kiểm soát thủ tục hành chính)"


# --------------------------------------------------------------------------- the tables


def _pct(value) -> float | str:
    return "" if value is None else value


def dashboard_groups(board: Dashboard) -> list[tuple[str, list[tuple[str, object]]]]:
    """The dashboard's figures, grouped as the page shows them (and as the xlsx lists them)."""
    f, extra = board.figures, board.extra
    return [
        ("Hồ sơ tiếp nhận", [("Tổng số", f["total"]), ("Từ kỳ trước chuyển sang", f["carried_over"]),
                             ("Mới tiếp nhận trực tuyến", f["new_online"]),
                             ("Mới tiếp nhận trực tiếp, bưu chính", f["new_offline"])]),
        ("Đã giải quyết", [("Tổng số", f["resolved"]), ("Trước hạn", f["resolved_early"]),
                           ("Đúng hạn", f["resolved_on_time"]), ("Quá hạn", f["resolved_late"])]),
        ("Đang giải quyết", [("Tổng số", f["in_progress"]), ("Trong hạn", f["in_progress_within"]),
                             ("Quá hạn", f["in_progress_overdue"])]),
        ("Kết thúc khác", [("Đã trả kết quả", extra["returned"]), ("Từ chối giải quyết", extra["refused"]),
                           ("Công dân rút hồ sơ", extra["withdrawn"]), ("Dừng xử lý", extra["stopped"]),
                           ("Từ chối tiếp nhận", extra["refused_at_intake"])]),
        ("Bưu chính công ích", [("Tiếp nhận qua bưu chính", extra["new_post"]),
                                ("Trả kết quả qua bưu chính", extra["returned_post"])]),
        ("Chuyển hồ sơ liên cơ quan", [("Chuyển đi đúng hạn", board.transfers["sent_on_time"]),
                                       ("Chuyển đi quá hạn", board.transfers["sent_late"]),
                                       ("Chưa chuyển, đã quá hạn", board.transfers["unsent_late"]),
                                       ("Tiếp nhận hồ sơ chuyển đến quá hạn", board.transfers["received_late"])]),
        ("Tỷ lệ", [("Tỷ lệ đúng hạn (%)", f.on_time_rate), ("Tỷ lệ nộp trực tuyến (%)", f.online_rate),
                   ("Tỷ lệ hài lòng, chỉ số 5.4 (%)", board.satisfaction_rate),
                   ("Tỷ lệ hồ sơ được số hóa, chỉ số 4.2 (%)", board.digitised_rate)]),
        ("Đánh giá của người dân", [("Lượt đánh giá trong kỳ", extra["rated"]),
                                    ("Lượt rất hài lòng, hài lòng", extra["rated_good"]),
                                    ("Hồ sơ giải quyết trong kỳ bị đánh giá không hài lòng, không quá hạn",
                                     extra["disliked"])]),
    ]


def dashboard_tables(board: Dashboard, scope: Scope) -> list[Table]:
    lines = [board.period.line, f"Phạm vi: {scope.root.name}"]
    figures = [[group, label, _pct(value)] for group, items in dashboard_groups(board) for label, value in items]
    months = [[f"{m['month']:%m/%Y}", m["received"], m["early"], m["on_time"], m["late"]] for m in board.months]
    return [
        Table("Tổng quan", "TÌNH HÌNH GIẢI QUYẾT HỒ SƠ", lines, simple_header("Nhóm", "Chỉ tiêu", "Số liệu"),
              figures, widths=[22, 36, 12]),
        Table("Theo tháng", "HỒ SƠ TIẾP NHẬN VÀ GIẢI QUYẾT THEO THÁNG", lines,
              simple_header("Tháng", "Tiếp nhận mới", "Giải quyết trước hạn", "Giải quyết đúng hạn",
                            "Giải quyết quá hạn"),
              months, total=["Tổng cộng", *(sum(m[k] for m in board.months)
                                            for k in ("received", "early", "on_time", "late"))],
              widths=[12, 16, 16, 16, 16]),
    ]


STEP_HEADINGS = ("Bước đã xử lý", "Bước quá hạn", "Tỷ lệ quá hạn (%)", "Giờ làm việc vượt", "Hồ sơ đang quá hạn",
                 "Số hóa khi tiếp nhận (%)")


def _step_cells(row: StepFigures) -> list:
    return [row.steps, row.late_steps, _pct(row.late_rate), row.late_hours, row.overdue_now, _pct(row.digitised_rate)]


def _step_total(rows: list[StepFigures]) -> list:
    total = StepFigures(None, "Tổng cộng", sum(r.steps for r in rows), sum(r.late_steps for r in rows),
                              sum(r.late_seconds for r in rows), sum(r.overdue_now for r in rows),
                              received=sum(r.received for r in rows), digitised=sum(r.digitised for r in rows))
    return _step_cells(total)


def officers_table(rows: list[StepFigures], period: Period, scope: Scope) -> Table:
    body = [[n, r.label, r.detail, *_step_cells(r)] for n, r in enumerate(rows, start=1)]
    return Table("Theo cán bộ", "HỒ SƠ TRỄ HẠN THEO CÁN BỘ", [period.line, f"Phạm vi: {scope.root.name}"],
                 simple_header("STT", "Cán bộ", "Phòng ban, đơn vị", *STEP_HEADINGS), body,
                 total=["", "Tổng cộng", "", *_step_total(rows)], widths=[6, 28, 40, 12, 12, 12, 14, 14, 14])


def late_steps_tables(officer, steps, overdue, period: Period) -> list[Table]:
    lines = [period.line, f"Cán bộ: {officer.display_name}"]
    late = [[n, s.dossier.code, s.dossier.procedure_name, s.step_name, s.started_at, s.due_at, s.finished_at,
             rounded(s.late_seconds / 3600)] for n, s in enumerate(steps, start=1)]
    now = [[n, d.code, d.procedure_name, d.get_status_display(), d.step_due_at, d.due_at]
           for n, d in enumerate(overdue, start=1)]
    return [
        Table("Bước quá hạn", "CÁC BƯỚC XỬ LÝ QUÁ HẠN", lines,
              simple_header("STT", "Mã hồ sơ", "Thủ tục", "Bước xử lý", "Nhận lúc", "Hạn bước", "Chuyển lúc",
                            "Giờ làm việc vượt"), late,
              total=["", "Tổng cộng", "", "", "", "", "", rounded(sum(s.late_seconds for s in steps) / 3600)],
              widths=[6, 26, 40, 24, 17, 17, 17, 14]),
        Table("Đang quá hạn", "HỒ SƠ ĐANG QUÁ HẠN TRÊN BÀN CÁN BỘ", [f"Cán bộ: {officer.display_name}"],
              simple_header("STT", "Mã hồ sơ", "Thủ tục", "Trạng thái", "Hạn bước", "Hẹn trả kết quả"), now,
              widths=[6, 26, 40, 24, 17, 17]),
    ]


REPORT_BRIEF = (("total", "Tiếp nhận"), ("resolved", "Đã giải quyết"), ("resolved_late", "Giải quyết quá hạn"),
                ("in_progress", "Đang giải quyết"), ("in_progress_overdue", "Đang giải quyết quá hạn"))


def breakdown_table(rows: list[BreakdownRow], by: str, period: Period) -> Table:
    with_report = GROUPINGS[by].dossier_figures
    label = GROUPINGS[by].label
    headings = ["STT", label, "Ghi chú"]
    if with_report:
        headings += [name for _, name in REPORT_BRIEF] + ["Tỷ lệ đúng hạn (%)"]
    headings += STEP_HEADINGS

    def report_cells(report: ReportRow | None) -> list:
        if not with_report:
            return []
        return [report[key] for key, _ in REPORT_BRIEF] + [_pct(report.on_time_rate)]

    body = [[n, r.label, r.detail, *report_cells(r.report), *_step_cells(r)] for n, r in enumerate(rows, start=1)]
    total = ["", "Tổng cộng", ""]
    if with_report:
        sums = {name: sum(r.report[name] for r in rows) for name in REPORT_FIGURES}
        total += report_cells(ReportRow.of(None, "Tổng cộng", sums))
    total += _step_total(rows)
    return Table(f"Theo {label.lower()}"[:31], f"SỐ LIỆU GIẢI QUYẾT HỒ SƠ THEO {label.upper()}",
                 [period.line], simple_header(*headings), body, total=total,
                 widths=[6, 40, 24] + [12] * (len(headings) - 3))


def report06_header(by: str) -> list[list[Cell]]:
    """Biểu 06's heading: three rows of groups and columns, then the column numbers (1)…(13)."""
    label = "Đơn vị" if by == "unit" else "Lĩnh vực, công việc giải quyết theo cấp"
    leaves = {number: heading for number, _, heading in COLUMNS}
    return [
        [Cell("STT", rowspan=3), Cell(label, rowspan=3), Cell("Số hồ sơ nhận giải quyết", colspan=4),
         Cell("Kết quả giải quyết", colspan=7)],
        [Cell(leaves[3], rowspan=2), Cell("Trong đó: số mới tiếp nhận", colspan=2), Cell(leaves[6], rowspan=2),
         Cell("Số hồ sơ đã giải quyết", colspan=4), Cell("Số hồ sơ đang giải quyết", colspan=3)],
        [Cell(leaves[n]) for n in (4, 5, 7, 8, 9, 10, 11, 12, 13)],
        [Cell(f"({n})") for n in range(1, 14)],
    ]


def report06_units(agency) -> tuple[str, str]:
    """(reporting unit, receiving unit)."""
    return agency.name, (agency.parent.name if agency.parent_id else TOP_RECEIVER)


def report06_table(report: Report06, agency) -> Table:
    sender, receiver = report06_units(agency)
    lines = [f"{REPORT06_FORM} – {REPORT06_BASIS}", report.period.line, f"Đơn vị báo cáo: {sender}",
             f"Đơn vị nhận báo cáo: {receiver}", REPORT06_UNIT]
    # By field, each row names its level too (the column is "theo cấp"): one sortable row a line.
    body = [[n, f"{r.group} – {r.label}" if r.group else r.label, *r.cells] for n, r in enumerate(report.rows, start=1)]
    return Table("Biểu 06", REPORT06_TITLE, lines, report06_header(report.by), body,
                 total=["", "Tổng cộng", *report.total.cells], widths=[6, 44] + [11] * 11,
                 notes=[report.postal_note, report.desk_note, *(f"Cảnh báo: {w}" for w in report.warnings)])


def report06_pdf(report: Report06, agency) -> bytes:
    """Biểu 06 on landscape A4, with the printed forms' base template and Vietnamese serif font."""
    sender, receiver = report06_units(agency)
    today = documents.vn_date(timezone.now())
    context = {"agency": agency, "parent_name": agency.parent.name if agency.parent_id else "",
               "place_date": f"{agency.place_name}, {today}" if agency.place_name else today.capitalize(),
               "footer": f"{REPORT06_FORM} – Thông tư 01/2020/TT-VPCP", "copies": [""],
               "report": report, "header": report06_header(report.by), "title": REPORT06_TITLE,
               "form": REPORT06_FORM, "basis": REPORT06_BASIS, "period_line": report.period.line,
               "sender": sender, "receiver": receiver, "unit_line": REPORT06_UNIT}
    return documents.html_to_pdf(render_to_string("leaders/pdf/report06.html", context))


def index766_table(rows: list[IndexRow], total: IndexRow, period: Period) -> Table:
    header = [[Cell("STT", rowspan=2), Cell("Đơn vị", rowspan=2)]
              + [Cell(f"{number}. {name} (tối đa {maximum} điểm)", colspan=2)
                 for number, name, maximum, _ in INDICATORS] + [Cell("Tổng điểm", rowspan=2)],
              [c for _ in INDICATORS for c in (Cell("Tỷ lệ (%)"), Cell("Điểm"))]]

    def cells(row: IndexRow) -> list:
        values = []
        for indicator in row.indicators:
            if indicator["no_data"]:
                values += ["Chưa có dữ liệu", ""]
            else:
                values += [_pct(indicator["rate"]), _pct(indicator["points"])]
        return [*values, row.total_points]

    body = [[n, r.label, *cells(r)] for n, r in enumerate(rows, start=1)]
    return Table("Chỉ số 766", "CÁC CHỈ SỐ TÍNH ĐƯỢC CỦA BỘ CHỈ SỐ 766 (QUYẾT ĐỊNH 766/QĐ-TTg)",
                 [period.line], header, body, total=["", total.label, *cells(total)],
                 widths=[6, 40] + [11] * (2 * len(INDICATORS)) + [11],
                 notes=["4.1: hồ sơ có kết quả điện tử ký số hợp lệ / hồ sơ đã có kết quả của thủ tục có kết quả "
                        "là văn bản giấy, theo ngày giải quyết xong."])
