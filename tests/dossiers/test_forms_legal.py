"""Issue 21, items 6–8: what the printed forms say, read back from the PDFs. Expected texts are
written out here by hand from the moments the tests choose."""

import io
import re

import pytest
from pypdf import PdfReader

from dossiers import documents, selectors, services

from .conftest import vn

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
