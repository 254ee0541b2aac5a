"""Electronic results (dossiers.results): attached with the approval or after it, verified, stored
with their code, refused when altered or unsigned; the citizen's download logged; the 766 4.1
counters added in the same transaction."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import results
from dossiers.models import DossierDayFigures, DossierEvent, Message, ResultFile
from dossiers.workflow import InvalidTransition, Status
from mocua.errors import DomainError, ForbiddenError

from ..pki import TestCA, altered, result_pdf
from .conftest import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def ca():
    return TestCA("CA thử nghiệm cấp tỉnh")


@pytest.fixture(scope="module")
def signed(ca):
    return ca.issue("Lê Văn Phó Chủ Tịch").sign(result_pdf())


@pytest.fixture(autouse=True)
def trusted(settings, tmp_path, ca):
    settings.RESULT_TRUST_DIR = tmp_path / "trust"
    ca.write_anchor(settings.RESULT_TRUST_DIR)


def upload(content: bytes, name: str = "giay-khai-sinh.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def figures(dossier) -> tuple[int, int]:
    row = DossierDayFigures.objects.get(grain="d", agency=dossier.agency, procedure=dossier.procedure)
    return row.paper_results, row.e_results


def test_approving_with_a_signed_result_stores_it_with_its_code_signer_and_verdict(
        frozen, processing, leader, signed):
    dossier = results.dossier_approve_with_result(dossier=processing, actor=leader, result_summary="Giấy khai sinh",
                                                  result_file=upload(signed))

    assert dossier.status == Status.RESULT_READY
    result = ResultFile.objects.get(dossier=dossier)
    assert (result.number, result.code) == (1, f"{dossier.code}-KQ1")
    assert (result.verdict, result.signer, result.added_by) == ("valid", "Lê Văn Phó Chủ Tịch", leader)
    assert result.signed_at is not None
    assert result.sha256 == hashlib.sha256(signed).hexdigest() and result.size == len(signed)
    with result.file.open("rb") as stored:
        assert stored.read() == signed
    actions = list(dossier.events.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["approve", "attach_result"]
    assert dossier.events.latest("pk").data["verdict"] == "valid"
    assert figures(dossier) == (1, 1)  # 4.1: one paper-document result, electronic
    mail = Message.objects.filter(dossier=dossier, channel="email", key__contains="e-result").get()
    assert result.code in mail.body and "Chữ ký số hợp lệ".lower() in mail.body


def test_an_altered_result_refuses_the_approval_and_changes_nothing(frozen, processing, leader, signed):
    before = snapshot(processing)

    with pytest.raises(DomainError) as caught:
        results.dossier_approve_with_result(dossier=processing, actor=leader, result_file=upload(altered(signed)))

    assert "đã bị sửa đổi sau khi ký số" in caught.value.message
    assert caught.value.code == "result_altered"
    assert snapshot(processing) == before
    assert not ResultFile.objects.exists()
    assert not DossierDayFigures.objects.filter(paper_results__gt=0).exists()


def test_an_unsigned_result_is_refused(frozen, result_ready, leader):
    with pytest.raises(DomainError) as caught:
        results.dossier_attach_result(dossier=result_ready, actor=leader, result_file=upload(result_pdf()))
    assert "chưa được ký số" in caught.value.message
    assert not ResultFile.objects.exists()


def test_a_result_that_is_not_a_pdf_is_refused(frozen, result_ready, leader):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
    with pytest.raises(DomainError):
        results.dossier_attach_result(dossier=result_ready, actor=leader, result_file=upload(png, "kq.png"))
    assert not ResultFile.objects.exists()


def test_a_signer_outside_the_trust_anchors_is_kept_with_its_verdict_and_not_counted(frozen, result_ready, leader):
    stranger = TestCA("CA không tin cậy").issue("Người ký lạ")

    result = results.dossier_attach_result(dossier=result_ready, actor=leader,
                                           result_file=upload(stranger.sign(result_pdf())))

    assert (result.verdict, result.signer) == ("unknown_signer", "Người ký lạ")
    assert figures(result_ready) == (1, 0)  # 4.1 counts validly signed results only


def test_several_results_are_numbered_and_the_dossier_counts_once(frozen, result_ready, leader, signed, ca):
    second = ca.issue("Lê Văn Phó Chủ Tịch").sign(result_pdf("TRÍCH LỤC KHAI SINH"))
    first = results.dossier_attach_result(dossier=result_ready, actor=leader, result_file=upload(signed))
    other = results.dossier_attach_result(dossier=result_ready, actor=leader, result_file=upload(second),
                                          result_name="Trích lục khai sinh")

    assert [first.code, other.code] == [f"{result_ready.code}-KQ1", f"{result_ready.code}-KQ2"]
    assert other.name == "Trích lục khai sinh"
    assert figures(result_ready) == (1, 1)


@pytest.mark.parametrize("role", ["reception", "specialist"])
def test_only_a_head_or_leader_attaches_a_result(frozen, result_ready, agency, signed, role):
    from tests.factories import UserFactory

    with pytest.raises(ForbiddenError):
        results.dossier_attach_result(dossier=result_ready, actor=UserFactory(agency=agency, role=role),
                                      result_file=upload(signed))
    assert not ResultFile.objects.exists()


@pytest.mark.parametrize("state", ["received", "processing", "refused", "withdrawn", "stopped"])
def test_a_result_is_attached_only_once_there_is_one(frozen, build_dossier, leader, signed, state):
    dossier = build_dossier(state)
    with pytest.raises(InvalidTransition):
        results.dossier_attach_result(dossier=dossier, actor=leader, result_file=upload(signed))
    assert not ResultFile.objects.exists()


def test_an_officer_of_another_agency_cannot_attach(frozen, result_ready, other_officer, signed):
    with pytest.raises(ForbiddenError):
        results.dossier_attach_result(dossier=result_ready, actor=other_officer, result_file=upload(signed))


def test_a_procedure_whose_result_is_no_paper_document_is_outside_4_1(frozen, processing, leader, signed):
    processing.procedure.result_is_paper = False
    processing.procedure.save(update_fields=["result_is_paper"])

    results.dossier_approve_with_result(dossier=processing, actor=leader, result_file=upload(signed))

    assert figures(processing) == (0, 0)


def test_the_citizen_s_download_is_an_audit_row(frozen, result_ready, leader, signed):
    result = results.dossier_attach_result(dossier=result_ready, actor=leader, result_file=upload(signed))

    results.dossier_result_download(result=result, client="203.0.113.9")
    results.dossier_result_download(result=result, client="203.0.113.9")

    rows = DossierEvent.objects.filter(dossier=result_ready, action="download_result")
    assert rows.count() == 2
    assert {(e.actor, e.note, e.data["client"]) for e in rows} == {(None, result.code, "203.0.113.9")}
    assert ResultFile.objects.get(pk=result.pk).downloads == 2


def test_the_api_attaches_a_signed_result_and_refuses_an_altered_one(frozen, result_ready, leader, signed, client):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(leader)
    url = f"/api/v1/dossiers/{result_ready.code}/results/"
    refused = api.post(url, {"result_file": upload(altered(signed))}, format="multipart")
    assert refused.status_code == 400 and "đã bị sửa đổi sau khi ký số" in refused.content.decode()
    assert not ResultFile.objects.exists()

    answer = api.post(url, {"result_file": upload(signed), "result_name": "Giấy khai sinh"}, format="multipart")

    assert answer.status_code == 200
    assert [(r["code"], r["verdict"], r["signer"]) for r in answer.json()["results"]] == [
        (f"{result_ready.code}-KQ1", "valid", "Lê Văn Phó Chủ Tịch")]
