"""A leader in a real browser: logs in, opens the dashboard (the vendored chart draws), finds the
officer with the most late steps at the top of the per-officer table, opens their late steps and
downloads Biểu 06 as xlsx and PDF. Playwright drives Debian's Chromium against the live server."""

import io
import os
import re
import unicodedata

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect, sync_playwright
from pypdf import PdfReader

from ..factories import PASSWORD
from ._data import build_world

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 15_000  # a loaded CI machine; every wait is on an element or a URL


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium not found at {CHROMIUM}.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def world(transactional_db, monkeypatch):
    """Committed (the live server's thread must see it); the clock stays frozen at 20/03/2026."""
    return build_world(monkeypatch)


@pytest.fixture
def page(browser, live_server, settings, world):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript: {error}"))
    page.on("response", lambda r: r.status >= 500 and problems.append(f"HTTP {r.status}: {r.url}"))
    yield page
    context.close()
    assert not problems, "\n".join(problems)


def download(page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    with open(info.value.path(), "rb") as file:
        return file.read()


def test_leader_finds_who_is_late_and_downloads_the_report(page, world):
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(world.a.leader.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_url("**/can-bo/")

    # The dashboard, from the staff menu: this month's figures and the chart drawn by Chart.js.
    page.get_by_role("link", name="Lãnh đạo: số liệu, báo cáo").click()
    page.wait_for_url("**/lanh-dao/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan tình hình giải quyết hồ sơ")
    expect(page.locator(".period-line")).to_contain_text("Tháng 3/2026")
    expect(page.locator("#on-time-rate")).to_have_text("83,33%")
    assert page.evaluate("() => !!window.Chart && !!Chart.getChart(document.getElementById('monthly-chart'))")
    expect(page.locator("label[data-period=quarter]")).to_be_hidden()  # only the month's inputs show
    page.get_by_label("Kỳ báo cáo").select_option("quarter")
    expect(page.locator("label[data-period=quarter]")).to_be_visible()
    expect(page.locator("label[data-period=month]")).to_be_hidden()
    page.get_by_label("Kỳ báo cáo").select_option("month")

    # Late per officer: the officer with the most late steps is at the top.
    page.get_by_role("link", name="Trễ hạn theo cán bộ").click()
    first = page.locator("#officers-table tbody tr").first
    expect(first.locator("td").first).to_contain_text("Phạm Thị Hoa")
    expect(first.locator("td").nth(2)).to_have_text("2")
    # The late steps as bars over the table (issue 22, item 15), drawn by the vendored Chart.js.
    bars = page.evaluate("""() => { const c = Chart.getChart(document.querySelector("canvas[data-chart]"));
        return c && [c.config.type, c.data.labels[0], c.data.datasets[0].data[0]]; }""")
    assert bars == ["bar", "Phạm Thị Hoa", 2]
    # One click on the column sorts it the other way round.
    page.get_by_role("link", name="Bước quá hạn").click()
    expect(page.locator("#officers-table tbody tr").last.locator("td").first).to_contain_text("Phạm Thị Hoa")
    page.get_by_role("link", name="Bước quá hạn").click()
    expect(page.locator("#officers-table tbody tr").first.locator("td").first).to_contain_text("Phạm Thị Hoa")

    # Her late steps: both dossiers, each linked to its staff page.
    page.get_by_role("link", name="Phạm Thị Hoa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bước xử lý quá hạn: Phạm Thị Hoa")
    rows = page.locator("#late-steps tbody tr")
    expect(rows).to_have_count(2)
    for code in (world.codes["hoa_late_1"], world.codes["hoa_late_2"]):
        expect(page.get_by_role("link", name=code)).to_be_visible()

    # Biểu 06, downloaded as xlsx and as PDF, with the totals the page shows.
    page.get_by_role("link", name="Biểu 06/VPCP/KSTT").click()
    totals = page.locator("#report06-table tfoot tr td.num")
    expect(totals).to_have_count(11)
    shown = [int(t) for t in totals.all_inner_texts()]
    assert shown == [6, 0, 5, 1, 5, 5, 0, 0, 1, 0, 1]

    book = load_workbook(io.BytesIO(download(page, "Tải Excel")))
    sheet = book["Biểu 06"]
    total_row = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "Tổng cộng")
    assert list(total_row[2:]) == shown

    pdf = download(page, "Tải PDF")
    assert pdf.startswith(b"%PDF")
    text = unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    text = re.sub(r"\s+", " ", text)
    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC" in text
    assert "Tổng cộng " + " ".join(map(str, shown)) in text
