"""Results that reach people: attaching a signed electronic result (with the approval or after it),
the citizen's download of it, the postal delivery, the friendly letter's hand-over, the scanned file
of each paper, and the removal of the citizen's files once their retention period
(settings.CITIZEN_FILES_MONTHS) is over.

The same habits as dossiers.services (a module of its own: that one is near its size limit): one
function per operation, one transaction, the dossier's row locked, one audit row each, and `now`.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mocua.accounts.models import User
from mocua.errors import DomainError
from mocua.inputs import ensure_fits
from procedures.models import Channel

from . import figures, letters, notices, services, signatures
from .models import Dossier, DossierDocument, ResultFile, SignatureVerdict
from .uploads import check_upload
from .workflow import Status

# Refused outright: a result must carry an intact signature (Decree 45/2020 Art 14(3)). A signature by
# a certificate outside the trust anchors is kept, with its verdict shown wherever the result is.
REFUSED = {
    SignatureVerdict.ALTERED: "Tệp kết quả “{name}” đã bị sửa đổi sau khi ký số (chữ ký không còn toàn vẹn). "
                              "Không thể nhận tệp này; đề nghị ký số lại bản gốc.",
    SignatureVerdict.UNSIGNED: "Tệp kết quả “{name}” chưa được ký số. Kết quả điện tử phải có chữ ký số của "
                               "cơ quan có thẩm quyền.",
}
EXPIRED_NOTE = "Đã xóa tệp do hết thời hạn lưu giữ {months} tháng (hồ sơ vẫn được lưu)."


def result_code(dossier: Dossier, number: int) -> str:
    """`{dossier code}-KQ{n}`: the code of the national portal's data store (Decree 45/2020 Art 14(3))."""
    return f"{dossier.code}-KQ{number}"


def _verified(upload) -> tuple[bytes, signatures.Verified]:
    if check_upload(upload, "result_file") != "application/pdf":
        raise DomainError("Kết quả điện tử phải là tệp PDF có chữ ký số.", field="result_file")
    data = upload.read()
    upload.seek(0)
    found = signatures.verify_pdf(data)
    if found.verdict in REFUSED:
        raise DomainError(REFUSED[found.verdict].format(name=upload.name), field="result_file",
                          code=f"result_{found.verdict}")
    return data, found


def _store(dossier: Dossier, *, actor: User, upload, checked: tuple[bytes, signatures.Verified], name: str,
           now: dt.datetime) -> ResultFile:
    """Store and record one verified result (`_verified`) on a dossier whose row the caller locked."""
    data, found = checked
    number = (dossier.results.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    first_valid = (found.verdict == SignatureVerdict.VALID
                   and not dossier.results.filter(verdict=SignatureVerdict.VALID).exists())
    result = ResultFile(dossier=dossier, number=number, code=result_code(dossier, number),
                        name=(name or "").strip() or dossier.procedure_name[:200],
                        sha256=hashlib.sha256(data).hexdigest(), size=len(data), verdict=found.verdict,
                        signer=found.signer, signer_organisation=found.organisation, signed_at=found.signed_at,
                        added_by=actor, added_at=now)
    result.file.save(f"{result.code}.pdf", upload, save=False)
    result.save()
    dossier.result_files = number
    dossier.save(update_fields=["result_files"])
    services._record(dossier, action="attach_result", to=dossier.status, actor=actor, now=now, note=result.code,
                     result=result.pk, verdict=found.verdict, sha256=result.sha256)
    # 766 indicator 4.1 counts the dossier once, on the day its handling ended (as its denominator).
    if first_valid and dossier.procedure.result_is_paper and dossier.received_at is not None:
        figures.count_dossier(dossier, dossier.finished_at, "e_results")
        if dossier.channel == Channel.ONLINE:  # 3.3 counts it now, on the day it was received
            figures.count_dossier(dossier, dossier.received_at, "online_e_results")
    notices.applicant_e_result_ready(dossier, result)
    return result


@transaction.atomic
def dossier_attach_result(*, dossier: Dossier, actor: User, result_file, result_name: str = "",
                          expected_version: int | None = None, now: dt.datetime | None = None) -> ResultFile:
    """Attach an electronic result after approval: refused when altered or unsigned (nothing stored)."""
    dossier = services._lock(dossier, expected_version)
    services._check(dossier, "attach_result", actor)
    return _store(dossier, actor=actor, upload=result_file, checked=_verified(result_file), name=result_name,
                  now=now or timezone.now())


@transaction.atomic
def dossier_approve_with_result(*, dossier: Dossier, actor: User, result_summary: str = "", result_file=None,
                                result_name: str = "", expected_version: int | None = None,
                                now: dt.datetime | None = None) -> Dossier:
    """Approve (services.dossier_approve) and, when given, attach the signed result in the same
    transaction: an altered or unsigned file refuses the approval too, so nothing changes."""
    now = now or timezone.now()
    # Verified before any change: an altered file refuses the approval with the file's message.
    checked = _verified(result_file) if result_file is not None else None
    dossier = services.dossier_approve(dossier=dossier, actor=actor, result_summary=result_summary,
                                       expected_version=expected_version, now=now)
    if result_file is not None:
        _store(dossier, actor=actor, upload=result_file, checked=checked, name=result_name or result_summary, now=now)
    return dossier


@transaction.atomic
def dossier_result_download(*, result: ResultFile, client: str, now: dt.datetime | None = None) -> ResultFile:
    """The citizen downloads an electronic result from the lookup page: an audit row (an insert, the
    trail is append-only) and the count on the result. Refused once the file was removed."""
    result = ResultFile.objects.select_for_update().select_related("dossier").get(pk=result.pk)
    if not result.file or result.file_removed_at:
        raise DomainError("Tệp kết quả đã được xóa do hết thời hạn lưu giữ.", code="file_expired")
    services._record(result.dossier, action="download_result", to=result.dossier.status, actor=None,
                     now=now or timezone.now(), note=result.code, result=result.pk, client=client[:64])
    result.downloads += 1
    result.save(update_fields=["downloads"])
    return result


@transaction.atomic
def dossier_hand_letter(*, dossier: Dossier, actor: User, note: str = "", expected_version: int | None = None,
                        now: dt.datetime | None = None) -> Dossier:
    """Record that the friendly letter (dossiers.letters) was handed to the citizen with the result, once."""
    dossier = services._lock(dossier, expected_version)
    services._check(dossier, "hand_letter", actor)
    found = letters.dossier_letter(dossier)
    if found is None:
        raise DomainError("Thủ tục này không có thư gửi công dân, hoặc cơ quan chưa soạn nội dung thư.")
    now = now or timezone.now()
    services._record(dossier, action="hand_letter", to=dossier.status, actor=actor, now=now, note=note.strip(),
                     letter=found[0].kind)
    dossier.letter_handed_at = now
    dossier.save(update_fields=["letter_handed_at"])
    return dossier


@transaction.atomic
def dossier_confirm_delivery(*, dossier: Dossier, actor: User, delivered_on: dt.date, delivered_to: str = "",
                             expected_version: int | None = None, now: dt.datetime | None = None) -> Dossier:
    """A result sent by post was delivered: the day the recipient signed for it (Decision 45/2016
    Art 10), from the post's delivery report; once, not before it went to the post nor after today."""
    dossier = services._lock(dossier, expected_version)
    services._check(dossier, "confirm_delivery", actor)
    now = now or timezone.now()
    posted = timezone.localdate(dossier.returned_at)
    if not posted <= delivered_on <= timezone.localdate(now):
        raise DomainError(f"Ngày ký nhận phải từ ngày gửi bưu chính ({posted:%d/%m/%Y}) đến hôm nay.",
                          field="delivered_on")
    dossier.delivered_at = timezone.make_aware(dt.datetime.combine(delivered_on, dt.time(12, 0)))
    dossier.delivered_to = " ".join(delivered_to.split())
    ensure_fits(dossier, fields=("delivered_to",))
    services._record(dossier, action="confirm_delivery", to=dossier.status, actor=actor, now=now,
                     note=dossier.delivered_to, delivered_on=delivered_on.isoformat(),
                     postal_tracking=dossier.postal_tracking)
    dossier.version += 1
    dossier.save(update_fields=["delivered_at", "delivered_to", "version", "updated_at"])
    return dossier


# --------------------------------------------------------------------------- digitisation, paper by paper


@transaction.atomic
def dossier_scan_paper(*, dossier: Dossier, actor: User, document_id: int, upload,
                       now: dt.datetime | None = None) -> DossierDocument:
    """Attach the scanned file of a paper handed in (at intake or later), checked as every upload is:
    the paper is then digitised (766 indicator 4.2 reads papers with their files)."""
    dossier = services._lock(dossier)
    services._check(dossier, "attach", actor)
    paper = (DossierDocument.objects.select_for_update()
             .filter(dossier=dossier, pk=document_id, kind__in=[DossierDocument.Kind.INTAKE,
                                                                DossierDocument.Kind.SUPPLEMENT]).first())
    if paper is None or not paper.provided:
        raise DomainError("Giấy tờ này chưa được nộp nên không có bản quét.", field="file")
    if paper.file and not paper.file_removed_at:
        raise DomainError(f"Giấy tờ “{paper.name}” đã có bản quét.", field="file", code="already_scanned")
    paper.content_type = check_upload(upload)
    now = now or timezone.now()
    paper.file.save(upload.name or "ban-quet", upload, save=False)
    paper.digitisation, paper.file_removed_at = DossierDocument.Digitisation.SCANNED, None
    paper.save(update_fields=["file", "content_type", "digitisation", "file_removed_at"])
    services._record(dossier, action="scan_paper", to=dossier.status, actor=actor, now=now, note=paper.name,
                     document=paper.pk)
    return paper


def digitised_share(papers, results=()) -> dict:
    """{"papers": n, "scanned": n, "percent": p or None, "result": bool}: the papers handed in that
    are digitised (scanned, with its file here or recorded at the counter, or reused: TrangThaiSoHoa,
    the rule of the 766 index's 4.2, figures.papers_digitised; a file removed after its retention
    leaves the paper digitised), and whether an electronic result exists. From loaded rows; the
    staff lists count the same in SQL (selectors.with_digitised_share)."""
    handed = [p for p in papers if p.provided and p.kind in (DossierDocument.Kind.INTAKE,
                                                            DossierDocument.Kind.SUPPLEMENT)]
    scanned = sum(1 for p in handed if p.digitisation != DossierDocument.Digitisation.NONE)
    return {"papers": len(handed), "scanned": scanned,
            "percent": round(100 * scanned / len(handed)) if handed else None, "result": bool(list(results))}


# --------------------------------------------------------------------------- retention


def keep_until(moment: dt.datetime | None) -> dt.datetime | None:
    """The end of a file's retention: CITIZEN_FILES_MONTHS after `moment` (30-day months: the task runs
    daily and a day either way does not matter to the citizen, a fixed rule does to the operator)."""
    return moment + dt.timedelta(days=30 * settings.CITIZEN_FILES_MONTHS) if moment else None


def _expired_citizen_papers(cutoff: dt.datetime):
    """The papers a citizen uploaded (online, no officer) of dossiers finished before the cutoff."""
    return (DossierDocument.objects.filter(added_by__isnull=True, file_removed_at__isnull=True,
                                           dossier__finished_at__lt=cutoff)
            .exclude(file="").filter(Q(dossier__status__in=[Status.RETURNED, Status.REFUSED, Status.WITHDRAWN,
                                                            Status.STOPPED, Status.RESULT_READY])))


def citizen_files_expire(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Remove the files of electronic results added, and of papers uploaded by citizens for dossiers
    finished, more than CITIZEN_FILES_MONTHS ago. The rows stay, marked with the day; each dossier
    gets one audit row. Returns the files removed. Safe to run twice: a removed file is skipped."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=30 * settings.CITIZEN_FILES_MONTHS)
    removed = 0
    dossier_ids = set(ResultFile.objects.filter(file_removed_at__isnull=True, added_at__lt=cutoff)
                      .exclude(file="").values_list("dossier_id", flat=True)[:batch])
    dossier_ids |= set(_expired_citizen_papers(cutoff).values_list("dossier_id", flat=True)[:batch])
    for dossier_id in sorted(dossier_ids):
        removed += _expire_dossier_files(dossier_id, cutoff=cutoff, now=now)
    return removed


@transaction.atomic
def _expire_dossier_files(dossier_id: int, *, cutoff: dt.datetime, now: dt.datetime) -> int:
    dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
    rows = [*ResultFile.objects.filter(dossier=dossier, file_removed_at__isnull=True, added_at__lt=cutoff)
            .exclude(file=""),
            *_expired_citizen_papers(cutoff).filter(dossier=dossier)]
    names = []
    for row in rows:
        name = row.file.name
        # The file goes after commit: a rollback must not leave a row pointing at nothing.
        transaction.on_commit(lambda storage=row.file.storage, name=name: storage.delete(name))
        row.file_removed_at = now
        row.save(update_fields=["file_removed_at"])
        names.append(getattr(row, "code", "") or row.name)
    if names:
        services._record(dossier, action="expire_files", to=dossier.status, actor=None, now=now,
                         note=EXPIRED_NOTE.format(months=settings.CITIZEN_FILES_MONTHS), files=names)
    return len(names)
