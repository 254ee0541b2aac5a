"""Issue 2 in the browser: a citizen searches the catalogue without diacritics, opens the
procedure and sees its fees, papers and processing time as the catalogue data give them."""

import re

import pytest
from playwright.sync_api import expect

from procedures.templatetags.vn import vnd

pytestmark = pytest.mark.browser

BIRTH = "1.001193"  # Đăng ký khai sinh
DEATH = "1.000656"  # Đăng ký khai tử: same field and words, but not a match


def test_search_without_diacritics_then_read_the_procedure(open_page, catalogue):
    data = catalogue[BIRTH]
    (variant,) = data["variants"]
    assert variant["time_unit"] == "same_day" and variant["same_day_cutoff"] == "15:00"  # what the page must say
    page = open_page()

    page.goto("/thu-tuc/")
    page.get_by_label("Tìm thủ tục").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_url(re.compile(r"/thu-tuc/\?q=dang\+ky\+khai\+sinh"))

    rows = page.locator("table.procedures tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 1 and all("khai sinh" in text.lower() for text in rows.all_inner_texts())
    # Procedures of the same field that do not match stay out of the results.
    expect(page.get_by_role("link", name=catalogue[DEATH]["name"], exact=True)).to_have_count(0)
    page.get_by_role("link", name=data["name"], exact=True).click()

    page.wait_for_url(f"**/thu-tuc/{BIRTH}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(data["name"])
    expect(page.locator("dd.code")).to_have_text(BIRTH)

    # Processing time: same day, with the 15:00 cut-off.
    expect(page.locator("p.deadline")).to_contain_text("Thời hạn giải quyết: Trong ngày")
    expect(page.locator("p.deadline")).to_contain_text("tiếp nhận sau 15:00 thì trả trong ngày làm việc tiếp theo")

    # Fees: one row per fee line of the data, with its amount in đồng.
    fee_rows = page.locator("table.fees tbody tr")
    expect(fee_rows).to_have_count(len(variant["fees"]))
    for row, fee in zip(fee_rows.all(), variant["fees"], strict=True):
        expect(row).to_contain_text(fee["name"])
        expect(row.locator("td.num")).to_have_text(f"{vnd(fee['amount'])} đồng{fee['unit']}")

    # Papers: every required paper of the data, in order, mandatory or not.
    paper_rows = page.locator("table.documents tbody tr")
    expect(paper_rows).to_have_count(len(variant["documents"]))
    for row, document in zip(paper_rows.all(), variant["documents"], strict=True):
        expect(row).to_contain_text(document["name"])
        expect(row.locator("td").last).to_have_text("Bắt buộc" if document["mandatory"] else "Nếu có")
