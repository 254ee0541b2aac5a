"""Issue 3 in the browser: a reception officer logs a dossier at the counter, downloads the Mẫu 01
receipt (its text holds the code and the appointment), and the dossier travels through every
step of its procedure variant to "returned", each move made by the officer whose turn it is."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dossiers.models import Dossier
from dossiers.workflow import ACTIONS

from .conftest import pdf_text

pytestmark = pytest.mark.browser

BIRTH = "1.001193"  # Đăng ký khai sinh: reception → specialist → leader → reception
APPLICANT = {"applicant_name": "Trần Thị Bình", "applicant_id_number": "038190001234",
             "applicant_phone": "0912345678", "applicant_email": "binh@example.com",
             "applicant_address": "12 Lê Lợi, phường Hạc Thành"}


def receipt_time(moment) -> str:
    """The appointment as Mẫu 01 words it: "17 giờ 00 phút, ngày 05 tháng 3 năm 2026"."""
    local = timezone.localtime(moment)
    month = f"{local.month:02d}" if local.month < 3 else str(local.month)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d} tháng {month} năm {local.year}"


def status_is(page: Page, label: str) -> None:
    expect(page.locator(".status-box .badge")).to_have_text(label)


def timeline(page: Page) -> list[list[str]]:
    """The handover log on the dossier page: (step, giver, receiver, received, due, passed on, result)."""
    rows = page.locator("table.timeline tbody tr")
    return [[cell.strip() for cell in row.locator("td").all_inner_texts()] for row in rows.all()]


def move(page: Page, action: str, **fields) -> None:
    """Open the move's panel on the dossier page, fill its form, submit, and wait for the result."""
    form = page.locator(f"form[action$='/thao-tac/{action}/']")
    panel = page.locator("details.move", has=form)
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    for name, value in fields.items():
        field = form.locator(f"[name='{action}-{name}']")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(value)
    button = form.locator(f"button[data-action='{action}']")
    question, asked = button.get_attribute("data-confirm"), []
    if question:
        # Approve, refuse and return ask once (confirm.js): the officer says yes.
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    button.click()
    expect(page.locator(".messages")).to_contain_text(f"Đã thực hiện: {ACTIONS[action].label}.")
    assert asked == ([question] if question else [])


def test_counter_intake_to_returned(open_page, catalogue, staff, agency):
    (variant,) = catalogue[BIRTH]["variants"]
    steps = [step["name"] for step in variant["steps"]]
    assert [step["role"] for step in variant["steps"]] == ["reception", "specialist", "leader", "reception"]
    counter = open_page(staff.reception)

    # Step 1: pick the procedure by typing without diacritics.
    counter.goto("/can-bo/ho-so/tiep-nhan/")
    counter.locator("#procedure-search").fill("dang ky khai sinh")
    counter.locator("#procedure-results a.pick", has_text=f"{BIRTH} – {catalogue[BIRTH]['name']}").first.click()
    counter.wait_for_url(re.compile(r"/can-bo/ho-so/tiep-nhan/\?variant=\d+$"))
    expect(counter.locator("main p strong").first).to_have_text(f"{BIRTH} – {catalogue[BIRTH]['name']}")

    # Step 2 (intake.js hides the owner's and the postal fields until they are needed): the
    # applicant, the papers (mandatory ticked, optional not), the fees collected.
    expect(counter.locator("#owner-fields")).to_be_hidden()
    expect(counter.locator("[name='return_address']")).to_be_hidden()
    for name, value in APPLICANT.items():
        counter.locator(f"[name='{name}']").fill(value)
    papers = counter.locator("table.checklist tbody tr")
    expect(papers).to_have_count(len(variant["documents"]))
    for row, document in zip(papers.all(), variant["documents"], strict=True):
        row.locator("input[name$='_provided']").set_checked(document["mandatory"])
    papers.first.locator("input[name$='_scanned']").check()
    fee, copy_fee = variant["fees"]
    counter.locator("table.fees tr", has_text=fee["name"]).locator("input").fill(str(fee["amount"]))
    counter.locator("table.fees tr", has_text=copy_fee["name"]).locator("input").fill("0")
    accept = counter.get_by_role("button", name="Tiếp nhận và in giấy hẹn (Mẫu 01)")

    # An 11-digit citizen ID is refused next to its field; nothing typed or ticked is lost.
    counter.locator("[name='applicant_id_number']").fill("03819000123")
    accept.click()
    expect(counter.locator("label.has-error")).to_contain_text("phải gồm đúng 12 chữ số")
    assert not Dossier.objects.exists()
    for name, value in APPLICANT.items():
        if name != "applicant_id_number":
            expect(counter.locator(f"[name='{name}']")).to_have_value(value)
    for row, document in zip(papers.all(), variant["documents"], strict=True):
        expect(row.locator("input[name$='_provided']")).to_be_checked(checked=document["mandatory"])
    expect(papers.first.locator("input[name$='_scanned']")).to_be_checked()
    expect(counter.locator("table.fees tr", has_text=fee["name"]).locator("input")).to_have_value(str(fee["amount"]))
    counter.locator("[name='applicant_id_number']").fill(APPLICANT["applicant_id_number"])
    accept.click()
    # The accept shows a summary first; only its confirmation starts the clock.
    expect(counter.locator("#intake-summary")).to_contain_text("Trần Thị Bình")
    assert not Dossier.objects.exists()
    counter.get_by_role("button", name="Xác nhận tiếp nhận và in giấy hẹn").click()

    counter.wait_for_url(re.compile(r"/can-bo/ho-so/[^/]+/\?in=01$"))
    code = counter.locator("h1.code").inner_text()
    assert re.fullmatch(rf"{re.escape(agency.code)}-\d{{6}}-0001", code)
    expect(counter.locator(".messages")).to_contain_text(f"Đã tiếp nhận hồ sơ {code}.")
    status_is(counter, "Được tiếp nhận")
    dossier = Dossier.objects.get(code=code)
    assert (dossier.applicant_name, dossier.applicant_id_number) == ("Trần Thị Bình", "038190001234")
    assert [d.provided for d in dossier.documents.order_by("order")] == [d["mandatory"] for d in variant["documents"]]
    assert dossier.documents.order_by("order").first().digitisation == "scanned"
    assert sorted(dossier.fees.values_list("name", "collected")) == sorted(
        [(fee["name"], fee["amount"]), (copy_fee["name"], 0)])

    # The receipt the print button opens: Mẫu 01 with the code and the appointment.
    receipt = pdf_text(counter, counter.locator("#print-link").get_attribute("href"))
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt
    assert code in receipt
    assert f"Thời gian trả kết quả giải quyết hồ sơ: {receipt_time(dossier.due_at)}" in " ".join(receipt.split())
    expect(counter.locator("dl.facts").first).to_contain_text(f"{timezone.localtime(dossier.due_at):%H:%M %d/%m/%Y}")
    assert [row[0] for row in timeline(counter)] == steps[:1]

    # Reception hands over to the specialist (next step of the variant).
    move(counter, "hand_over", to_user=staff.specialist.pk)
    status_is(counter, "Đang xử lý")
    rows = timeline(counter)
    assert [row[0] for row in rows] == steps[:2]
    assert rows[1][1:3] == [staff.reception.full_name, staff.specialist.full_name] and rows[0][5] != "—"

    # The specialist appraises and hands over to the leader for signature.
    desk = open_page(staff.specialist)
    desk.goto(f"/can-bo/ho-so/{code}/")
    move(desk, "hand_over", to_user=staff.leader.pk, note="Hồ sơ hợp lệ, trình ký")
    status_is(desk, "Đang xử lý")
    rows = timeline(desk)
    assert [row[0] for row in rows] == steps[:3]
    assert rows[2][1:3] == [staff.specialist.full_name, staff.leader.full_name]

    # The leader approves: the result goes back to the counter officer who received it.
    office = open_page(staff.leader)
    office.goto(f"/can-bo/ho-so/{code}/")
    move(office, "approve", result_summary="Giấy khai sinh số 15/2026")
    status_is(office, "Đã xử lý xong")
    rows = timeline(office)
    assert [row[0] for row in rows] == steps
    assert rows[3][1:3] == [staff.leader.full_name, staff.reception.full_name]

    # Reception hands the result back to the citizen.
    counter.goto(f"/can-bo/ho-so/{code}/")
    move(counter, "return", collected_by="Trần Thị Bình", collected_id_number="038190001234")
    status_is(counter, "Đã trả kết quả")
    expect(counter.locator("dl.facts").first).to_contain_text("Trần Thị Bình")
    rows = timeline(counter)
    assert [row[0] for row in rows] == steps
    assert all(row[5] != "—" for row in rows)  # every step passed on
    assert counter.locator(".actions details.move").count() == 0

    dossier.refresh_from_db()
    assert dossier.status == "returned"
    assert list(dossier.events.order_by("at", "pk").values_list("action", flat=True)) == [
        "receive", "hand_over", "hand_over", "approve", "return"]
