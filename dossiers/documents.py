"""The printed forms of Circular 03/2025/TT-VPCP (Mẫu 01–07), as PDF bytes, and the register as xlsx.

Each function reads the dossier and only the relations its page selector loads
(selectors.dossier_get_for_officer: agency, procedure, created_by, documents, fees, steps, events),
so printing adds no query. The HTML lives in templates/dossiers/pdf/. A value the system does
not hold is printed as dots, as on the paper form, rather than refused.
"""

import atexit
import base64
import datetime as dt
import io
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mocua.xlsx import Table, simple_header, workbook
from procedures.models import Channel, PaperForm, TimeUnit, time_label

from . import tokens
from .letters import dossier_letter
from .models import DossierDocument, ReturnMethod
from .workflow import Status

CIRCULAR = "Thông tư 03/2025/TT-VPCP"
BLANK = "……………"
RECEIPT_COPIES = ("Liên 1: Lưu tại Bộ phận tiếp nhận và trả kết quả", "Liên 2: Giao cho người nộp hồ sơ")

# WeasyPrint (with Pango through cffi), qrcode with Pillow, and openpyxl are imported inside the
# functions that use them: together ~40 MB and ~1 s per process, which the Celery worker and every
# process that renders no slip would otherwise pay (docs/benchmarks.md, "Memory"). The web tier
# imports them once in gunicorn's master instead (preload_pdf, called by mocua/wsgi.py), where the
# forked workers share them.


def preload_pdf() -> None:
    """Import the PDF stack now: in a parent process before it forks, so children share it."""
    import pyhanko.pdf_utils.incremental_writer  # noqa: F401  (the re-print mark of issued forms: ~26 MB, 0.4 s)
    import qrcode  # noqa: F401
    import weasyprint  # noqa: F401


_FONTS = []


def font_config():
    """Pango's font map is the slow part of a first render; one per process keeps the receipt fast.
    Made on first use in each process, never before a fork: its C state is not meant to be shared."""
    if not _FONTS:
        from weasyprint.text.fonts import FontConfiguration

        _FONTS.append(FontConfiguration())
        # Dropped at exit while weasyprint's module still works, so that its __del__ removes the
        # temporary folder of @font-face files (left behind by every recycled worker otherwise).
        atexit.register(_FONTS.clear)
    return _FONTS[0]


_STYLESHEETS = []


def forms_stylesheet():
    """The rules every form shares (templates/dossiers/pdf/forms.css), parsed once per process
    instead of with each render (docs/benchmarks.md). Given to WeasyPrint as a
    user stylesheet, so each form's own <style> overrides it, as it did when both were inline."""
    if not _STYLESHEETS:
        from weasyprint import CSS

        _STYLESHEETS.append(CSS(string=render_to_string("dossiers/pdf/forms.css"), font_config=font_config()))
    return _STYLESHEETS[0]


def html_to_document(html: str):
    """Every printed form and report is laid out here: static files resolve from BASE_DIR."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        stylesheets=[forms_stylesheet()], font_config=font_config())


def html_to_pdf(html: str) -> bytes:
    return html_to_document(html).write_pdf()


# --------------------------------------------------------------------------- formats


def _local(value):
    return timezone.localtime(value) if isinstance(value, dt.datetime) else value


def vn_date(value) -> str:
    """"ngày 05 tháng 3 năm 2026": Decree 30/2020 pads days below 10 and months 1 and 2."""
    if value is None:
        return "ngày …… tháng …… năm ……"
    value = _local(value)
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def vn_time(value) -> str:
    """"09 giờ 15 phút, ngày 23 tháng 11 năm 2026", the form's wording for a moment."""
    if value is None:
        return f"…… giờ …… phút, {vn_date(None)}"
    value = _local(value)
    return f"{value.hour:02d} giờ {value.minute:02d} phút, {vn_date(value)}"


def short_time(value) -> str:
    return f"{_local(value):%d/%m/%Y %H:%M}" if value else ""


def _place_date(agency, value) -> str:
    return f"{agency.place_name}, {vn_date(value)}" if agency.place_name else vn_date(value).capitalize()


def _qr_data_uri(text: str) -> str:
    import qrcode

    # A fixed mask: scoring all eight masks to pick the best costs time for no reader's benefit.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, border=2, mask_pattern=0)
    code.add_data(text)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


# --------------------------------------------------------------------------- rendering


def _render(template: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(f"dossiers/pdf/{template}", context))


# The forms the one-stop unit issues (intake, supplement, refusal, control slip, register); Mẫu 04 and
# 05 are signed by the head of the agency and carry the agency's own name.
DESK_FORMS = {"01", "02", "03", "06", "07"}


def _heading(agency, when, number: str) -> dict:
    """What every form prints above its title: issuing unit under its parent, place and date, form number.
    At commune level the desk's forms are the commune centre's, under the people's committee (item 7)."""
    unit = agency.one_stop_name if number in DESK_FORMS else agency.name
    if unit != agency.name:
        parent = agency.name
    else:
        # parent_id first: an agency without a parent costs no query (the page selector loads
        # agency but not agency__parent).
        parent = agency.parent.name if agency.parent_id else ""
    return {"agency": agency, "unit_name": unit, "parent_name": parent, "place_date": _place_date(agency, when),
            "footer": f"Mẫu số {number} – {CIRCULAR}", "copies": [""]}


def _last_event(dossier, *actions):
    """The latest audit row of one of `actions`, from the prefetched events."""
    return next((e for e in reversed(dossier.events.all()) if e.action in actions), None)


def _officer_contact(user, agency) -> dict:
    return {"name": user.display_name if user else "", "phone": (user.phone if user else "") or agency.phone}


def _applicant(dossier) -> dict:
    owner = dossier.owner_name if dossier.owner_name and dossier.owner_name != dossier.applicant_name else ""
    return {"name": dossier.applicant_name, "id_number": dossier.applicant_id_number,
            "address": dossier.applicant_address, "phone": dossier.applicant_phone, "email": dossier.applicant_email,
            "owner": owner, "owner_kind": dossier.get_owner_kind_display(),
            "owner_number": dossier.owner_tax_code or dossier.owner_id_number, "owner_address": dossier.owner_address}


def _request(procedure_name: str, variant_name: str) -> str:
    """Nội dung yêu cầu giải quyết: the procedure, and its case unless it is the only one."""
    if variant_name and variant_name != "Trường hợp chung":
        return f"{procedure_name} ({variant_name})"
    return procedure_name


def _dossier_context(dossier, when, number: str) -> dict:
    return {**_heading(dossier.agency, when, number), "dossier": dossier, "applicant": _applicant(dossier),
            "request": _request(dossier.procedure_name, dossier.variant_name)}


# --------------------------------------------------------------------------- Mẫu 01


def _register_entry(dossier) -> tuple[str, str]:
    """(Quyển số, Số thứ tự): the dossier's entry in its agency's register for the year, the number
    Mẫu 07 lists it under (blank lines to fill in by hand for a dossier without one)."""
    if dossier.register_number is None:
        return "", ""
    return str(dossier.register_year), str(dossier.register_number)


def _return_place(dossier) -> str:
    agency = dossier.desk or dossier.agency  # the desk that received it hands the result back (issue 23)
    if dossier.return_method == ReturnMethod.COUNTER:
        where = agency.one_stop_name if agency.one_stop_name != agency.name else \
            f"Bộ phận tiếp nhận và trả kết quả – {agency.name}"
        return f"{where}, {agency.address}" if agency.address else where
    label = dossier.get_return_method_display()
    return f"{label}, địa chỉ: {dossier.return_address}" if dossier.return_address else label


def _intake_papers(dossier) -> list:
    return [d for d in dossier.documents.all() if d.kind == DossierDocument.Kind.INTAKE and d.provided]


def _receiving_officer(dossier) -> str:
    """Who received it: the counter officer who logged it, or who accepted an online submission."""
    officer = dossier.created_by or next((s.from_user for s in dossier.steps.all()), None)
    return officer.display_name if officer else ""


def _receipt_time_limit(dossier) -> str:
    """Line 3 of Mẫu 01. A same-day procedure received after its cut-off is done "trong ngày làm việc tiếp
    theo, nếu tiếp nhận yêu cầu sau 15 giờ" (domain-vn §5.1): the line says so, as the appointment does."""
    cutoff = dossier.same_day_cutoff
    if dossier.time_unit != TimeUnit.SAME_DAY or not cutoff or not dossier.received_at:
        return time_label(dossier.time_limit, dossier.time_unit)
    if _local(dossier.received_at).time() <= cutoff:
        return "Trong ngày"
    hour = f"{cutoff.hour} giờ" + (f" {cutoff.minute:02d} phút" if cutoff.minute else "")
    return f"Trong ngày làm việc tiếp theo (hồ sơ tiếp nhận sau {hour})"


def receipt_pdf(dossier) -> bytes:
    """Mẫu 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả: two copies (liên), each from its first page.

    The copies are the same page but for their "Liên 1 / Liên 2" line (docs/benchmarks.md): the page
    is laid out once without it, written twice, and each copy's line laid over its top right corner
    (copy_labels), for about 60 % of the cost of laying out two copies."""
    url = tokens.lookup_url(dossier)
    book, sequence = _register_entry(dossier)
    fees = list(dossier.fees.all())
    context = {
        **_dossier_context(dossier, dossier.received_at, "01"),
        # Issued by the desk that received it, also for another agency (issue 23).
        **_heading(dossier.desk or dossier.agency, dossier.received_at, "01"),
        "papers": _intake_papers(dossier), "fees": fees,
        "fees_collected": sum(f.collected for f in fees),
        "time_limit": _receipt_time_limit(dossier),
        "received": vn_time(dossier.received_at), "due": vn_time(dossier.due_at),
        # Online: received when accepted; the code keeps the day it was submitted (issue 21, item 6).
        "submitted": vn_time(dossier.submitted_at) if dossier.channel == Channel.ONLINE and dossier.submitted_at
        else "",
        "return_place": _return_place(dossier), "book": book, "sequence": sequence,
        "officer": _receiving_officer(dossier), "qr": _qr_data_uri(url), "lookup_url": url,
        "lookup_page": f"{settings.SITE_URL}/tra-cuu/",
    }
    document = html_to_document(render_to_string("dossiers/pdf/receipt.html", context))
    pages = len(document.pages)  # one for the usual four or five papers; a long list runs on
    return overlay(document.write_pdf(), copy_labels(), [
        Placement(page=index * pages, mark_page=index, name=f"/MocuaCopy{index + 1}", top=LABEL_TOP,
                  right=LABEL_RIGHT, width=LABEL_WIDTH, height=LABEL_HEIGHT)
        for index in range(len(RECEIPT_COPIES))], copies=len(RECEIPT_COPIES))


# --------------------------------------------------------------------------- Mẫu 02


# Mẫu 02's quantity columns: bản chính / bản sao chứng thực / bản photo.
QUANTITY_FORMS = (PaperForm.ORIGINAL, PaperForm.CERTIFIED_COPY, PaperForm.PHOTOCOPY)


def _missing_rows(missing: list[str], papers) -> list[dict]:
    """Each paper asked for, its quantity under its form when the dossier's list of papers names it
    (the columns stay blank for the officer's pen when the line is free text)."""
    known = {paper.name.strip().casefold(): paper for paper in papers}
    rows = []
    for name in missing:
        paper = known.get(name.strip().casefold())
        rows.append({"name": name, "counts": [f"{paper.quantity:02d}" if paper and paper.form == form else ""
                                              for form in QUANTITY_FORMS]})
    return rows


def supplement_pdf(dossier) -> bytes:
    """Mẫu 02 during handling: the papers asked for and the reason; the clock is stopped."""
    event = _last_event(dossier, "request_supplement")
    when = event.at if event else dossier.paused_at
    context = {**_dossier_context(dossier, when, "02"),
               "missing": _missing_rows(dossier.missing_papers, dossier.documents.all()),
               "reason": event.note if event else dossier.reason, "paused_from": vn_date(when) if when else "",
               "officer": _officer_contact(event.actor if event else dossier.holder, dossier.agency)}
    return _render("supplement.html", context)


def guidance_pdf(guidance) -> bytes:
    """Mẫu 02 at the counter (an IntakeGuidance): nothing was received, no dossier code."""
    applicant = {"name": guidance.applicant_name, "address": guidance.applicant_address,
                 "phone": guidance.applicant_phone, "email": guidance.applicant_email}
    context = {**_heading(guidance.agency, guidance.created_at, "02"), "applicant": applicant,
               "request": _request(guidance.procedure.name, guidance.variant_name),
               "missing": _missing_rows(guidance.missing_papers, []),
               "reason": guidance.reason, "officer": _officer_contact(guidance.officer, guidance.agency)}
    return _render("supplement.html", context)


# --------------------------------------------------------------------------- Mẫu 03


def refusal_pdf(dossier) -> bytes:
    """Mẫu 03, Phiếu từ chối tiếp nhận giải quyết hồ sơ, with the written reason."""
    event = _last_event(dossier, "refuse_intake", "reject_online", "refuse")
    when = event.at if event else dossier.finished_at
    procedure_page = settings.SITE_URL + reverse("procedures:detail", args=[dossier.procedure.code])
    context = {**_dossier_context(dossier, when, "03"), "reason": dossier.reason,
               "officer": _officer_contact(event.actor if event else dossier.created_by, dossier.agency),
               "procedure_page": procedure_page}
    return _render("refusal.html", context)


# --------------------------------------------------------------------------- Mẫu 04


def apology_pdf(dossier) -> bytes:
    """Mẫu 04, Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết.

    The original appointment comes from the reschedule audit row; the new one is the
    appointment the citizen holds now (a later pause may have moved it on).
    """
    event = _last_event(dossier, "reschedule")
    old_due = event.data.get("old_due_at") if event else None
    context = {**_dossier_context(dossier, event.at if event else None, "04"),
               "received": vn_date(dossier.received_at),
               "old_due": vn_time(dt.datetime.fromisoformat(old_due) if old_due else None),
               "new_due": vn_time(dossier.due_at), "reason": event.note if event else dossier.reason,
               "signer": _signer(event.actor if event else None)}
    return _render("apology.html", context)


def _signer(user) -> dict:
    """The leader who issued it, under their title; a deputy signs for the head ("KT. CHỦ TỊCH",
    Decree 30/2020 Art 13)."""
    title = (user.title if user else "").strip()
    head = title[4:] if title.casefold().startswith("phó ") else ""
    return {"name": user.display_name if user else "", "title": title, "for_head": head}


# --------------------------------------------------------------------------- Mẫu 05


def _step_holder(step) -> str:
    names = [step.to_user.display_name if step.to_user else "", step.to_department.name if step.to_department else ""]
    return ", ".join(n for n in names if n)


def stop_notice_pdf(dossier) -> bytes:
    """Mẫu 05, Thông báo dừng giải quyết hồ sơ: the ground, the stage reached, the decision, fees paid."""
    event = _last_event(dossier, "stop")
    steps = list(dossier.steps.all())
    stage = steps[-1] if steps else None
    fees = [f for f in dossier.fees.all() if f.collected]
    stopped_at = event.at if event else dossier.finished_at
    context = {**_dossier_context(dossier, stopped_at, "05"), "reason": dossier.reason,
               "received": vn_time(dossier.received_at), "stopped": vn_time(stopped_at),
               "stage": stage, "stage_holder": _step_holder(stage) if stage else "",
               "stage_since": vn_date(stage.started_at) if stage else "",
               "fees": fees, "fees_collected": sum(f.collected for f in fees)}
    return _render("stop_notice.html", context)


# --------------------------------------------------------------------------- Mẫu 06


@dataclass
class ControlRow:
    step: object
    giver: str
    receiver: str
    handed_at: str
    result: str
    due: str
    returning: bool  # in part II, "Nhận kết quả": the result going back to the counter


def _control_row(step, finished_at) -> ControlRow:
    receiver = step.to_user.display_name if step.to_user else (step.to_department.name if step.to_department else "")
    if step.to_user and step.to_department:
        receiver = f"{receiver} ({step.to_department.name})"
    if step.intended_user_id:
        receiver = f"{receiver}, thay cho {step.intended_user.display_name}"
    return ControlRow(step=step, giver=step.from_user.display_name if step.from_user else "", receiver=receiver,
                      handed_at=vn_time(step.started_at), result=step.get_timeliness_display() if step.timeliness
                      else "", due=short_time(step.due_at),
                      returning=finished_at is not None and step.started_at >= finished_at)


def control_slip_pdf(dossier) -> bytes:
    """Mẫu 06, Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per handover (DossierStep)."""
    # The step that takes the result back to the counter opens at the moment handling ends.
    finished = dossier.finished_at if dossier.status in (Status.RESULT_READY, Status.RETURNED) else None
    rows = [_control_row(step, finished) for step in dossier.steps.all()]
    context = {**_dossier_context(dossier, dossier.received_at, "06"), "papers": _intake_papers(dossier),
               "time_limit": time_label(dossier.time_limit, dossier.time_unit),
               "received": vn_time(dossier.received_at), "due": vn_time(dossier.due_at),
               "handling": [r for r in rows if not r.returning], "returning": [r for r in rows if r.returning]}
    return _render("control_slip.html", context)


# --------------------------------------------------------------------------- Mẫu 07


REGISTER_COLUMNS = (  # (header, xlsx width in characters)
    ("TT", 5), ("Mã hồ sơ", 26), ("Tên TTHC", 40), ("Số lượng hồ sơ (bộ)", 9), ("Tên cá nhân, tổ chức", 24),
    ("Địa chỉ, số điện thoại", 32), ("Cơ quan chủ trì giải quyết", 26), ("Nhận hồ sơ", 17),
    ("Hẹn trả kết quả", 17), ("Trả kết quả", 17), ("Phương thức nhận kết quả", 18), ("Ký nhận", 18),
    ("Ghi chú", 24),
)


@dataclass
class RegisterRow:
    number: int | None
    code: str
    procedure: str
    sets: int
    applicant: str
    address_phone: str
    handling_agency: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    returned_at: dt.datetime | None
    return_method: str
    signed_by: str
    note: str

    @property
    def code_parts(self) -> list[str]:
        # Printed with a break allowed after each hyphen: no line-break rule allows one before digits.
        return self.code.split("-")

    def cells(self) -> list:
        return [self.number, self.code, self.procedure, self.sets, self.applicant, self.address_phone,
                self.handling_agency, self.received_at, self.due_at, self.returned_at, self.return_method,
                self.signed_by, self.note]


def _register_note(dossier) -> str:
    if dossier.status == Status.RETURNED:
        parts = [f"Trả {dossier.get_timeliness_display().lower()}" if dossier.timeliness else ""]
    else:
        parts = [dossier.get_status_display()]
    if dossier.status in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED) and dossier.reason:
        parts.append(dossier.reason)
    if dossier.refusal_handed_at:  # the written refusal handed over at the desk (dossiers.refusals)
        parts.append(f"Đã trao văn bản từ chối lúc {_local(dossier.refusal_handed_at):%H:%M %d/%m/%Y}"
                     + (f" cho {dossier.collected_by}" if dossier.collected_by else ""))
    if dossier.postal_tracking:
        parts.append(f"Mã bưu gửi {dossier.postal_tracking}")
    return ". ".join(p for p in parts if p)


def _across_note(d) -> str:
    """Mẫu 07's journey between the desk and the competent agency, for a dossier received at one for the
    other: taken in here from the desk, or sent from here to the agency."""
    if d.desk_id in (None, d.agency_id):
        return ""
    if getattr(d, "taken_in", False):
        return f"Tiếp nhận từ {d.desk.name}, số {d.register_number}/{d.register_year} của nơi tiếp nhận"
    return f"Tiếp nhận hộ, chuyển {d.agency.name} giải quyết"


def register_rows(dossiers) -> list[RegisterRow]:
    """One row of Mẫu 07 per dossier, in the caller's order (selectors.dossier_register); times in local
    time. "TT" is the dossier's number in the year's book: the desk's, which its receipt (Mẫu 01)
    prints, or the competent agency's own entry for a dossier it took in from another desk, listed at
    the moment it took it in."""
    rows = []
    for d in dossiers:
        address_phone = "; ".join(p for p in (d.owner_address or d.applicant_address, d.applicant_phone) if p)
        booked = getattr(d, "booked_at", d.received_at)
        note = ". ".join(p for p in (_across_note(d), _register_note(d)) if p)
        rows.append(RegisterRow(
            number=getattr(d, "entry_number", d.register_number), code=d.code,
            procedure=_request(d.procedure_name, d.variant_name), sets=d.sets,
            applicant=d.owner_display, address_phone=address_phone, handling_agency=d.agency.name,
            received_at=booked and _local(booked), due_at=d.due_at and _local(d.due_at),
            returned_at=d.returned_at and _local(d.returned_at), return_method=d.get_return_method_display(),
            signed_by=d.collected_by, note=note))
    return rows


def _register_title(start: dt.date, end: dt.date) -> str:
    """The book (the year's register) and the days; "TT" numbers run through the book."""
    books = str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    return f"Quyển số {books}. Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def register_pdf(agency, start: dt.date, end: dt.date, dossiers) -> bytes:
    """Mẫu 07, Sổ theo dõi hồ sơ, on landscape A4 pages (the header row repeats on each)."""
    context = {**_heading(agency, timezone.now(), "07"), "period": _register_title(start, end),
               "rows": register_rows(dossiers)}
    return _render("register.html", context)


def register_xlsx(agency, start: dt.date, end: dt.date, dossiers) -> bytes:
    """Mẫu 07 as a worksheet of the portal's one xlsx writer: title, period, the header, one row per dossier."""
    table = Table("Sổ theo dõi hồ sơ", f"SỔ THEO DÕI HỒ SƠ – {agency.name}", [_register_title(start, end)],
                  simple_header(*(header for header, _ in REGISTER_COLUMNS)),
                  [row.cells() for row in register_rows(dossiers)], widths=[width for _, width in REGISTER_COLUMNS])
    return workbook([table])


# --------------------------------------------------------------------------- friendly letters


def letter_pdf(dossier, template=None, text: str = "") -> bytes:
    """The agency's letter to the citizen (dossiers.letters) on A5, in the name of the commune's chairman
    or a vice-chairman. Not a legal form: no Mẫu number. `template` and `text` for the admin's preview."""
    if template is None:
        template, text = dossier_letter(dossier)
    return _render("letter.html", {"agency": dossier.agency, "parent_name": "", "footer": "", "copies": [""],
                                   "place_date": _place_date(dossier.agency, dossier.finished_at or timezone.now()),
                                   "letter": template, "paragraphs": [p for p in text.split("\n") if p.strip()],
                                   "name": dossier.owner_display})


# --------------------------------------------------------------------------- marks laid over a finished PDF

MM = 72 / 25.4  # points


@dataclass(frozen=True)
class Placement:
    """One page of a marks PDF laid over a document's page `page` (None: every page), as the form
    XObject `name`; its box in points from the page's top edge and its left or else right edge."""
    page: int | None
    mark_page: int
    name: str
    top: float
    width: float
    height: float
    left: float | None = None
    right: float | None = None


def overlay(pdf: bytes, marks: bytes, placements: list[Placement], copies: int = 1) -> bytes:
    """`pdf` with pages of `marks` laid over its pages, as an incremental update (pyHanko); with
    `copies`, its pages first repeated that many times in all, every copy of a page drawing the same
    content stream (placements number the pages of all copies).

    The bytes of `pdf` stay, untouched, at the head of the result: a re-print can be checked against
    the SHA-256 recorded at issue. Each page's own drawing is wrapped in q … Q so that a mark is
    placed in the page's plain coordinates.
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    # WeasyPrint writes one flat page tree. A copy shares the page's content and resources by
    # reference; links (/Annots) belong to the page they were made for and are left to it.
    originals = [kid.get_object() for kid in writer.root["/Pages"]["/Kids"]]
    for _ in range(copies - 1):
        for page in originals:
            writer.insert_page(generic.DictionaryObject(
                {key: page.raw_get(key) for key in page if key not in ("/Parent", "/Annots")}))
    reader = PdfFileReader(io.BytesIO(marks))
    xobjects = {}
    for placed in placements:
        if placed.name not in xobjects:
            xobjects[placed.name] = writer.import_page_as_xobject(reader, page_ix=placed.mark_page)
    for index in range(int(writer.root["/Pages"]["/Count"])):
        placed_here = [p for p in placements if p.page in (None, index)]
        if not placed_here:
            continue
        page = writer.find_page_for_modification(index)[0].get_object()
        box = page["/MediaBox"]
        width, height = float(box[2]), float(box[3])
        shown = page["/Resources"].get("/XObject") or {}
        # WeasyPrint's pages share one resource dictionary: each mark is added to it once.
        extra = {generic.NameObject(p.name): xobjects[p.name] for p in placed_here if p.name not in shown}
        draw = "".join(
            f"q 1 0 0 1 {p.left if p.left is not None else width - p.right - p.width:.2f} "
            f"{height - p.top - p.height:.2f} cm {p.name} Do Q\n" for p in placed_here)
        before = writer.add_object(generic.StreamObject(stream_data=b"q\n"))
        after = writer.add_object(generic.StreamObject(stream_data=f"Q {draw}".encode()))
        writer.add_stream_to_page(index, before, prepend=True)
        resources = generic.DictionaryObject(
            {generic.NameObject("/XObject"): generic.DictionaryObject(extra)}) if extra else None
        writer.add_stream_to_page(index, after, resources=resources)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# The receipt's "Liên" lines (copy_labels.html): their box, over the top margin, flush with the text's right edge.
LABEL_WIDTH, LABEL_HEIGHT = 120 * MM, 6 * MM
LABEL_RIGHT, LABEL_TOP = 20 * MM, 11 * MM
_LABELS = []


def copy_labels() -> bytes:
    """The receipt's copy lines, one page each (RECEIPT_COPIES), rendered once per process."""
    if not _LABELS:
        _LABELS.append(_render("copy_labels.html", {"labels": RECEIPT_COPIES}))
    return _LABELS[0]


# --------------------------------------------------------------------------- re-prints of issued forms

MARK_WIDTH, MARK_HEIGHT = 42 * MM, 9 * MM  # the page size of reprint_mark.html
MARK_NAME = "/MocuaReprint"
_MARK = []


def reprint_mark() -> bytes:
    """The "Bản in lại" mark as a one-page PDF, rendered once per process."""
    if not _MARK:
        _MARK.append(_render("reprint_mark.html", {}))
    return _MARK[0]


def mark_reprint(pdf: bytes) -> bytes:
    """The issued PDF with the "Bản in lại" mark in the top left corner of every page, the issued
    bytes untouched at the head (overlay)."""
    return overlay(pdf, reprint_mark(), [Placement(page=None, mark_page=0, name=MARK_NAME, top=12, left=20,
                                                   width=MARK_WIDTH, height=MARK_HEIGHT)])
