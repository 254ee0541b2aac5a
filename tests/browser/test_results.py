"""Issue 24 in the browser: the leader approves a birth registration with the agency's signed PDF (an
altered copy is refused first, with a clear message, and nothing changes), the verdict shows on the
dossier page, the congratulation letter is printed with the result and its hand-over recorded, and
the citizen downloads the result from the lookup page after code + PIN; the download is logged. The
CA is the test's own (tests/pki.py)."""

import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dossiers import services
from dossiers.models import DossierEvent, LetterTemplate, ResultFile
from procedures.models import LetterKind, Procedure, ProcedureVariant

from ..pki import TestCA, altered, result_pdf
from .conftest import pdf_text

pytestmark = pytest.mark.browser

BIRTH = "1.001193"  # Đăng ký khai sinh
CITIZEN = {"name": "Trần Thị Bình", "id_number": "038190001234", "phone": "0912345678",
           "email": "binh@example.com", "address": "12 Lê Lợi, phường Hạc Thành"}
# Set SCREENSHOTS to a folder to keep the pages at a phone's and a desk's width.
SCREENSHOTS = os.environ.get("SCREENSHOTS", "")


def shoot(page: Page, name: str) -> None:
    if not SCREENSHOTS:
        return
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def with_the_leader(staff, **asked):
    """A birth registration received, appraised and handed to the leader, by the real services."""
    variant = ProcedureVariant.objects.get(procedure__code=BIRTH)
    intake = services.Intake(
        variant=variant, applicant=services.Applicant(**CITIZEN), **asked,
        papers=[services.Paper(name=d.name, form=d.form, mandatory=d.mandatory) for d in variant.documents.all()])
    dossier = services.dossier_receive(actor=staff.reception, intake=intake)
    dossier = services.dossier_hand_over(dossier=dossier, actor=staff.reception, to_user=staff.specialist)
    return services.dossier_hand_over(dossier=dossier, actor=staff.specialist, to_user=staff.leader)


def open_panel(page: Page, form) -> None:
    """Open the move's panel on the dossier page (the first one is open already)."""
    panel = page.locator("details.move", has=form)
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()


def approve_with(page: Page, pdf: bytes, summary: str) -> None:
    form = page.locator("form[action$='/thao-tac/approve/']")
    open_panel(page, form)
    form.locator("[name='approve-result_summary']").fill(summary)
    form.locator("[name='approve-result_file']").set_input_files(
        files=[{"name": "giay-khai-sinh.pdf", "mimeType": "application/pdf", "buffer": pdf}])
    page.once("dialog", lambda dialog: dialog.accept())  # approve asks once (issue 22, item 5)
    form.locator("button[data-action='approve']").click()


def test_a_signed_result_reaches_the_citizen(open_page, catalogue, staff, settings, tmp_path, agency):
    Procedure.objects.filter(code=BIRTH).update(letter=LetterKind.CONGRATULATION)
    LetterTemplate.objects.create(
        agency=agency, kind=LetterKind.CONGRATULATION, title="Thư chúc mừng", signer_title="Chủ tịch",
        signer_name=staff.leader.full_name, body="Chúc mừng gia đình ông/bà {ho_ten} nhân dịp {su_kien}.")
    ca = TestCA("CA thử nghiệm tỉnh")
    settings.RESULT_TRUST_DIR = tmp_path / "trust"
    ca.write_anchor(settings.RESULT_TRUST_DIR)
    signed = ca.issue("Hoàng Văn Long", "UBND phường Hạc Thành").sign(result_pdf())
    dossier = with_the_leader(staff)

    office = open_page(staff.leader)
    office.goto(f"/can-bo/ho-so/{dossier.code}/")
    # A copy changed after signing is refused with a clear message; the dossier stays where it was.
    approve_with(office, altered(signed), "Giấy khai sinh số 15/2026")
    expect(office.locator(".messages")).to_contain_text("đã bị sửa đổi sau khi ký số")
    expect(office.locator(".status-box .badge")).to_have_text("Đang xử lý")
    assert not ResultFile.objects.exists()

    approve_with(office, signed, "Giấy khai sinh số 15/2026")
    expect(office.locator(".messages")).to_contain_text("Đã thực hiện: Phê duyệt kết quả.")
    expect(office.locator(".status-box .badge")).to_have_text("Đã xử lý xong")
    results = office.locator("#ket-qua-dien-tu")
    expect(results).to_contain_text(f"{dossier.code}-KQ1")
    expect(results).to_contain_text("Chữ ký số hợp lệ")
    expect(results).to_contain_text("Hoàng Văn Long")
    shoot(office, "ket-qua-can-bo")

    # The counter prints the congratulation letter with the result and records that it was handed over.
    counter = open_page(staff.reception)
    counter.goto(f"/can-bo/ho-so/{dossier.code}/")
    letter = pdf_text(counter, counter.locator("#letter-link").get_attribute("href"))
    assert "THƯ CHÚC MỪNG" in letter and "Kính gửi: Ông/Bà Trần Thị Bình" in letter
    assert "nhân dịp đăng ký khai sinh" in " ".join(letter.split()) and staff.leader.full_name in letter
    form = counter.locator("form[action$='/thao-tac/hand_letter/']")
    open_panel(counter, form)
    form.locator("button[data-action='hand_letter']").click()
    expect(counter.locator(".messages")).to_contain_text("Đã thực hiện: Ghi nhận đã trao thư cho công dân.")
    expect(counter.locator(".letter-line")).to_contain_text("Đã trao thư")
    shoot(counter, "thu-can-bo")

    citizen = open_page()
    citizen.goto("/tra-cuu/")
    citizen.get_by_label("Mã hồ sơ").fill(dossier.code)
    citizen.get_by_label("Mã tra cứu").fill(dossier.pin)
    citizen.get_by_role("button", name="Tra cứu", exact=True).click()
    own = citizen.locator("#tep-cua-cong-dan")
    expect(own).to_contain_text(f"{dossier.code}-KQ1")
    expect(own).to_contain_text("Chữ ký số hợp lệ")
    expect(own).to_contain_text("12 tháng")
    shoot(citizen, "ket-qua-cong-dan")
    with citizen.expect_download() as info:
        own.get_by_role("link", name="Tải kết quả (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"{dossier.code}-KQ1.pdf"
    assert Path(download.path()).read_bytes() == signed
    logged = DossierEvent.objects.filter(dossier=dossier, action="download_result").get()
    assert (logged.actor, logged.note) == (None, f"{dossier.code}-KQ1")

    # The link alone, in a browser that never proved the PIN, opens nothing.
    stranger = open_page()
    response = stranger.request.get(f"/tra-cuu/{dossier.code}/ket-qua/1/")
    assert response.status == 404


def test_a_result_returned_by_post_shows_its_consignment_number(open_page, catalogue, staff):
    """The citizen asked for the result by post: the counter hands it to the post with its consignment
    number, the citizen follows it on the lookup page, the counter records the recipient's signature."""
    dossier = with_the_leader(staff, return_method="post", return_address="12 Lê Lợi, phường Hạc Thành")
    dossier = services.dossier_approve(dossier=dossier, actor=staff.leader, result_summary="Giấy khai sinh số 16")

    counter = open_page(staff.reception)
    counter.goto(f"/can-bo/ho-so/{dossier.code}/")
    form = counter.locator("form[action$='/thao-tac/return/']")
    form.locator("[name='return-postal_tracking']").fill("EB123456789VN")
    counter.once("dialog", lambda dialog: dialog.accept())  # return asks once (issue 22, item 5)
    form.locator("button[data-action='return']").click()
    expect(counter.locator(".messages")).to_contain_text("Đã thực hiện: Trả kết quả.")

    citizen = open_page()
    citizen.goto("/tra-cuu/")
    citizen.get_by_label("Mã hồ sơ").fill(dossier.code)
    citizen.get_by_label("Mã tra cứu").fill(dossier.pin)
    citizen.get_by_role("button", name="Tra cứu", exact=True).click()
    postal = citizen.locator("#buu-chinh")
    expect(postal).to_contain_text("EB123456789VN")
    expect(postal).to_contain_text("Đang chuyển phát")
    shoot(citizen, "buu-chinh-cong-dan")

    form = counter.locator("form[action$='/thao-tac/confirm_delivery/']")
    open_panel(counter, form)
    today = timezone.localdate()
    form.locator("[name='confirm_delivery-delivered_on']").fill(f"{today:%Y-%m-%d}")
    form.locator("[name='confirm_delivery-delivered_to']").fill("Trần Thị Bình")
    form.locator("button[data-action='confirm_delivery']").click()
    expect(counter.locator(".messages")).to_contain_text("Đã thực hiện: Xác nhận người nhận đã ký nhận bưu gửi.")
    citizen.goto("/tra-cuu/")  # the lookup page is the answer to a POST: look it up again
    citizen.get_by_label("Mã hồ sơ").fill(dossier.code)
    citizen.get_by_label("Mã tra cứu").fill(dossier.pin)
    citizen.get_by_role("button", name="Tra cứu", exact=True).click()
    expect(citizen.locator("#buu-chinh")).to_contain_text(f"{today:%d/%m/%Y}")
