"""What the outbox says, and to whom, when a dossier moves. Called by the services inside
their transaction; the texts are Vietnamese and carry the public lookup link."""

from django.urls import reverse
from django.utils import timezone

from mocua.accounts.models import Role, User

from . import tokens
from .models import Dossier, DossierStep, ReturnMethod
from .outbox import notify_applicant, notify_user, outbox_add_new, user_messages


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y") if moment else "—"


def _key(dossier: Dossier, event: str) -> str:
    return f"citizen:{dossier.pk}:{event}:{dossier.version}"


def _desk_name(dossier: Dossier) -> str:
    """Where the citizen handed the dossier in and collects the result: the desk (issue 23), read only
    for a dossier received for another agency."""
    return dossier.agency.name if dossier.desk_id in (None, dossier.agency_id) else dossier.desk.name


def applicant_received(dossier: Dossier, *, new: bool = False) -> int:
    """`new`: received at the counter in this transaction (outbox.notify_applicant); its message is
    the first, with the PIN. An online dossier accepted got its PIN at submission (dossiers.pins)."""
    pin = tokens.pin_text(dossier.new_pin) if dossier.new_pin else "Mã tra cứu: đã gửi khi nộp hồ sơ"
    body = (f"{_desk_name(dossier)} đã tiếp nhận hồ sơ {dossier.code} ({dossier.procedure_name}). "
            f"Hẹn trả kết quả: {_when(dossier.due_at)}. {pin}. "
            f"Theo dõi hồ sơ: {tokens.lookup_url(dossier)}")
    return notify_applicant(dossier, key=_key(dossier, "received"), subject=f"Đã tiếp nhận hồ sơ {dossier.code}",
                            body=body, new=new)


def applicant_supplement(dossier: Dossier) -> int:
    body = (f"Hồ sơ {dossier.code} cần bổ sung: {'; '.join(dossier.missing_papers)}. Lý do: {dossier.reason}. "
            f"Thời hạn giải quyết tạm dừng đến khi nhận đủ giấy tờ. Xem chi tiết: {tokens.lookup_url(dossier)}")
    return notify_applicant(dossier, key=_key(dossier, "supplement"),
                            subject=f"Hồ sơ {dossier.code} cần bổ sung giấy tờ", body=body)


def applicant_result_ready(dossier: Dossier) -> int:
    where = ("sẽ được gửi qua bưu chính công ích" if dossier.return_method == ReturnMethod.POST
             else f"mời ông/bà đến nhận tại Bộ phận Một cửa, {_desk_name(dossier)}")
    body = f"Hồ sơ {dossier.code} ({dossier.procedure_name}) đã có kết quả; {where}. {tokens.lookup_url(dossier)}"
    return notify_applicant(dossier, key=_key(dossier, "result"), subject=f"Hồ sơ {dossier.code} đã có kết quả",
                            body=body)


def applicant_e_result_ready(dossier: Dossier, result) -> int:
    """An electronic result was attached: the citizen may download it from the lookup page."""
    body = (f"Kết quả điện tử {result.code} của hồ sơ {dossier.code} ({dossier.procedure_name}) đã sẵn sàng, "
            f"có chữ ký số của cơ quan ({result.get_verdict_display().lower()}). Ông/bà tải về tại trang tra cứu "
            f"(mã hồ sơ và mã tra cứu): {tokens.lookup_url(dossier)}")
    return notify_applicant(dossier, key=f"citizen:{dossier.pk}:e-result:{result.number}",
                            subject=f"Kết quả điện tử của hồ sơ {dossier.code} đã sẵn sàng", body=body)


def applicant_rejected(dossier: Dossier) -> int:
    body = f"Hồ sơ {dossier.code} không được tiếp nhận. Lý do: {dossier.reason}. {tokens.lookup_url(dossier)}"
    return notify_applicant(dossier, key=_key(dossier, "rejected"),
                            subject=f"Hồ sơ {dossier.code} không được tiếp nhận", body=body)


CLOSED = {
    "refuse": ("Hồ sơ {code} bị từ chối giải quyết", "Lý do từ chối"),
    "stop": ("Hồ sơ {code} bị dừng giải quyết", "Lý do dừng giải quyết"),
}


def applicant_closed(dossier: Dossier, action: str) -> int:
    """Refused after appraisal or stopped by the agency: the citizen learns why without calling.
    A withdrawal is the citizen's own request, so it sends nothing."""
    subject, label = CLOSED[action]
    subject = subject.format(code=dossier.code)
    body = f"{subject} ({dossier.procedure_name}). {label}: {dossier.reason}. {tokens.lookup_url(dossier)}"
    return notify_applicant(dossier, key=_key(dossier, action), subject=subject, body=body)


def applicant_rescheduled(dossier: Dossier) -> int:
    """The apology with the new appointment (Mẫu 04) also reaches the citizen by message."""
    body = (f"{dossier.agency.name} xin lỗi ông/bà: hồ sơ {dossier.code} ({dossier.procedure_name}) chưa giải quyết "
            f"kịp hạn. Lý do: {dossier.reason}. Hẹn trả kết quả mới: {_when(dossier.due_at)}. "
            f"{tokens.lookup_url(dossier)}")
    return notify_applicant(dossier, key=_key(dossier, "rescheduled"),
                            subject=f"Hẹn lại ngày trả kết quả hồ sơ {dossier.code}", body=body)


def applicant_new_appointment(dossier: Dossier, *, restarted: bool) -> int:
    """The clock ran again after a pause: the citizen learns the appointment that now holds (a
    complete supplement restarts the time limit, Decree 61/2018 Art 19(4))."""
    why = ("Hồ sơ bổ sung đã đầy đủ, thời hạn giải quyết được tính lại từ đầu" if restarted
           else "Thời hạn giải quyết tiếp tục được tính")
    body = (f"{why}. Hồ sơ {dossier.code} ({dossier.procedure_name}) hẹn trả kết quả: {_when(dossier.due_at)}. "
            f"{tokens.lookup_url(dossier)}")
    return notify_applicant(dossier, key=_key(dossier, "appointment"),
                            subject=f"Ngày hẹn trả kết quả hồ sơ {dossier.code}", body=body)


def officer_handed(dossier: Dossier, step: DossierStep) -> int:
    """The officer who receives a handover sees it in the bell (and by e-mail)."""
    if step.to_user is None:
        return 0
    subject = f"Hồ sơ {dossier.code} chuyển đến bạn: {step.step_name}"
    # The body says what happened and what is asked, not the subject again (the bell shows both).
    body = (f"{step.from_user or 'Hệ thống'} đã chuyển hồ sơ cho bạn để thực hiện bước “{step.step_name}”.\n"
            f"Thủ tục: {dossier.procedure_name}. Người nộp: {dossier.owner_display}.\n"
            f"Hạn xử lý bước: {_when(step.due_at)}."
            + (f" (Nhận thay {step.intended_user})" if step.intended_user else ""))
    return notify_user(step.to_user, key=f"step:{step.pk}", subject=subject, body=body, dossier=dossier,
                       url=reverse("dossiers:detail", args=[dossier.code]))


def applicant_submitted(dossier: Dossier) -> int:
    body = (f"Hồ sơ trực tuyến {dossier.code} ({dossier.procedure_name}) đã được gửi đến {dossier.agency.name} "
            f"và đang chờ tiếp nhận. {tokens.pin_text(dossier.new_pin)}. Theo dõi hồ sơ: {tokens.lookup_url(dossier)}")
    return notify_applicant(dossier, key=_key(dossier, "submitted"), subject=f"Đã nộp hồ sơ {dossier.code}",
                            body=body, new=True)  # submitted in this transaction (dossier_submit_online)


def _counter_staff(dossier: Dossier):
    return User.objects.filter(agency_id=dossier.agency_id, role=Role.RECEPTION, is_active=True)


def counter_result_ready(dossier: Dossier) -> int:
    """The agency's counter officers are told that a result waits to be handed back (issue 22, item 7)."""
    subject = f"Có kết quả chờ trả: hồ sơ {dossier.code}"
    body = (f"Hồ sơ đã được phê duyệt kết quả ({dossier.result_summary or dossier.procedure_name}); "
            f"trả cho {dossier.owner_display} "
            f"{'qua bưu chính' if dossier.return_method == ReturnMethod.POST else 'tại quầy'}."
            f"\nHẹn trả: {_when(dossier.due_at)}.")
    url = reverse("dossiers:detail", args=[dossier.code])
    # The key carries the version this move gave the dossier: new, so one bulk INSERT for every officer.
    return outbox_add_new([fields for user in _counter_staff(dossier) for fields in user_messages(
        user, key=f"counter:{dossier.pk}:ready:{dossier.version}", subject=subject, body=body, dossier=dossier,
        url=url)])


def counter_submission_waiting(dossier: Dossier) -> int:
    """The agency's counter officers are told that an online submission waits to be checked."""
    subject = f"Hồ sơ trực tuyến chờ tiếp nhận: {dossier.code}"
    body = (f"{dossier.owner_display} đã nộp trực tuyến hồ sơ {dossier.procedure_name}; "
            "hãy kiểm tra và tiếp nhận hoặc trả lại trong hàng chờ.")
    url = reverse("dossiers:queue")
    # The dossier was inserted in this transaction: its key is new, one bulk INSERT for every officer.
    return outbox_add_new([fields for user in _counter_staff(dossier) for fields in user_messages(
        user, key=f"counter:{dossier.pk}:submitted", subject=subject, body=body, dossier=dossier, url=url)])


def counter_transfer_arriving(dossier: Dossier, transfer) -> int:
    """The receiving agency's counter officers are told that a dossier (or its result) was sent to
    them by another agency (dossiers.transfers): they take it in from the transfers page."""
    what = "kết quả của hồ sơ" if transfer.direction == "back" else "hồ sơ"
    subject = f"{transfer.from_agency.name} chuyển {what} {dossier.code}"
    body = (f"{dossier.procedure_name}, người nộp {dossier.owner_display}. Hình thức: "
            f"{transfer.get_mode_display().lower()}; hãy tiếp nhận trên trang Hồ sơ liên cơ quan.")
    url = reverse("dossiers:detail", args=[dossier.code])
    officers = User.objects.filter(agency_id=transfer.to_agency_id, role=Role.RECEPTION, is_active=True)
    return outbox_add_new([fields for user in officers for fields in user_messages(
        user, key=f"counter:{dossier.pk}:transfer:{transfer.pk}", subject=subject, body=body, dossier=dossier,
        url=url)])
