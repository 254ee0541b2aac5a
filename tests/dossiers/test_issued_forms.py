"""Issued forms are records (issue 21, item 9): the first print of Mẫu 01–05 keeps the PDF, its
SHA-256, the issuer and the moment; every later print serves that copy with a "Bản in lại" mark,
without rendering again; the dossier page lists what was issued; another agency sees none of it."""

import hashlib
import io
import re

import pytest
from django.db import DatabaseError, connection, transaction
from pypdf import PdfReader

from dossiers import documents, issued, selectors, services
from dossiers.models import Dossier, DossierEvent, IssuedForm

from .conftest import make_intake, vn

pytestmark = pytest.mark.django_db


def page(code: str, tail: str = "") -> str:
    return f"/can-bo/ho-so/{code}/{tail}"


def _texts(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _stored(record: IssuedForm) -> bytes:
    with record.file.open("rb") as stored:
        return stored.read()


def _tiny(text: str) -> bytes:
    return documents.html_to_pdf(f"<p>{text}</p>")


def refuse_rendering(monkeypatch):
    """Any rendering from here on fails the test: a re-print must be a file read."""
    import weasyprint

    def refuse(*args, **kwargs):
        raise AssertionError("WeasyPrint was called for a re-print")

    # HTML.render is the layout every write_pdf goes through (the receipt calls it directly).
    monkeypatch.setattr(weasyprint.HTML, "render", refuse)
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", refuse)
    monkeypatch.setattr(documents, "html_to_pdf", refuse)


@pytest.fixture
def officer_client(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# --------------------------------------------------------------------------- first print, re-print


def test_the_first_print_of_the_receipt_is_kept_with_its_hash_issuer_and_moment(frozen, officer_client,
                                                                                  received, receptionist):
    response = officer_client(receptionist).get(page(received.code, "mau-01.pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    record = IssuedForm.objects.get()
    first = response.content
    assert _stored(record) == first
    assert record.sha256 == hashlib.sha256(first).hexdigest() and record.size == len(first)
    assert (record.dossier_id, record.number, record.issued_by, record.issued_at) == (
        received.pk, "01", receptionist, vn(2026, 3, 2, 8, 0))
    assert record.event == DossierEvent.objects.get(dossier=received, action="receive")
    assert "BẢN IN LẠI" not in "".join(_texts(first))
    assert 'filename="mau-01-giay-tiep-nhan-' in response["Content-Disposition"]


def test_a_reprint_is_the_stored_bytes_with_the_mark_and_renders_nothing(frozen, officer_client, received,
                                                                       receptionist, monkeypatch):
    client = officer_client(receptionist)
    first = client.get(page(received.code, "giay-tiep-nhan.pdf")).content
    refuse_rendering(monkeypatch)
    again = client.get(page(received.code, "mau-01.pdf"))
    assert again.status_code == 200
    reprint = again.content
    # The issued bytes, untouched, then an incremental update that lays the mark on each page.
    assert reprint.startswith(first) and len(reprint) > len(first)
    assert hashlib.sha256(reprint[:len(first)]).hexdigest() == IssuedForm.objects.get().sha256
    pages = _texts(reprint)
    assert len(pages) == 2 and all("BẢN IN LẠI" in text for text in pages)
    assert all(received.code in text for text in pages)
    assert "-in-lai.pdf" in again["Content-Disposition"]
    assert IssuedForm.objects.count() == 1
    # A third print is the same file again.
    assert client.get(page(received.code, "mau-01.pdf")).content == reprint


def test_a_changed_name_after_issue_does_not_change_the_reprint(frozen, officer_client, received, receptionist):
    client = officer_client(receptionist)
    client.get(page(received.code, "mau-01.pdf"))
    # A correction of the record after the paper was handed over (no service edits the name today).
    Dossier.objects.filter(pk=received.pk).update(applicant_name="Lê Văn Cường")
    text = " ".join(_texts(client.get(page(received.code, "mau-01.pdf")).content))
    assert "Trần Thị Bình" in text and "Lê Văn Cường" not in text
    # The live rendering, for comparison, would have printed the new name.
    live = documents.receipt_pdf(selectors.dossier_get_for_officer(user=receptionist, code=received.code))
    assert "Lê Văn Cường" in " ".join(_texts(live))


def test_each_form_of_a_dossier_is_issued_once_for_its_move(frozen, officer_client, build_dossier, leader):
    client = officer_client(leader)
    stopped = build_dossier("stopped")
    refused = build_dossier("refused")
    for dossier, number in ((stopped, "05"), (refused, "03"), (stopped, "01")):
        assert client.get(page(dossier.code, f"mau-{number}.pdf")).status_code == 200
        assert client.get(page(dossier.code, f"mau-{number}.pdf")).status_code == 200
    kept = IssuedForm.objects.order_by("pk")
    assert [(f.dossier_id, f.number, f.event.action) for f in kept] == [
        (stopped.pk, "05", "stop"), (refused.pk, "03", "refuse"), (stopped.pk, "01", "receive")]


def test_the_control_slip_stays_a_live_rendering(frozen, officer_client, received, receptionist):
    response = officer_client(receptionist).get(page(received.code, "mau-06.pdf"))
    assert response.status_code == 200 and not IssuedForm.objects.exists()


def test_a_new_move_of_the_same_form_is_a_new_record(frozen, build_dossier, specialist):
    """Keyed by the move's audit row: should a form be legitimately due again (a later request
    for papers), its first print is a new record and the earlier one stays as it was."""
    dossier = build_dossier("awaiting_supplement")
    loaded = selectors.dossier_get_for_officer(user=specialist, code=dossier.code)
    first_pdf, reprint = issued.dossier_form_print(dossier=loaded, number="02", actor=specialist)
    assert not reprint
    later = DossierEvent.objects.create(dossier=dossier, action="request_supplement", from_status="processing",
                                        to_status="awaiting_supplement", actor=specialist, at=vn(2026, 3, 3, 9))
    loaded = selectors.dossier_get_for_officer(user=specialist, code=dossier.code)
    second_pdf, reprint = issued.dossier_form_print(dossier=loaded, number="02", actor=specialist)
    assert not reprint
    records = list(IssuedForm.objects.order_by("pk"))
    assert [r.event_id for r in records][1] == later.pk and len(records) == 2
    assert _stored(records[0]) == first_pdf and _stored(records[1]) == second_pdf


def test_two_prints_at_once_make_one_record(frozen, received, receptionist):
    """The second of two simultaneous first prints finds the first's record under the lock."""
    event = DossierEvent.objects.get(dossier=received, action="receive")
    one, created = issued.form_issue(dossier=received, number="01", event=event, pdf=_tiny("first"),
                                     actor=receptionist)
    two, created_again = issued.form_issue(dossier=received, number="01", event=event, pdf=_tiny("second"),
                                           actor=receptionist)
    assert created and not created_again and one.pk == two.pk and IssuedForm.objects.count() == 1


# --------------------------------------------------------------------------- the counter's guidance (Mẫu 02)


def test_the_counter_guidance_is_kept_at_its_first_print(frozen, officer_client, receptionist, variant,
                                                       monkeypatch):
    intake = make_intake(variant)
    guidance = services.intake_guidance_create(actor=receptionist, variant=variant, applicant=intake.applicant,
                                               missing_papers=["Giấy chứng sinh"], reason="Thiếu giấy chứng sinh")
    client = officer_client(receptionist)
    first = client.get(f"/can-bo/ho-so/huong-dan/{guidance.pk}/?pdf=1").content
    record = IssuedForm.objects.get()
    assert (record.guidance_id, record.dossier_id, record.number) == (guidance.pk, None, "02")
    assert record.sha256 == hashlib.sha256(first).hexdigest()
    refuse_rendering(monkeypatch)
    again = client.get(f"/can-bo/ho-so/huong-dan/{guidance.pk}/?pdf=1").content
    assert again.startswith(first) and all("BẢN IN LẠI" in t for t in _texts(again))


# --------------------------------------------------------------------------- the dossier page, isolation


def test_the_dossier_page_lists_what_was_issued(frozen, officer_client, received, receptionist):
    client = officer_client(receptionist)
    before = client.get(page(received.code)).content.decode()
    assert "Biểu mẫu đã giao công dân" not in before
    client.get(page(received.code, "mau-01.pdf"))
    record = IssuedForm.objects.get()
    html = client.get(page(received.code)).content.decode()
    assert "Biểu mẫu đã giao công dân" in html
    assert "Mẫu 01 – Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in html
    assert "08:00 02/03/2026" in html and receptionist.display_name in html
    assert record.sha256[:12] in html
    assert page(received.code, f"da-cap/{record.pk}.pdf") in html
    assert "(đã cấp: in lại bản lưu)" in html
    stored = client.get(page(received.code, f"da-cap/{record.pk}.pdf"))
    assert stored.status_code == 200 and b"".join(stored.streaming_content).startswith(_stored(record))


def test_another_agency_cannot_print_or_read_an_issued_form(frozen, officer_client, received, receptionist,
                                                          other_officer):
    officer_client(receptionist).get(page(received.code, "mau-01.pdf"))
    record = IssuedForm.objects.get()
    client = officer_client(other_officer)
    assert client.get(page(received.code, "mau-01.pdf")).status_code == 404
    assert client.get(page(received.code, f"da-cap/{record.pk}.pdf")).status_code == 404
    assert IssuedForm.objects.count() == 1


def test_a_record_is_read_only_under_its_own_dossier(frozen, officer_client, build_dossier, leader):
    """A record's id under another dossier's code of the same agency is not found."""
    one, two = build_dossier("received"), build_dossier("received")
    client = officer_client(leader)
    client.get(page(one.code, "mau-01.pdf"))
    record = IssuedForm.objects.get()
    assert client.get(page(two.code, f"da-cap/{record.pk}.pdf")).status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_an_issued_form_cannot_be_changed_or_deleted(frozen, received, receptionist):
    event = DossierEvent.objects.get(dossier=received, action="receive")
    pdf = _tiny("x")
    record, _ = issued.form_issue(dossier=received, number="01", event=event, pdf=pdf, actor=receptionist)
    for change in (lambda: IssuedForm.objects.filter(pk=record.pk).update(sha256="0" * 64),
                   lambda: IssuedForm.objects.filter(pk=record.pk).delete()):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    assert IssuedForm.objects.get().sha256 == hashlib.sha256(pdf).hexdigest()


# --------------------------------------------------------------------------- queries


def test_print_and_reprint_query_counts(frozen, officer_client, received, receptionist, django_assert_num_queries):
    client = officer_client(receptionist)
    client.get(page(received.code))  # warm the session's user and agency
    # the user; the dossier and its papers, fees, results, legs, steps, events (selector); the issued
    # form looked up; then, in a savepoint (the test's transaction), the lock, the check again, the insert,
    # and the clear PIN blanked (the receipt keeps it; dossiers.pins).
    with django_assert_num_queries(15):
        client.get(page(received.code, "mau-01.pdf"))
    # The same reads, and the record found: no write.
    with django_assert_num_queries(9):
        client.get(page(received.code, "mau-01.pdf"))
    record = IssuedForm.objects.get()
    with django_assert_num_queries(3):  # the user, the dossier row, the record
        client.get(page(received.code, f"da-cap/{record.pk}.pdf"))
