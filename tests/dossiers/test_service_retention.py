"""The citizen's own files (dossiers.results.citizen_files_expire, the daily Celery task): electronic
results and the papers a citizen uploaded stay CITIZEN_FILES_MONTHS, then the files go and the rows
stay, with one audit row per dossier."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import results, services, tasks
from dossiers.models import DossierDocument, DossierEvent, ResultFile
from mocua.errors import DomainError

from ..pki import TestCA, result_pdf
from .conftest import vn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def trusted(settings, tmp_path):
    settings.RESULT_TRUST_DIR = tmp_path / "trust"
    settings.CITIZEN_FILES_MONTHS = 12


@pytest.fixture
def with_result(frozen, result_ready, leader, settings):
    ca = TestCA()
    ca.write_anchor(settings.RESULT_TRUST_DIR)
    frozen.set(vn(2026, 3, 5, 9, 0))
    return results.dossier_attach_result(dossier=result_ready, actor=leader, result_file=SimpleUploadedFile(
        "kq.pdf", ca.issue("Chủ tịch").sign(result_pdf())))


def test_a_result_is_kept_for_the_period_then_its_file_goes_and_its_row_stays(
        frozen, with_result, django_capture_on_commit_callbacks):
    storage, name = with_result.file.storage, with_result.file.name
    assert results.keep_until(with_result.added_at) == vn(2027, 2, 28, 9, 0)  # 360 days

    assert results.citizen_files_expire(now=vn(2027, 2, 28, 8, 59)) == 0
    assert storage.exists(name)

    frozen.set(vn(2027, 3, 1, 2, 30))
    with django_capture_on_commit_callbacks(execute=False) as deletions:
        assert tasks.expire_citizen_files() == 1  # the beat's task, which calls the service
    assert storage.exists(name) and len(deletions) == 1  # the file goes only once the rows are committed
    deletions[0]()

    result = ResultFile.objects.get(pk=with_result.pk)
    assert result.file_removed_at == vn(2027, 3, 1, 2, 30) and result.code.endswith("-KQ1")
    assert not storage.exists(name)
    event = DossierEvent.objects.filter(dossier=result.dossier, action="expire_files").get()
    assert (event.actor, event.data["files"]) == (None, [result.code])
    assert "12 tháng" in event.note
    assert results.citizen_files_expire(now=vn(2027, 3, 2)) == 0  # a second run removes nothing
    with pytest.raises(DomainError, match="hết thời hạn lưu giữ"):
        results.dossier_result_download(result=result, client="198.51.100.1")


def test_papers_a_citizen_uploaded_go_with_the_period_and_the_officers_scans_stay(
        frozen, submit_online, receptionist, specialist, leader, django_capture_on_commit_callbacks):
    frozen.set(vn(2026, 3, 2, 8, 0))
    dossier = submit_online()
    dossier = services.dossier_accept_online(dossier=dossier, actor=receptionist)
    scan = services.dossier_attach(dossier=dossier, actor=receptionist, name="Biên bản", upload=SimpleUploadedFile(
        "bien-ban.pdf", b"%PDF-1.7\n%%EOF\n"))
    dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    frozen.set(vn(2026, 3, 3, 9, 0))
    dossier = services.dossier_approve(dossier=dossier, actor=leader)
    uploaded = DossierDocument.objects.exclude(file="").get(dossier=dossier, added_by__isnull=True)
    assert uploaded.file

    assert results.citizen_files_expire(now=vn(2026, 3, 3, 9, 0) + dt.timedelta(days=359)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert results.citizen_files_expire(now=vn(2026, 3, 3, 9, 0) + dt.timedelta(days=361)) == 1

    uploaded.refresh_from_db()
    scan.refresh_from_db()
    assert uploaded.file_removed_at is not None and not uploaded.file.storage.exists(uploaded.file.name)
    assert scan.file_removed_at is None and scan.file.storage.exists(scan.file.name)


def test_an_open_dossier_keeps_the_citizen_s_papers(frozen, submit_online):
    frozen.set(vn(2026, 3, 2, 8, 0))
    submit_online()
    assert results.citizen_files_expire(now=vn(2028, 1, 1)) == 0
