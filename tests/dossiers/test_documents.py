"""The printed forms (Mẫu 01–07): real PDFs from real services, read back as text."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from dossiers import apology, documents, selectors, services, tokens
from dossiers.models import DossierStep
from mocua.accounts.models import Absence, Role

from ..factories import UserFactory
from .conftest import make_intake

pytestmark = pytest.mark.django_db


def _pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _text(pdf: bytes) -> str:
    return "\n".join(_pages(pdf))


def _flat(text: str) -> str:
    """Words as printed, whatever line breaks the layout put between them."""
    return re.sub(r"\s+", " ", text)


def _page(dossier, user):
    """The dossier as its page loads it: the selector prefetches what the forms print."""
    return selectors.dossier_get_for_officer(user=user, code=dossier.code)


def _long_date(value) -> str:
    local = timezone.localtime(value)
    return f"{local.hour:02d} giờ {local.minute:02d} phút, ngày {local.day:02d} tháng"


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),
    (dt.date(2026, 1, 23), "ngày 23 tháng 01 năm 2026"),
    (dt.date(2026, 11, 23), "ngày 23 tháng 11 năm 2026"),
    (None, "ngày …… tháng …… năm ……"),
])
def test_dates_are_written_as_official_documents_write_them(day, expected):
    assert documents.vn_date(day) == expected


def test_times_are_printed_in_local_time():
    moment = dt.datetime(2026, 11, 23, 2, 15, tzinfo=dt.UTC)  # 09:15 in Hà Nội
    assert documents.vn_time(moment) == "09 giờ 15 phút, ngày 23 tháng 11 năm 2026"


# --------------------------------------------------------------------------- Mẫu 01


def test_receipt_has_two_copies_with_code_pin_procedure_and_appointment(received, receptionist):
    dossier = _page(received, receptionist)
    pages = _pages(documents.receipt_pdf(dossier))
    assert len(pages) == 2
    assert "Liên 1" in pages[0] and "Liên 2" in pages[1]
    # One page laid out, written once, each copy's line laid over it: each copy carries its own line only.
    assert "Liên 2" not in pages[0] and "Liên 1" not in pages[1]
    assert "Lưu tại Bộ phận tiếp nhận và trả kết quả" in _flat(pages[0])
    assert "Giao cho người nộp hồ sơ" in _flat(pages[1])
    for text in map(_flat, pages):
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
        assert dossier.code in text and dossier.pin in text
        assert "Đăng ký khai sinh" in text
        assert "Trần Thị Bình" in text and "038190001234" in text and "binh@example.com" in text
        assert "Tờ khai theo mẫu" in text and "Bản chính" in text
        assert "03 ngày làm việc" in text
        assert _long_date(dossier.received_at) in text
        assert _long_date(dossier.due_at) in text
        assert "8.000 đồng" in text
        # The first dossier of the agency's year: entry 1 of the year's book (issue 21, item 5).
        assert f"Quyển số: {timezone.localtime(dossier.received_at).year}, Số thứ tự: 1" in text
        assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
        assert receptionist.display_name in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
        assert "Mẫu số 01 – Thông tư 03/2025/TT-VPCP" in text


def test_receipt_with_four_long_papers_keeps_each_copy_on_one_sheet(variant, receptionist):
    # The usual dossier has four papers with long official names; each copy is one sheet to hand over.
    papers = [services.Paper(name=f"Bản sao giấy tờ, tài liệu có nội dung liên quan đến việc khai sinh số {n}",
                             form="certified_copy")
              for n in range(1, 5)]
    dossier = services.dossier_receive(actor=receptionist, intake=make_intake(variant, papers=papers))
    pages = _pages(documents.receipt_pdf(_page(dossier, receptionist)))
    assert len(pages) == 2
    assert "Liên 1" in pages[0] and "Liên 2" in pages[1]
    assert all("số 4" in page and "NGƯỜI TIẾP NHẬN HỒ SƠ" in page and "Tra cứu tình trạng hồ sơ" in page
               for page in map(_flat, pages))


def test_receipt_longer_than_a_sheet_repeats_every_page_and_labels_each_copy_once(variant, receptionist):
    # Twenty papers run a copy onto a second sheet: both sheets are repeated, the line goes on each
    # copy's first sheet, and the last paper and the signatures are on each copy's second sheet.
    papers = [services.Paper(name=f"Bản sao giấy tờ, tài liệu có nội dung liên quan đến việc khai sinh số {n}",
                             form="certified_copy")
              for n in range(1, 21)]
    dossier = services.dossier_receive(actor=receptionist, intake=make_intake(variant, papers=papers))
    pages = [_flat(page) for page in _pages(documents.receipt_pdf(_page(dossier, receptionist)))]
    assert len(pages) == 4
    assert ["Liên 1" in page for page in pages] == [True, False, False, False]
    assert ["Liên 2" in page for page in pages] == [False, False, True, False]
    for first, second in (pages[0:2], pages[2:4]):
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in first and dossier.code in first
        assert "số 20" in second and "NGƯỜI TIẾP NHẬN HỒ SƠ" in second


def test_receipt_copies_share_one_drawing_and_reprint_marks_both(received, receptionist):
    pdf = documents.receipt_pdf(_page(received, receptionist))
    first, second = PdfReader(io.BytesIO(pdf)).pages
    # The second copy draws the first copy's page content (one content stream, referenced twice).
    shared = {ref.idnum for ref in first["/Contents"]} & {ref.idnum for ref in second["/Contents"]}
    assert len(shared) == 1
    reprint = documents.mark_reprint(pdf)
    assert reprint.startswith(pdf)
    texts = _pages(reprint)
    assert all("BẢN IN LẠI" in text for text in texts)
    assert "Liên 1" in texts[0] and "Liên 2" in texts[1]


def _fonts(pdf: bytes) -> set[str]:
    """The embedded fonts' PostScript names, without the subset tag ("ABCDEF+NotoSerif-Bold")."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def test_receipt_prints_in_the_forms_own_serif_regular_and_bold(received, receptionist):
    # forms.css (parsed once per process, given to every render) names the serif by exact font name,
    # as "mocua serif": without it the text falls back to whatever fontconfig aliases "serif" to.
    fonts = _fonts(documents.receipt_pdf(_page(received, receptionist)))
    assert {"mocua-serif", "mocua-serif-Bold"} <= fonts
    assert all(name.startswith("mocua-serif") for name in fonts), fonts
    assert documents.forms_stylesheet() is documents.forms_stylesheet()


def test_receipt_carries_a_qr_image_and_a_working_lookup_url(received, receptionist):
    pdf = documents.receipt_pdf(_page(received, receptionist))
    first = PdfReader(io.BytesIO(pdf)).pages[0]
    assert len(first.images) == 1
    assert min(first.images[0].image.size) >= 100  # a QR of ~40 modules at 4 px each, not a stray pixel
    printed = re.search(r"/tra-cuu/ma/([^/]+)/", re.sub(r"\s+", "", first.extract_text()))
    assert printed and tokens.code_from_token(printed.group(1)) == received.code


def test_receipt_names_the_owner_and_the_postal_return(variant, receptionist):
    applicant = services.Applicant(name="Lê Văn Cường", phone="0912345678", owner_kind="organisation",
                                   owner_name="Công ty TNHH Ánh Dương", owner_tax_code="0101234567")
    intake = make_intake(variant, applicant=applicant, return_method="post",
                         return_address="5 Trần Phú, phường Hạc Thành")
    dossier = services.dossier_receive(actor=receptionist, intake=intake)
    text = _flat(_text(documents.receipt_pdf(_page(dossier, receptionist))))
    assert "Công ty TNHH Ánh Dương" in text and "0101234567" in text
    assert "Qua bưu chính công ích, địa chỉ: 5 Trần Phú, phường Hạc Thành" in text


def test_printing_from_the_page_selector_costs_no_query(received, receptionist, django_assert_num_queries):
    dossier = _page(received, receptionist)
    with django_assert_num_queries(0):
        documents.receipt_pdf(dossier)
        documents.control_slip_pdf(dossier)


# --------------------------------------------------------------------------- Mẫu 02


def test_supplement_request_lists_the_missing_papers(processing, specialist):
    services.dossier_request_supplement(dossier=processing, actor=specialist, reason="Giấy chứng sinh bị mờ",
                                        missing_papers=["Giấy chứng sinh (bản chính)", "Bản sao giấy đăng ký kết hôn"])
    text = _flat(_text(documents.supplement_pdf(_page(processing, specialist))))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert processing.code in text and "Đăng ký khai sinh" in text
    assert "1 Giấy chứng sinh (bản chính)" in text and "2 Bản sao giấy đăng ký kết hôn" in text
    assert "Lý do: Giấy chứng sinh bị mờ" in text
    assert "NGƯỜI HƯỚNG DẪN" in text and specialist.display_name in text


def test_counter_guidance_prints_the_same_form_without_a_dossier(variant, receptionist):
    applicant = services.Applicant(name="Phạm Thị Dung", phone="0987654321", address="3 Lý Thường Kiệt")
    guidance = services.intake_guidance_create(actor=receptionist, variant=variant, applicant=applicant,
                                               missing_papers=["Tờ khai theo mẫu"], reason="Chưa ký tờ khai")
    text = _flat(_text(documents.guidance_pdf(guidance)))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and "chưa được tiếp nhận" in text
    assert "Phạm Thị Dung" in text and "Đăng ký khai sinh" in text
    assert "1 Tờ khai theo mẫu" in text and "Chưa ký tờ khai" in text
    assert "NGƯỜI HƯỚNG DẪN" in text and receptionist.display_name in text


# --------------------------------------------------------------------------- Mẫu 03, 04, 05


def test_refusal_gives_the_reason(intake, receptionist):
    dossier = services.dossier_refuse_intake(actor=receptionist, intake=intake,
                                             reason="Trẻ đã được đăng ký khai sinh tại nơi khác")
    text = _flat(_text(documents.refusal_pdf(_page(dossier, receptionist))))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and dossier.code in text
    assert "Trẻ đã được đăng ký khai sinh tại nơi khác" in text
    assert "/thu-tuc/1.001193/" in text
    assert "Mẫu số 03" in text


def test_apology_gives_the_old_and_the_new_appointment(processing, leader):
    old_due = processing.due_at
    new_due = old_due + dt.timedelta(days=3)
    apology.dossier_reschedule(dossier=processing, actor=leader, new_due_at=new_due,
                                reason="Cần xác minh tại nơi cư trú")
    text = _flat(_text(documents.apology_pdf(_page(processing, leader))))
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN" in text
    assert f"Thời hạn trả kết quả: {documents.vn_time(old_due)}" in text
    assert f"hẹn lại thời gian trả kết quả vào: {documents.vn_time(new_due)}" in text
    assert "Cần xác minh tại nơi cư trú" in text and processing.code in text
    assert "THỦ TRƯỞNG CƠ QUAN" in text


def test_stop_notice_gives_reason_stage_and_fees_paid(variant, receptionist, specialist, leader):
    fee = variant.fees.get()
    dossier = services.dossier_receive(actor=receptionist, intake=make_intake(variant, fees_collected={fee.pk: 8000}))
    dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    services.dossier_stop(dossier=dossier, actor=leader, reason="Công dân có đơn đề nghị dừng giải quyết")
    text = _flat(_text(documents.stop_notice_pdf(_page(dossier, leader))))
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and dossier.code in text
    assert "Công dân có đơn đề nghị dừng giải quyết" in text
    assert "Thẩm định, xử lý" in text and specialist.display_name in text
    assert "Tổng cộng 8.000" in text


# --------------------------------------------------------------------------- Mẫu 06


def test_control_slip_has_one_row_per_handover_with_names_and_timeliness(received, receptionist, head, specialist,
                                                                         leader):
    substitute = UserFactory(agency=received.agency, role=Role.SPECIALIST, full_name="Lê Văn Thay")
    today = timezone.localdate()
    Absence.objects.create(user=specialist, substitute=substitute, starts_on=today, ends_on=today)
    dossier = services.dossier_hand_over(dossier=received, actor=receptionist, to_user=head)
    dossier = services.dossier_hand_over(dossier=dossier, actor=head, to_user=specialist, next_step=False)
    dossier = services.dossier_hand_over(dossier=dossier, actor=substitute, to_user=leader)
    services.dossier_approve(dossier=dossier, actor=leader, result_summary="Đã ký")
    steps = list(DossierStep.objects.filter(dossier=dossier))
    text = _flat(_text(documents.control_slip_pdf(_page(dossier, leader))))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and dossier.code in text
    assert text.count("1. Giao:") == len(steps) == 5
    assert f"Nhận: Lê Văn Thay ({substitute.department.name}), thay cho {specialist.display_name}" in text
    assert f"1. Giao: {leader.display_name} 2. Nhận: {receptionist.display_name}" in text  # back to the counter
    assert text.index("II. NHẬN KẾT QUẢ") < text.index(f"Giao: {leader.display_name}")
    finished = [s.get_timeliness_display() for s in steps if s.timeliness]
    assert len(finished) == 4
    assert sum(text.count(label) for label in ("Trước hạn", "Đúng hạn", "Quá hạn")) >= 4 + 1  # + the header
    assert text.count("Người giao") == len(steps)


# --------------------------------------------------------------------------- Mẫu 07


@pytest.fixture
def register(received, variant, receptionist):
    for name in ("Hoàng Văn Em", "Vũ Thị Gấm"):
        applicant = services.Applicant(name=name, phone="0912000111", address="Thôn Đông")
        services.dossier_receive(actor=receptionist, intake=make_intake(variant, applicant=applicant))
    today = timezone.localdate()
    return list(selectors.dossier_register(user=receptionist, start=today, end=today))


def test_register_pdf_has_one_row_per_dossier(register, receptionist):
    today = timezone.localdate()
    text = _flat(_text(documents.register_pdf(receptionist.agency, today, today, register)))
    assert "SỔ THEO DÕI HỒ SƠ" in text and f"Từ ngày {today:%d/%m/%Y} đến ngày {today:%d/%m/%Y}" in text
    assert "Cơ quan chủ trì giải quyết" in text and "Phương thức nhận kết quả" in text
    compact = re.sub(r"\s+", "", text)  # a narrow column may break a code over two lines
    assert len(register) == 3
    for dossier in register:
        assert dossier.code in compact
    assert "Vũ Thị Gấm" in text


def test_register_xlsx_has_a_title_a_bold_header_and_one_row_per_dossier(register, receptionist):
    today = timezone.localdate()
    sheet = load_workbook(io.BytesIO(documents.register_xlsx(receptionist.agency, today, today, register))).active
    assert sheet["A1"].value.startswith("SỔ THEO DÕI HỒ SƠ")
    # The portal's one xlsx layout (mocua.xlsx): title, period, a blank row, the header, the rows.
    header = [cell.value for cell in sheet[4]]
    assert header[:3] == ["TT", "Mã hồ sơ", "Tên TTHC"] and header[-1] == "Ghi chú" and len(header) == 13
    assert all(cell.font.bold for cell in sheet[4])
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert [row[1] for row in rows] == [d.code for d in register]
    assert [row[0] for row in rows] == [1, 2, 3]
    assert rows[0][7] == timezone.localtime(register[0].received_at).replace(tzinfo=None, microsecond=0)
    assert sheet.cell(row=5, column=8).number_format == "dd/mm/yyyy hh:mm"
    assert sheet.column_dimensions["C"].width == 40
