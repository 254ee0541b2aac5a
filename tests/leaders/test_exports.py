"""Downloads of the leaders' tables: every xlsx opens with openpyxl and holds the page's numbers;
Biểu 06 as PDF holds its heading and totals."""

import io
import re
import unicodedata

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from dossiers.leaders import exports as stats_exports

from ._data import MARCH

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def page_and_file(client, user, url, query=MARCH):
    """(the page's context, the workbook downloaded with the same query)."""
    client.force_login(user)
    page = client.get(f"{url}?{query}")
    assert page.status_code == 200
    download = client.get(f"{url}?{query}&format=xlsx")
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert "20260301-20260331.xlsx" in download["Content-Disposition"]
    return page.context, load_workbook(io.BytesIO(download.content))


def rows_after(sheet, first_cell) -> list[tuple]:
    """The table body: the rows after the header row whose first cell is `first_cell`, up to a blank."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == first_cell) + 1
    body = []
    for row in rows[start:]:
        if all(v is None for v in row):
            break
        body.append(row)
    return body


def test_dashboard_xlsx_holds_the_dashboard(client, site):
    context, book = page_and_file(client, site.a.leader, reverse("leaders:dashboard"))
    assert book.sheetnames == ["Tổng quan", "Theo tháng"]
    figures = rows_after(book["Tổng quan"], "Nhóm")
    expected = [(group, label, "" if value is None else value)
                for group, items in context["groups"] for label, value in items]
    assert [(g, label, v if v is not None else "") for g, label, v in figures] == expected
    assert ("Hồ sơ tiếp nhận", "Tổng số", 6) in figures
    months = rows_after(book["Theo tháng"], "Tháng")
    assert [row[1] for row in months[:-1]] == [m["received"] for m in context["board"].months]
    assert months[-1][0] == "Tổng cộng" and months[-1][1] == sum(m["received"] for m in context["board"].months)


def test_officers_xlsx_holds_the_table_in_the_pages_order(client, site):
    context, book = page_and_file(client, site.a.leader, reverse("leaders:officers"))
    body = rows_after(book["Theo cán bộ"], "STT")
    rows = context["rows"]
    assert [(r[1], r[3], r[4], r[6], r[7]) for r in body[:-1]] == \
        [(r.label, r.steps, r.late_steps, r.late_hours, r.overdue_now) for r in rows]
    assert body[0][1] == "Phạm Thị Hoa"
    total = body[-1]
    assert total[1] == "Tổng cộng" and total[4] == sum(r.late_steps for r in rows) == 4


def test_late_steps_xlsx(client, site):
    context, book = page_and_file(client, site.a.leader, reverse("leaders:officer", args=[site.binh.pk]))
    late = rows_after(book["Bước quá hạn"], "STT")
    assert [row[1] for row in late[:-1]] == [s.dossier.code for s in context["steps"]] == [site.codes["binh_late"]]
    assert late[0][7] == context["steps"][0].late_hours > 0
    assert late[0][5] < late[0][6]  # due before handed on: real dates, not text
    overdue = rows_after(book["Đang quá hạn"], "STT")
    assert [row[1] for row in overdue] == [site.codes["carried"]]


@pytest.mark.parametrize("slug", ["phong-ban", "don-vi", "linh-vuc", "thu-tuc"])
def test_breakdown_xlsx(client, site, slug):
    context, book = page_and_file(client, site.a.leader, reverse("leaders:breakdown", args=[slug]))
    body = rows_after(book.worksheets[0], "STT")
    rows = context["rows"]
    assert [row[1] for row in body[:-1]] == [r.label for r in rows]
    late_column = book.worksheets[0]
    header = next(row for row in late_column.iter_rows(values_only=True) if row[0] == "STT")
    late = header.index("Bước quá hạn")
    assert [row[late] for row in body[:-1]] == [r.late_steps for r in rows]
    assert body[-1][late] == 4
    if slug != "phong-ban":
        received = header.index("Tiếp nhận")
        assert [row[received] for row in body[:-1]] == [r.report["total"] for r in rows]
        assert body[-1][received] == 6


def test_report06_xlsx_has_the_official_heading_columns_and_totals(client, site):
    context, book = page_and_file(client, site.a.leader, reverse("leaders:report06"), f"{MARCH}&by=unit")
    sheet = book["Biểu 06"]
    cells = [row for row in sheet.iter_rows(values_only=True)]
    texts = [row[0] for row in cells if row[0]]
    assert texts[0] == stats_exports.REPORT06_TITLE
    assert any(str(t).startswith("Biểu số 06/VPCP/KSTT") for t in texts)
    assert "Kỳ báo cáo: Tháng 3/2026 (Từ ngày 01/03/2026 đến ngày 31/03/2026)" in texts
    assert f"Đơn vị báo cáo: {site.a.agency.name}" in texts
    assert "Đơn vị tính: Số hồ sơ TTHC" in texts
    numbers = next(row for row in cells if row[0] == "(1)")
    assert list(numbers) == [f"({n})" for n in range(1, 14)]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"C8:F8", "G8:M8", "G9:J9", "K9:M9", "A8:A10"} <= merged  # the column groups of the form
    body = rows_after(sheet, "(1)")
    report = context["report"]
    assert [list(row[1:]) for row in body[:-1]] == [[r.label, *r.cells] for r in report.rows]
    assert list(body[-1][1:]) == ["Tổng cộng", *report.total.cells] == ["Tổng cộng", 6, 0, 5, 1, 5, 5, 0, 0, 1, 0, 1]


def test_index766_xlsx(client, site):
    context, book = page_and_file(client, site.a.leader, reverse("leaders:index766"))
    body = rows_after(book["Chỉ số 766"], "STT")[1:]  # after the second header row (rates, points)
    rows = [row for row in body if isinstance(row[0], int)]
    assert [row[1] for row in rows] == [r.label for r in context["rows"]]
    total = body[-1]
    assert total[1] == "Toàn phạm vi" and total[2] == context["total"].indicator("2.1")["rate"] == 83.33
    assert total[-1] == context["total"].total_points


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


@pytest.mark.parametrize("by", ["field", "unit"])
def test_report06_pdf_holds_the_heading_and_the_totals(client, site, by):
    client.force_login(site.a.leader)
    response = client.get(f"{reverse('leaders:report06')}?{MARCH}&by={by}&format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC" in text
    assert "Biểu số 06/VPCP/KSTT" in text and "Đơn vị tính: Số hồ sơ TTHC" in text
    assert "Tổng cộng 6 0 5 1 5 5 0 0 1 0 1" in text
    assert "(1) (2) (3) (4) (5) (6) (7) (8) (9) (10) (11) (12) (13)" in text
    if by == "unit":
        assert site.a1.agency.name in text
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # A4 landscape
