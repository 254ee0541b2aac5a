"""Friendly letters (dossiers.letters): the approval of a tagged procedure e-mails the agency's letter,
the counter prints it on A5 with the citizen's name and the event, records once that it was handed
over; the admin previews a text."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dossiers import documents, results, services
from dossiers.models import LetterTemplate, Message
from mocua.errors import ConflictError, DomainError
from mocua.text import nfc
from procedures.models import LetterKind

pytestmark = pytest.mark.django_db

BODY = "Nhân dịp gia đình ông/bà {ho_ten} hoàn thành thủ tục {su_kien} ngày {ngay}, xin chúc mừng. {khong_ro}"


@pytest.fixture
def congratulation(agency, variant):
    variant.procedure.letter = LetterKind.CONGRATULATION
    variant.procedure.save(update_fields=["letter"])
    return LetterTemplate.objects.create(agency=agency, kind=LetterKind.CONGRATULATION, title="Thư chúc mừng",
                                         body=BODY, signer_title="Phó Chủ tịch", signer_name="Lê Thị Xuân")


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return nfc(" ".join(" ".join(page.extract_text().split()) for page in reader.pages)), reader


def test_the_approval_e_mails_the_letter_of_a_tagged_procedure(frozen, congratulation, processing, leader):
    dossier = services.dossier_approve(dossier=processing, actor=leader)

    mail = Message.objects.get(dossier=dossier, key=f"citizen:{dossier.pk}:letter:email")
    assert (mail.address, mail.subject) == ("binh@example.com", f"Thư chúc mừng – {dossier.agency.name}")
    assert "gia đình ông/bà Trần Thị Bình hoàn thành thủ tục đăng ký khai sinh ngày 02/03/2026" in mail.body
    assert "{khong_ro}" in mail.body  # an unknown placeholder stays as typed
    assert mail.body.rstrip().endswith(f"PHÓ CHỦ TỊCH\nLê Thị Xuân\n{dossier.agency.name}")


def test_no_letter_without_a_tag_or_without_an_e_mail_address(frozen, agency, build_dossier, congratulation,
                                                               variant):
    dossier = build_dossier("result_ready", applicant=services.Applicant(name="Ngô Văn An", phone="0912345678"))
    assert not Message.objects.filter(dossier=dossier, key__contains="letter").exists()
    variant.procedure.letter = LetterKind.NONE
    variant.procedure.save(update_fields=["letter"])
    assert not Message.objects.filter(dossier=build_dossier("result_ready"), key__contains="letter").exists()


def test_the_letter_prints_on_a5_with_the_name_the_event_and_the_signer(frozen, congratulation, result_ready):
    text, reader = text_of(documents.letter_pdf(result_ready))

    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (148, 210)  # A5 portrait, in mm
    assert "THƯ CHÚC MỪNG" in text and "Kính gửi: Ông/Bà Trần Thị Bình" in text
    assert "thủ tục đăng ký khai sinh" in text and "PHÓ CHỦ TỊCH" in text and "Lê Thị Xuân" in text
    assert "Mẫu" not in text  # not a legal form


def test_the_counter_records_once_that_the_letter_was_handed_over(frozen, congratulation, result_ready, receptionist):
    dossier = results.dossier_hand_letter(dossier=result_ready, actor=receptionist, note="Trao cùng giấy khai sinh")

    assert dossier.letter_handed_at == frozen.moment
    event = dossier.events.latest("pk")
    assert (event.action, event.actor, event.note, event.data) == (
        "hand_letter", receptionist, "Trao cùng giấy khai sinh", {"letter": "congratulation"})
    with pytest.raises(ConflictError, match="đã được ghi nhận"):
        results.dossier_hand_letter(dossier=dossier, actor=receptionist)


def test_no_letter_to_hand_over_without_a_text(frozen, result_ready, receptionist):
    with pytest.raises(DomainError, match="không có thư"):
        results.dossier_hand_letter(dossier=result_ready, actor=receptionist)
    result_ready.refresh_from_db()
    assert result_ready.letter_handed_at is None


def test_the_dossier_page_offers_the_letter_and_its_print(client, frozen, congratulation, result_ready, receptionist):
    client.force_login(receptionist)
    page = client.get(reverse("dossiers:detail", args=[result_ready.code])).content.decode()
    assert "In thư chúc mừng kèm kết quả" in page and "thao-tac/hand_letter/" in page
    response = client.get(reverse("dossiers:letter_pdf", args=[result_ready.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_no_letter_print_for_a_procedure_without_one(client, frozen, result_ready, receptionist):
    client.force_login(receptionist)
    assert "hand_letter" not in client.get(reverse("dossiers:detail", args=[result_ready.code])).content.decode()
    assert client.get(reverse("dossiers:letter_pdf", args=[result_ready.code])).status_code == 404


def test_the_admin_previews_a_letter(admin_client, congratulation):
    response = admin_client.get(reverse("admin:dossiers_lettertemplate_preview", args=[congratulation.pk]))
    assert response.status_code == 200
    text, _ = text_of(response.content)
    assert "Nguyễn Văn An" in text and "đăng ký khai sinh" in text
    page = admin_client.get(reverse("admin:dossiers_lettertemplate_change", args=[congratulation.pk]))
    assert "Xem trước bản in" in page.content.decode()
