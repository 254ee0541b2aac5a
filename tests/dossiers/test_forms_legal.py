"""Issue 21, items 6–8: what the printed forms say, read back from the PDFs. Expected texts are
written out here by hand from the moments the tests choose."""

import io
import re

import pytest
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
