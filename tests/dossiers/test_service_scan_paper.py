"""Digitisation paper by paper (results.dossier_scan_paper): a paper handed in gets its scanned file,
checked as every upload is; the dossier page shows the share."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import results
from dossiers.models import DossierDocument
from mocua.errors import DomainError, ForbiddenError

from .conftest import snapshot

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def papers(dossier):
    return list(DossierDocument.objects.filter(dossier=dossier, kind="intake", provided=True).order_by("order"))


def test_a_paper_gets_its_scan_and_counts_as_digitised(frozen, processing, specialist):
    first = papers(processing)[0]
    assert (first.file.name, first.digitisation) == ("", "none")

    paper = results.dossier_scan_paper(dossier=processing, actor=specialist, document_id=first.pk,
                                       upload=SimpleUploadedFile("to-khai.pdf", PDF))

    paper.refresh_from_db()
    assert (paper.digitisation, paper.content_type) == ("scanned", "application/pdf")
    with paper.file.open("rb") as stored:
        assert stored.read() == PDF
    event = processing.events.latest("pk")
    assert (event.action, event.actor, event.note, event.data) == ("scan_paper", specialist, first.name,
                                                                   {"document": first.pk})
    share = results.digitised_share(DossierDocument.objects.filter(dossier=processing))
    assert (share["scanned"], share["papers"]) == (1, len(papers(processing)))


def test_a_second_scan_a_fake_file_or_another_agency_is_refused(frozen, processing, specialist, other_officer):
    first = papers(processing)[0]
    results.dossier_scan_paper(dossier=processing, actor=specialist, document_id=first.pk,
                               upload=SimpleUploadedFile("to-khai.pdf", PDF))
    before = snapshot(processing)
    with pytest.raises(DomainError, match="đã có bản quét"):
        results.dossier_scan_paper(dossier=processing, actor=specialist, document_id=first.pk,
                                   upload=SimpleUploadedFile("to-khai.pdf", PDF))
    with pytest.raises(DomainError, match="không phải PDF"):
        results.dossier_scan_paper(dossier=processing, actor=specialist, document_id=papers(processing)[1].pk,
                                   upload=SimpleUploadedFile("anh.pdf", b"not a pdf at all"))
    with pytest.raises(ForbiddenError):
        results.dossier_scan_paper(dossier=processing, actor=other_officer, document_id=papers(processing)[1].pk,
                                   upload=SimpleUploadedFile("to-khai.pdf", PDF))
    assert snapshot(processing) == before


def test_the_dossier_page_shows_the_share_and_takes_a_scan(client, frozen, processing, specialist):
    client.force_login(specialist)
    handed = papers(processing)
    page = client.get(reverse("dossiers:detail", args=[processing.code])).content.decode()
    assert f"Số hóa: <strong>0/{len(handed)}</strong>" in page and "Tải bản quét" in page

    response = client.post(reverse("dossiers:scan_paper", args=[processing.code, handed[0].pk]),
                           {"file": SimpleUploadedFile("to-khai.pdf", PDF)}, follow=True)

    page = response.content.decode()
    assert f"Đã số hóa: {handed[0].name}." in page
    assert f"Số hóa: <strong>1/{len(handed)}</strong>" in page
