"""Issue 21, items 6–8: what the printed forms say, read back from the PDFs. Expected texts are
written out here by hand from the moments the tests choose."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dossiers import documents, selectors, services

from .conftest import make_intake, vn

pytestmark = pytest.mark.django_db


def _flat(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def _page(dossier, user):
    return selectors.dossier_get_for_officer(user=user, code=dossier.code)


# --------------------------------------------------------------------------- item 6


def test_an_online_receipt_gives_the_day_accepted_and_says_when_it_was_submitted(frozen, submit_online,
                                                                                  receptionist):
    """Submitted Fri 06/03/2026 at 20:00 (the office closed), accepted Mon 09/03 at 08:00."""
    frozen.set(vn(2026, 3, 6, 20, 0))
    dossier = submit_online()
    frozen.set(vn(2026, 3, 9, 8, 0))
    services.dossier_accept_online(dossier=dossier, actor=receptionist)

    text = _flat(documents.receipt_pdf(_page(dossier, receptionist)))

    assert "-260306-" in dossier.code  # the code keeps the day the citizen submitted it
    assert "4. Thời gian nhận hồ sơ: 08 giờ 00 phút, ngày 09 tháng 3 năm 2026" in text
    assert "Hồ sơ nộp trực tuyến lúc 20 giờ 00 phút, ngày 06 tháng 3 năm 2026 (mã hồ sơ mang ngày nộp)" in text


def test_a_counter_receipt_has_no_submission_line(frozen, received, receptionist):
    text = _flat(documents.receipt_pdf(_page(received, receptionist)))
    assert "nộp trực tuyến lúc" not in text


# --------------------------------------------------------------------------- item 7


def _heading_lines(pdf: bytes) -> list[str]:
    lines = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
    return [line.strip() for line in lines[:6]]


def test_a_communes_desk_forms_are_issued_by_its_centre_under_its_peoples_committee(frozen, received, receptionist,
                                                                                     variant):
    """Decree 118/2025: the commune's one-stop unit is its public-administration service centre."""
    page = _page(received, receptionist)
    for pdf in (documents.receipt_pdf(page), documents.control_slip_pdf(page)):
        heading = " ".join(_heading_lines(pdf))
        assert "ỦY BAN NHÂN DÂN PHƯỜNG HẠC THÀNH" in heading
        assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG HẠC THÀNH" in heading
        assert heading.index("ỦY BAN NHÂN DÂN PHƯỜNG") < heading.index("TRUNG TÂM PHỤC VỤ")
    receipt = _flat(documents.receipt_pdf(page))
    assert "Trung tâm Phục vụ hành chính công phường Hạc Thành tiếp nhận hồ sơ của:" in receipt
    refused = services.dossier_refuse_intake(actor=receptionist, intake=make_intake(variant),
                                             reason="Không thuộc thẩm quyền")
    refusal = _flat(documents.refusal_pdf(_page(refused, receptionist)))
    assert "Trung tâm Phục vụ hành chính công phường Hạc Thành tiếp nhận hồ sơ của:" in refusal


def test_the_province_centre_stays_its_own_unit_under_the_provinces_committee(frozen, variant):
    from mocua.accounts.models import Level, Role

    from ..factories import AgencyFactory, UserFactory

    province = AgencyFactory(code="000.00.00.H56", name="Ủy ban nhân dân tỉnh Thanh Hóa", level=Level.PROVINCE)
    centre = AgencyFactory(code="000.00.21.H56", name="Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa",
                           level=Level.PROVINCE, parent=province)
    variant.procedure.agencies.add(centre)
    clerk = UserFactory(agency=centre, role=Role.RECEPTION, username="tiepnhan.tinh")
    dossier = services.dossier_receive(actor=clerk, intake=make_intake(variant))
    heading = " ".join(_heading_lines(documents.receipt_pdf(_page(dossier, clerk))))
    assert "ỦY BAN NHÂN DÂN TỈNH THANH HÓA" in heading
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH THANH HÓA" in heading


def test_the_apology_is_the_peoples_committees_own(frozen, processing, leader):
    """Mẫu 04 is signed by the head of the agency: its header is the committee, not the centre."""
    from dossiers import apology

    apology.dossier_reschedule(dossier=processing, actor=leader, new_due_at=vn(2026, 3, 10, 17, 0), reason="Xác minh")
    heading = " ".join(_heading_lines(documents.apology_pdf(_page(processing, leader))))
    assert "ỦY BAN NHÂN DÂN PHƯỜNG HẠC THÀNH" in heading and "TRUNG TÂM" not in heading


# --------------------------------------------------------------------------- item 8


def test_the_supplement_request_has_its_number_line_and_quantity_columns(frozen, processing, specialist):
    """Mẫu 02: "Số: …" and TT | Thành phần | Số lượng (bản chính / bản sao chứng thực / bản photo). A paper of
    the dossier's list shows its quantity under its form; a free-text line leaves the columns to the pen."""
    from procedures.models import PaperForm

    paper = processing.documents.get(name="Tờ khai theo mẫu")
    paper.form, paper.quantity = PaperForm.CERTIFIED_COPY, 2
    paper.save()
    services.dossier_request_supplement(dossier=processing, actor=specialist,
                                        missing_papers=["Tờ khai theo mẫu", "Giấy xác nhận nơi cư trú"],
                                        reason="Thiếu giấy tờ")
    dossier = _page(processing, specialist)

    assert documents._missing_rows(dossier.missing_papers, dossier.documents.all()) == [
        {"name": "Tờ khai theo mẫu", "counts": ["", "02", ""]},
        {"name": "Giấy xác nhận nơi cư trú", "counts": ["", "", ""]}]
    text = _flat(documents.supplement_pdf(dossier))
    assert f"Số: ……/{dossier.code}" in text.replace("/ ", "/")  # the code may wrap in the narrow column
    assert "Số lượng" in text and "Bản chính" in text and "Bản sao chứng thực" in text and "Bản photo" in text
    assert "1 Tờ khai theo mẫu 02" in text


def test_the_apology_has_its_number_line_and_is_signed_under_the_leaders_title(frozen, processing, leader):
    """A deputy chair signs for the chair: "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" (Decree 30/2020), not a bare
    "THỦ TRƯỞNG CƠ QUAN"."""
    from dossiers import apology

    leader.title = "Phó Chủ tịch"
    leader.save()
    apology.dossier_reschedule(dossier=processing, actor=leader, new_due_at=vn(2026, 3, 10, 17, 0), reason="Xác minh")
    text = _flat(documents.apology_pdf(_page(processing, leader)))

    assert "Số: ……/……" in text
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text and leader.display_name in text
    assert "THỦ TRƯỞNG CƠ QUAN" not in text


def test_a_fee_keeps_its_unit_on_the_receipt_and_the_page(frozen, variant, receptionist, client):
    fee = variant.fees.get()
    fee.amount, fee.unit = 2000, "/trang"
    fee.save()
    dossier = services.dossier_receive(actor=receptionist, intake=make_intake(variant))

    assert dossier.fees.get().unit == "/trang"
    assert "Lệ phí 2.000 đồng/trang" in _flat(documents.receipt_pdf(_page(dossier, receptionist)))
    client.force_login(receptionist)
    assert "2.000 đồng/trang" in client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()


@pytest.mark.parametrize(("moment", "line", "due"), [
    # Mon 02/03/2026: before the cut-off the day itself; after it the next working day (Tue 03/03).
    (vn(2026, 3, 2, 14, 0), "3. Thời gian giải quyết hồ sơ theo quy định là: Trong ngày 4.",
     "17 giờ 00 phút, ngày 02 tháng 3 năm 2026"),
    (vn(2026, 3, 2, 15, 0), "3. Thời gian giải quyết hồ sơ theo quy định là: Trong ngày 4.",
     "17 giờ 00 phút, ngày 02 tháng 3 năm 2026"),
    (vn(2026, 3, 2, 15, 30), "3. Thời gian giải quyết hồ sơ theo quy định là: Trong ngày làm việc tiếp theo "
     "(hồ sơ tiếp nhận sau 15 giờ) 4.", "17 giờ 00 phút, ngày 03 tháng 3 năm 2026"),
])
def test_a_same_day_receipt_after_the_cut_off_says_the_next_working_day(frozen, agency, receptionist, moment, line,
                                                                         due):
    from procedures.models import TimeUnit

    from ..factories import full_variant

    variant = full_variant(code="1.000894", name="Đăng ký kết hôn", time_limit="1", unit=TimeUnit.SAME_DAY)
    variant.procedure.agencies.add(agency)
    frozen.set(moment)
    dossier = services.dossier_receive(actor=receptionist, intake=make_intake(variant))
    text = _flat(documents.receipt_pdf(_page(dossier, receptionist)))

    assert line in text
    assert f"5. Thời gian trả kết quả giải quyết hồ sơ: {due}" in text


def test_status_labels_are_the_national_portals_names():
    """domain-vn §2.3 table A, by portal code; "refused" is code 3 at intake and a refusal after appraisal."""
    from dossiers.workflow import Status

    national = {1: "Mới đăng ký", 2: "Được tiếp nhận", 4: "Đang xử lý", 5: "Yêu cầu bổ sung giấy tờ",
                6: "Yêu cầu thực hiện nghĩa vụ tài chính", 7: "Công dân yêu cầu rút hồ sơ", 8: "Dừng xử lý",
                9: "Đã xử lý xong", 10: "Đã trả kết quả"}
    codes = {Status.SUBMITTED: 1, Status.RECEIVED: 2, Status.PROCESSING: 4, Status.AWAITING_SUPPLEMENT: 5,
             Status.AWAITING_PAYMENT: 6, Status.WITHDRAWN: 7, Status.STOPPED: 8, Status.RESULT_READY: 9,
             Status.RETURNED: 10}
    assert {status.label for status in codes} == set(national.values())
    for status, code in codes.items():
        assert status.label == national[code]
    assert Status.REFUSED.label.startswith("Không được tiếp nhận")
