"""dossier_attach: scanned papers, checked by their content (not their name) and their size."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import services
from dossiers.models import DossierDocument
from mocua.errors import DomainError, ForbiddenError

from .conftest import snapshot

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


@pytest.mark.parametrize(("filename", "content", "content_type"), [
    ("to-khai.pdf", PDF, "application/pdf"),
    ("anh-chup.png", PNG, "image/png"),
    ("anh-chup.jpg", JPEG, "image/jpeg"),
    ("anh-chup.JPEG", JPEG, "image/jpeg"),
])
def test_attach_keeps_a_real_pdf_or_image(frozen, processing, specialist, settings, filename, content, content_type):
    before = snapshot(processing)

    document = services.dossier_attach(dossier=processing, actor=specialist, name=" Biên bản xác minh ",
                                       upload=SimpleUploadedFile(filename, content))

    document = DossierDocument.objects.get(pk=document.pk)
    assert (document.dossier_id, document.kind, document.name) == (processing.pk, "attachment", "Biên bản xác minh")
    assert (document.content_type, document.digitisation, document.added_by) == (content_type, "scanned", specialist)
    with document.file.open("rb") as stored:
        assert stored.read() == content
    assert str(settings.MEDIA_ROOT) in document.file.path
    after = snapshot(processing)
    assert (after["status"], after["version"]) == (before["status"], before["version"])  # not a move
    assert after["events"] == before["events"] + 1
    event = processing.events.latest("pk")
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        "attach", "processing", "processing", specialist, "Biên bản xác minh")
    assert event.data == {"document": document.pk}


@pytest.mark.parametrize(("filename", "content"), [
    ("to-khai.pdf", b"Hello, this is plain text pretending to be a PDF"),
    ("to-khai.pdf", b""),
    ("anh.png", b"GIF89a" + b"\x00" * 20),
    ("virus.exe", b"MZ\x90\x00" + b"\x00" * 20),
    ("to-khai.pdf", PNG),  # the name says PDF, the content is a PNG
    ("anh.png", PDF),  # the name says PNG, the content is a PDF
    ("anh.html", JPEG),  # a real image under a name a browser would run
])
def test_attach_refuses_what_is_not_really_a_pdf_or_image(frozen, processing, specialist, settings, filename,
                                                          content):
    before = snapshot(processing)

    with pytest.raises(DomainError) as caught:
        services.dossier_attach(dossier=processing, actor=specialist, name="Tờ khai",
                                upload=SimpleUploadedFile(filename, content))

    assert caught.value.field == "file"
    assert snapshot(processing) == before
    assert not (settings.MEDIA_ROOT / "dossiers").exists()


def test_attach_refuses_a_file_over_the_limit(frozen, processing, specialist, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    before = snapshot(processing)

    with pytest.raises(DomainError) as caught:
        services.dossier_attach(dossier=processing, actor=specialist, name="Tờ khai",
                                upload=SimpleUploadedFile("to-khai.pdf", PDF + b"0" * 1024))

    assert caught.value.field == "file"
    assert snapshot(processing) == before
    # Exactly at the limit is still accepted.
    services.dossier_attach(dossier=processing, actor=specialist, name="Tờ khai",
                            upload=SimpleUploadedFile("to-khai.pdf", PDF + b"0" * (1024 - len(PDF))))
    assert processing.documents.filter(kind="attachment").count() == 1


def test_attach_needs_a_name(frozen, processing, specialist):
    before = snapshot(processing)
    with pytest.raises(DomainError) as caught:
        services.dossier_attach(dossier=processing, actor=specialist, name="  ",
                                upload=SimpleUploadedFile("to-khai.pdf", PDF))
    assert caught.value.field == "name"
    assert snapshot(processing) == before


def test_attach_refused_to_an_officer_of_another_agency(frozen, processing, other_officer):
    before = snapshot(processing)
    with pytest.raises(ForbiddenError):
        services.dossier_attach(dossier=processing, actor=other_officer, name="Tờ khai",
                                upload=SimpleUploadedFile("to-khai.pdf", PDF))
    assert snapshot(processing) == before
