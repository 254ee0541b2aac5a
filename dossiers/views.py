"""Staff pages: intake at the counter, work lists, the dossier page with its moves, printed forms.

Views stay thin: access through a selector, a form for the input, one service call.
"""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mocua.accounts.models import Role, User
from mocua.accounts.roles import ALL_STAFF, role_required
from mocua.errors import DomainError
from mocua.inputs import ascii_int, read_query
from mocua.paging import CappedPaginator, UncountedPaginator
from procedures import catalogue
from procedures.models import Channel, ProcedureVariant

from . import (
    agencies,
    apology,
    clock,
    documents,
    forms,
    issued,
    legs,
    letters,
    outbox,
    permissions,
    refusals,
    results,
    selectors,
    services,
    transfers,
)
from .models import DossierDocument, IntakeGuidance, IssuedForm, Message, ResultFile
from .workflow import ACTIONS, CONFIRMED_MOVES, EVENT_LABELS, Status, available, moves_in_order, next_step_of

COUNTER_ROLES = tuple(permissions.COUNTER)
PAGE_SIZE = 25
MINE_PAGE_SIZE = 50

# action → (form, service). The form's cleaned data (less `version`) are the service's arguments.
MOVES = {
    "accept_online": (forms.MoveForm, services.dossier_accept_online),
    "reject_online": (forms.ReasonForm, services.dossier_reject_online),
    "hand_over": (forms.HandOverForm, services.dossier_hand_over),
    "request_supplement": (forms.SupplementRequestForm, services.dossier_request_supplement),
    "receive_supplement": (forms.NoteForm, services.dossier_receive_supplement),
    "request_payment": (forms.ReasonForm, services.dossier_request_payment),
    "receive_payment": (forms.NoteForm, services.dossier_receive_payment),
    "approve": (forms.ApproveForm, results.dossier_approve_with_result),
    "attach_result": (forms.AttachResultForm, results.dossier_attach_result),
    "hand_letter": (forms.NoteForm, results.dossier_hand_letter),
    "confirm_delivery": (forms.DeliveryForm, results.dossier_confirm_delivery),
    "refuse": (forms.ReasonForm, services.dossier_refuse),
    "return": (forms.ReturnForm, services.dossier_return),
    "hand_refusal": (forms.RefusalHandForm, refusals.dossier_hand_refusal),
    "withdraw": (forms.ReasonForm, services.dossier_withdraw),
    "stop": (forms.ReasonForm, services.dossier_stop),
    "reschedule": (forms.RescheduleForm, apology.dossier_reschedule),
    "transfer": (forms.TransferForm, transfers.dossier_transfer),
    "receive_transfer": (forms.NoteForm, transfers.dossier_receive_transfer),
}

PDFS = {
    "01": ("giay-tiep-nhan", documents.receipt_pdf),
    "02": ("phieu-yeu-cau-bo-sung", documents.supplement_pdf),
    "03": ("phieu-tu-choi", documents.refusal_pdf),
    "04": ("van-ban-xin-loi", documents.apology_pdf),
    "05": ("thong-bao-dung", documents.stop_notice_pdf),
    "06": ("phieu-kiem-soat", documents.control_slip_pdf),
}


def _pdf(content: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response


def _list_rows(dossiers, agency):
    """A list page's dossiers, loaded, each with its deadline state and digitised share."""
    rows = selectors.with_digitised_share(list(dossiers))
    for dossier, state in zip(rows, clock.deadline_states(rows, timezone.now(), agency), strict=True):
        dossier.deadline_state = state
    return rows


# --------------------------------------------------------------------------- intake


@role_required(*COUNTER_ROLES)
def intake(request):
    """Step 1: pick the procedure and its variant by typing. Step 2: the checklist form."""
    variant_id = ascii_int(request.GET.get("variant") or request.POST.get("variant"), minimum=1)
    if variant_id is None:
        return render(request, "dossiers/intake_pick.html", {"agency": request.user.agency})
    variant = get_object_or_404(
        ProcedureVariant.objects.select_related("procedure", "procedure__field")
        .prefetch_related("documents", "fees", "steps"),
        pk=variant_id, procedure__in=agencies.receivable_procedures(request.user.agency_id), procedure__is_active=True)
    form = forms.IntakeForm(request.POST or None, variant=variant, desk=request.user.agency)
    summary = None
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["outcome"] == "accept" and not form.cleaned_data["confirmed"] and not form.unticked():
            # The clock starts only on a confirmed accept: show what would be recorded first.
            summary = {**form.summary(),
                       "appointment": clock.appointment(variant, request.user.agency, timezone.now())}
        else:
            try:
                return _intake_outcome(request, form)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    unticked = form.unticked() if hasattr(form, "cleaned_data") and not form.errors.get("outcome") else []
    return render(request, "dossiers/intake.html", {"form": form, "variant": variant, "summary": summary,
                                                    "unticked": unticked})


def _intake_outcome(request, form):
    outcome, actor = form.cleaned_data["outcome"], request.user
    if outcome == "guide":
        guidance = services.intake_guidance_create(actor=actor, variant=form.variant, applicant=form.applicant(),
                                                   missing_papers=form.missing_list(),
                                                   reason=form.cleaned_data["reason"])
        messages.info(request, "Đã lập phiếu hướng dẫn bổ sung, hoàn thiện hồ sơ (Mẫu 02). Hồ sơ chưa được tiếp nhận.")
        return redirect("dossiers:guidance", pk=guidance.pk)
    if outcome == "refuse":
        dossier = services.dossier_refuse_intake(actor=actor, intake=form.intake(), reason=form.cleaned_data["reason"])
        messages.info(request, f"Đã từ chối tiếp nhận hồ sơ {dossier.code} (Mẫu 03).")
        return redirect(reverse("dossiers:detail", args=[dossier.code]) + "?in=03")
    dossier = services.dossier_receive(actor=actor, intake=form.intake())
    messages.success(request, f"Đã tiếp nhận hồ sơ {dossier.code}. Hẹn trả kết quả: "
                              f"{timezone.localtime(dossier.due_at):%H:%M ngày %d/%m/%Y}.")
    return redirect(reverse("dossiers:detail", args=[dossier.code]) + "?in=01")


@role_required(*COUNTER_ROLES)
def guidance(request, pk: int):
    guidance = get_object_or_404(IntakeGuidance.objects.select_related("procedure", "agency", "officer"),
                                 pk=pk, agency=request.user.agency)
    if request.GET.get("pdf"):
        content, reprint = issued.guidance_form_print(guidance=guidance, actor=request.user)
        return _pdf(content, f"mau-02-huong-dan-{guidance.pk}{'-in-lai' if reprint else ''}.pdf")
    return render(request, "dossiers/guidance.html", {"guidance": guidance})


# --------------------------------------------------------------------------- lists


# The columns the HTML lists show (and deadline_state reads): a dossier row is wide (search text,
# papers, notes) and building 50 full models was a third of "my dossiers" (docs/benchmarks.md).
ROW_FIELDS = ("code", "procedure_name", "applicant_name", "owner_name", "status", "received_at", "due_at",
              "step_due_at", "step_started_at", "paused_at", "timeliness", "result_files")
LIST_FIELDS = (*ROW_FIELDS, "created_at", "holder__username", "holder__full_name", "department__name")


@role_required(*ALL_STAFF)
def my_dossiers(request):
    # Paged: a busy specialist holds a hundred dossiers or more, and the most urgent come first.
    mine = selectors.dossier_list_for_holder(user=request.user).select_related(None).only(*ROW_FIELDS)
    page = CappedPaginator(mine, MINE_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _list_rows(page.object_list, request.user.agency)
    return render(request, "dossiers/mine.html", {"page": page, "dossiers": page.object_list})


@role_required(*ALL_STAFF)
def dossier_list(request):
    params, errors = read_query(request.GET, forms.DossierQuery)
    for error in errors:
        messages.error(request, error)
    params["holder"], late = str(params["holder"]), params["late"]
    # A full name or phone finds that applicant's dossiers; ?words=1 (the link on the page) every
    # dossier holding the words anywhere, as any other search does.
    whole = "" if params["words"] else selectors.dossier_whole_search(user=request.user, query=params["q"])
    dossiers = selectors.dossier_list_for_agency(user=request.user, late=late, query=params["q"],
                                                 status=params["status"], procedure=params["procedure"],
                                                 field=params["field"], holder=params["holder"],
                                                 channel=params["channel"], whole=bool(whole)).only(*LIST_FIELDS)
    # A search is not counted (mocua/paging.py): the page of newest matches is all it reads.
    paginator_class = UncountedPaginator if params["q"] else CappedPaginator
    page = paginator_class(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _list_rows(page.object_list, request.user.agency)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    by_words = query_string.copy()
    by_words["words"] = "1"
    return render(request, "dossiers/list.html", {
        "page": page, "params": params, "late": late, "query_string": query_string.urlencode(),
        "whole": whole, "by_words": by_words.urlencode(), **_pickers(request.user.agency),
    }, status=400 if errors else 200)


# How long the list's pickers are kept (dossiers/list.html): the procedures and fields move with the
# catalogue's version at once, an officer added, renamed or deactivated after at most this.
PICKERS_SECONDS = 300


def _pickers(agency) -> dict:
    """The list's filter pickers. The template caches them as one fragment per agency, catalogue
    version and chosen values (dossiers/list.html), so each list is callable: read only when the
    fragment is built, not on every visit. The procedures and fields come from the process's catalogue
    snapshot (procedures.catalogue); the officers from the database."""
    snap = catalogue.snapshot()

    def rows():
        return [row for row in snap.rows if agency.code in row.agency_codes]

    def officers():
        return [(officer.pk, str(officer)) for officer in User.objects.filter(
            agency=agency, is_active=True).exclude(role="").only("id", "full_name", "username").order_by("full_name")]

    return {"statuses": Status.choices, "channels": Channel.choices, "pickers_version": snap.version,
            "pickers_seconds": PICKERS_SECONDS,
            "procedures": lambda: sorted({(row.code, f"{row.name} ({row.code})") for row in rows()},
                                         key=lambda c: c[1]),
            "fields": lambda: sorted({(row.field_code, row.field_name) for row in rows()}, key=lambda c: c[1]),
            "officers": officers}


@role_required(*COUNTER_ROLES)
def counter_queue(request):
    """Online submissions waiting for a counter officer to accept or refuse them."""
    dossiers = selectors.dossier_counter_queue(user=request.user)
    return render(request, "dossiers/queue.html", {"dossiers": dossiers})


@role_required(*ALL_STAFF)
def transfer_list(request):
    """Dossiers between the officer's agency and others: to send, on their way here, sent and not yet
    taken in, results back to hand over (dossiers.transfers); a leader also reads the transfers' lateness
    per agency of their scope over chosen days (this month by default)."""
    today = timezone.localdate()
    form = forms.RegisterForm(request.GET or {"start": today.replace(day=1).isoformat(), "end": today.isoformat()})
    days = (form.cleaned_data["start"], form.cleaned_data["end"]) if form.is_valid() else None
    context = selectors.transfers_for_agency(user=request.user, days=days)
    leader = request.user.role in (Role.LEADER, Role.ADMIN)
    return render(request, "dossiers/transfers.html", {**context, "days_form": form, "days": days, "leader": leader},
                  status=200 if days else 400)


# --------------------------------------------------------------------------- one dossier


@role_required(*ALL_STAFF)
def dossier_detail(request, code: str):
    dossier = selectors.dossier_get_for_officer(user=request.user, code=code)
    letter = letters.dossier_letter(dossier) if dossier.status in (Status.RESULT_READY, Status.RETURNED) else None
    actions = permissions.allowed_actions(request.user, dossier)
    if letter and available("hand_letter", dossier) and permissions.may(request.user, dossier, "hand_letter"):
        actions.append("hand_letter")
    # Past the last moment for Mẫu 04 (Art 19(9)) the dossier is late: the page says so, no button.
    apology_closed = available("reschedule", dossier) and not apology.issue_in_time(dossier, timezone.now())
    if apology_closed:
        actions = [action for action in actions if action != "reschedule"]
    # The move that fits the step first (open), the rest after it (issue 22, item 5).
    actions = moves_in_order(actions, dossier)
    move_forms = []
    for action in actions:
        form_class, _ = MOVES[action]
        # Hand over among the officers of the agency holding it now (a liên thông leg's, dossiers.legs).
        kwargs = ({"agency": agencies.holding_agency(dossier, request.user), "dossier": dossier}
                  if form_class is forms.HandOverForm else {})
        move_forms.append((action, ACTIONS[action].label,
                           form_class(initial={"version": dossier.version}, prefix=action, **kwargs),
                           CONFIRMED_MOVES.get(action, "")))
    printable = _printable(dossier)
    # ?in= comes from the redirect after a move; anything else (a typo, "a/b") must not break the page.
    print_now = request.GET.get("in", "")
    if print_now not in {number for number, _ in printable}:
        print_now = ""
    issued_forms = issued.issued_list(dossier)
    return render(request, "dossiers/detail.html", {
        "dossier": dossier, "move_forms": move_forms, "deadline_state": clock.deadline_state(
            dossier, timezone.now(), dossier.agency),
        "attach_form": forms.AttachForm() if permissions.may(request.user, dossier, "attach") else None,
        "print_now": print_now, "printable": printable, "events": _labelled_events(dossier),
        "issued_forms": issued_forms, "reprints": _reprints(dossier, issued_forms),
        "apology_closed": apology_closed,
        "letter": letter[0] if letter else None,
        "digitised": results.digitised_share(dossier.documents.all(), dossier.results.all()),
        "legs": legs.page_rows(dossier, timezone.now()),
        "holding_legs": [leg for leg in legs.stage_legs(dossier) if not leg.finished_at],  # a parallel stage's
    })


def _labelled_events(dossier) -> list:
    """The audit trail with Vietnamese names for the action and the states (prefetched rows)."""
    events = list(dossier.events.all())
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
        event.from_label = Status(event.from_status).label if event.from_status in Status.values else ""
        event.to_label = Status(event.to_status).label if event.to_status in Status.values else ""
    return events


def _printable(dossier) -> list[tuple[str, str]]:
    """The forms that exist for this dossier, as (number, title)."""
    actions = {event.action for event in dossier.events.all()}
    items = [("01", "Giấy tiếp nhận và hẹn trả kết quả")] if dossier.received_at else []
    if "request_supplement" in actions:
        items.append(("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"))
    if dossier.status == Status.REFUSED:
        items.append(("03", "Phiếu từ chối tiếp nhận, giải quyết hồ sơ"))
    if dossier.rescheduled_at:
        items.append(("04", "Văn bản xin lỗi và hẹn lại"))
    if dossier.status == Status.STOPPED:
        items.append(("05", "Thông báo dừng giải quyết hồ sơ"))
    if dossier.received_at:
        items.append(("06", "Phiếu kiểm soát quá trình giải quyết"))
    return items


def _reprints(dossier, issued_forms) -> set[str]:
    """The forms whose next print is a re-print: issued for the move that made them due."""
    kept = {(f.number, f.event_id) for f in issued_forms}
    return {number for number in issued.SOURCES
            if (number, getattr(issued.source_event(dossier, number), "pk", None)) in kept}


@require_POST
@role_required(*ALL_STAFF)
def dossier_move(request, code: str, action: str):
    if action not in MOVES:
        raise Http404("Không có thao tác này.")
    dossier = selectors.dossier_get_row_for_officer(user=request.user, code=code)
    form_class, service = MOVES[action]
    kwargs = {"agency": agencies.holding_agency(dossier, request.user)} if form_class is forms.HandOverForm else {}
    form = form_class(request.POST, request.FILES, prefix=action, **kwargs)
    if not form.is_valid():
        # Name the field: "Trường này là bắt buộc." alone does not say which box was empty.
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{ACTIONS[action].label}: {label + ': ' if label else ''}{error}")
        return redirect("dossiers:detail", code=code)
    arguments = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    step = next_step_of(dossier) if action == "hand_over" and arguments.get("next_step") else None
    try:
        service(dossier=dossier, actor=request.user, expected_version=form.cleaned_data.get("version"), **arguments)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("dossiers:detail", code=code)
    messages.success(request, f"Đã thực hiện: {ACTIONS[action].label}.")
    chosen = arguments.get("to_user")
    if step and chosen and step.get("role") and chosen.role != step["role"]:
        # The move is legal (a head may stand in); the word the approval step once went without.
        messages.warning(request, f"Lưu ý: bước “{step.get('name', '')}” do {Role(step['role']).label.lower()} "
                                  f"thực hiện, còn {chosen.display_name} là {chosen.get_role_display().lower()}.")
    # The form the move issued (Mẫu 02–05), offered for printing at once.
    suffix = f"?in={ACTIONS[action].form}" if ACTIONS[action].form else ""
    return redirect(reverse("dossiers:detail", args=[code]) + suffix)


@require_POST
@role_required(*ALL_STAFF)
def dossier_attach(request, code: str):
    dossier = selectors.dossier_get_row_for_officer(user=request.user, code=code)
    form = forms.AttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.dossier_attach(dossier=dossier, actor=request.user, upload=form.cleaned_data["file"],
                                    name=form.cleaned_data["name"])
            messages.success(request, "Đã đính kèm tệp.")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Cần nhập tên giấy tờ và chọn tệp.")
    return redirect("dossiers:detail", code=code)


@require_POST
@role_required(*ALL_STAFF)
def scan_paper(request, code: str, pk: int):
    dossier = selectors.dossier_get_row_for_officer(user=request.user, code=code)
    form = forms.ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Cần chọn tệp bản quét (PDF, JPEG, PNG).")
        return redirect("dossiers:detail", code=code)
    try:
        paper = results.dossier_scan_paper(dossier=dossier, actor=request.user, document_id=pk,
                                           upload=form.cleaned_data["file"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã số hóa: {paper.name}.")
    return redirect("dossiers:detail", code=code)


@role_required(*ALL_STAFF)
def document_file(request, code: str, pk: int):
    dossier = selectors.dossier_get_row_for_officer(user=request.user, code=code)
    document = get_object_or_404(DossierDocument, pk=pk, dossier=dossier)
    if not document.file:
        raise Http404("Giấy tờ này không có tệp.")
    return FileResponse(document.file.open("rb"), content_type=document.content_type or "application/octet-stream")


@role_required(*ALL_STAFF)
def letter_pdf(request, code: str):
    """The friendly letter printed with the result (not a Mẫu: no number)."""
    dossier = selectors.dossier_get_for_officer(user=request.user, code=code)
    if dossier.status not in (Status.RESULT_READY, Status.RETURNED) or letters.letter_for(dossier) is None:
        raise Http404("Hồ sơ này không có thư gửi công dân.")
    return _pdf(documents.letter_pdf(dossier), f"thu-{dossier.code}.pdf")


@role_required(*ALL_STAFF)
def result_file(request, code: str, pk: int):
    dossier = selectors.dossier_get_row_for_officer(user=request.user, code=code)
    result = get_object_or_404(ResultFile, pk=pk, dossier=dossier)
    if not result.file or result.file_removed_at:
        raise Http404("Tệp kết quả đã được xóa do hết thời hạn lưu giữ.")
    return FileResponse(result.file.open("rb"), content_type="application/pdf", filename=f"{result.code}.pdf")


@role_required(*ALL_STAFF)
def dossier_form_pdf(request, code: str, number: str):
    if number not in PDFS:
        raise Http404("Không có mẫu này.")
    dossier = selectors.dossier_get_for_officer(user=request.user, code=code)
    # Only the forms this dossier has: no receipt for one never received, no apology before a reschedule.
    if number not in {n for n, _ in _printable(dossier)}:
        raise Http404("Hồ sơ này không có mẫu này.")
    name, render_pdf = PDFS[number]
    if number not in issued.RENDER:  # Mẫu 06 is internal: always the live state
        return _pdf(render_pdf(dossier), f"mau-{number}-{name}-{dossier.code}.pdf")
    content, reprint = issued.dossier_form_print(dossier=dossier, number=number, actor=request.user)
    return _pdf(content, f"mau-{number}-{name}-{dossier.code}{'-in-lai' if reprint else ''}.pdf")


@role_required(*ALL_STAFF)
def issued_form(request, code: str, pk: int):
    """A form as it was handed to the citizen: the stored copy, marked "Bản in lại"."""
    dossier = selectors.dossier_get_row_for_officer(user=request.user, code=code)
    kept = get_object_or_404(IssuedForm, pk=pk, dossier=dossier)
    return FileResponse(kept.reprint_file.open("rb"), content_type="application/pdf",
                        filename=f"mau-{kept.number}-{dossier.code}-in-lai.pdf", as_attachment=False)


@role_required(*ALL_STAFF)
def receipt(request, code: str):
    return dossier_form_pdf(request, code, "01")


# --------------------------------------------------------------------------- register (Mẫu 07)


@role_required(*ALL_STAFF)
def register(request):
    # Opens on the current month (issue 22, item 8): an empty register asked for dates first.
    today = timezone.localdate()
    form = forms.RegisterForm(request.GET or {"start": today.replace(day=1).isoformat(), "end": today.isoformat()})
    dossiers = []
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        dossiers = selectors.dossier_register(user=request.user, start=start, end=end)
        agency = request.user.agency
        stamp = f"{start:%Y%m%d}-{end:%Y%m%d}"
        if request.GET.get("format") == "pdf":
            return _pdf(documents.register_pdf(agency, start, end, dossiers), f"so-theo-doi-{stamp}.pdf",
                        inline=False)
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(documents.register_xlsx(agency, start, end, dossiers),
                                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            response["Content-Disposition"] = f'attachment; filename="so-theo-doi-{stamp}.xlsx"'
            return response
    return render(request, "dossiers/register.html", {"form": form, "dossiers": dossiers})


# --------------------------------------------------------------------------- the bell


@role_required(*ALL_STAFF)
def inbox(request):
    """The officer's in-app alerts and messages, newest first; unread ones highlighted."""
    messages_qs = (Message.objects.filter(recipient=request.user, channel=Message.Channel.INAPP)
                   .only("id", "subject", "body", "url", "created_at", "read_at").order_by("-created_at")[:100])
    return render(request, "dossiers/inbox.html", {"items": messages_qs})


@require_POST
@role_required(*ALL_STAFF)
def inbox_mark_read(request):
    ids = [i for i in (ascii_int(value, minimum=1) for value in request.POST.getlist("id")[:1000]) if i] or None
    outbox.message_mark_read(user=request.user, message_ids=ids)
    return redirect("dossiers:inbox")
