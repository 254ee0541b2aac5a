"""HTML forms of the staff pages. They check the shape of the input and show errors next to
the fields; the rules themselves are enforced again by the services."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Q, Value, When

from mocua import inputs
from mocua.accounts.models import Agency, Department, Role, User
from procedures.models import Channel, PaperForm, ProcedureVariant

from . import agencies, services
from .models import ApplicantKind, DossierDocument, ReturnMethod, TransferMode
from .validators import MAX_NOTE, MAX_REASON, citizen_id_error, phone_error, tax_code_error
from .workflow import OPEN, Status, next_step_of


def _check(message: str) -> None:
    if message:
        raise ValidationError(message)


class IntakeForm(forms.Form):
    """Counter intake for one procedure variant: its checklist and fees become fields."""

    OUTCOMES = [("accept", "Tiếp nhận"), ("guide", "Hướng dẫn bổ sung"), ("refuse", "Từ chối tiếp nhận")]

    # No default: a form sent by Enter names no outcome. The accept is confirmed on a summary first.
    outcome = forms.ChoiceField(choices=OUTCOMES, widget=forms.HiddenInput,
                                error_messages={"required": "Hãy chọn một kết quả kiểm tra bằng các nút ở cuối trang."})
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    applicant_name = inputs.TextField(label="Họ và tên người nộp", max_length=150)
    applicant_id_number = inputs.TextField(label="Số định danh cá nhân (CCCD)", max_length=20, required=False)
    applicant_phone = inputs.TextField(label="Điện thoại", max_length=20, required=False)
    applicant_email = inputs.EmailField(label="Thư điện tử", required=False)
    applicant_address = inputs.TextField(label="Địa chỉ", max_length=255, required=False)
    owner_differs = forms.BooleanField(label="Chủ hồ sơ khác người nộp", required=False)
    owner_kind = forms.ChoiceField(label="Chủ hồ sơ là", choices=ApplicantKind.choices, initial=ApplicantKind.PERSON)
    owner_name = inputs.TextField(label="Tên chủ hồ sơ (cá nhân hoặc tổ chức)", max_length=255, required=False)
    owner_id_number = inputs.TextField(label="Số định danh chủ hồ sơ", max_length=20, required=False)
    owner_tax_code = inputs.TextField(label="Mã số thuế (tổ chức)", max_length=20, required=False)
    owner_representative = inputs.TextField(label="Người đại diện (tổ chức)", max_length=150, required=False)
    owner_address = inputs.TextField(label="Địa chỉ chủ hồ sơ", max_length=255, required=False)
    channel = forms.ChoiceField(label="Hình thức nộp", choices=[(Channel.COUNTER, "Trực tiếp tại quầy"),
                                                                 (Channel.POST, "Qua bưu chính công ích")],
                                initial=Channel.COUNTER)
    sets = inputs.IntegerField(label="Số bộ hồ sơ", min_value=1, max_value=50, initial=1)
    return_method = forms.ChoiceField(label="Nhận kết quả", choices=[
        (ReturnMethod.COUNTER, ReturnMethod.COUNTER.label), (ReturnMethod.POST, ReturnMethod.POST.label)],
        initial=ReturnMethod.COUNTER)
    return_address = inputs.TextField(label="Địa chỉ nhận kết quả qua bưu chính", max_length=255, required=False)
    # Handed in by post (Decision 45/2016 Art 7): read only when the channel is the post.
    intake_tracking = inputs.TextField(label="Số hiệu phiếu gửi", max_length=40, required=False)
    handover_signed_at = inputs.DateTimeField(label="Ký biên bản giao nhận với bưu điện lúc", required=False,
                                              widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                              input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"])
    postmark_date = inputs.DateField(label="Ngày dấu bưu điện", required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    note = inputs.TextField(multiline=True, label="Ghi chú", required=False, max_length=MAX_REASON,
                            widget=forms.Textarea(attrs={"rows": 2}))
    missing_papers = inputs.TextField(multiline=True, label="Giấy tờ cần bổ sung, hoàn thiện (mỗi dòng một giấy tờ)",
                                      required=False, max_length=MAX_REASON,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    reason = inputs.TextField(multiline=True, label="Lý do (bổ sung hoặc từ chối)", required=False,
                              max_length=MAX_REASON,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, variant: ProcedureVariant, desk: Agency | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.variant = variant
        # The competent agency is picked by the rule (dossiers.agencies); the officer chooses only
        # where the catalogue names several (a commune procedure received at the province centre).
        self.competent = agencies.competent_choices(desk, variant.procedure) if desk else []
        if len(self.competent) > 1:
            self.fields["competent_agency"] = forms.ModelChoiceField(
                label="Cơ quan có thẩm quyền giải quyết", empty_label="— Chọn cơ quan —",
                queryset=Agency.objects.filter(pk__in=[agency.pk for agency in self.competent]), required=False)
        # Shown on the page: the agency the dossier will be sent to, when it is not the desk itself.
        self.elsewhere = self.competent[0] if len(self.competent) == 1 and desk and self.competent[0] != desk else None
        if not self.is_bound:  # keyboard first: the procedure was just picked, the name comes next
            self.fields["applicant_name"].widget.attrs["autofocus"] = True
        self.paper_rows = []
        for n, document in enumerate(variant.documents.all()):
            prefix = f"paper_{n}"
            # Optional papers ("nếu có") start unticked: only what the citizen hands over is recorded.
            self.fields[f"{prefix}_provided"] = forms.BooleanField(required=False, initial=document.mandatory)
            self.fields[f"{prefix}_form"] = forms.ChoiceField(choices=PaperForm.choices, initial=document.form)
            self.fields[f"{prefix}_quantity"] = inputs.IntegerField(min_value=1, max_value=999,
                                                                   initial=document.quantity)
            self.fields[f"{prefix}_scanned"] = forms.BooleanField(required=False)
            self.paper_rows.append((document, prefix))
        self.fee_rows = []
        for fee in variant.fees.all():
            name = f"fee_{fee.pk}"
            self.fields[name] = inputs.IntegerField(min_value=0, max_value=10**12, initial=fee.amount, required=False)
            self.fee_rows.append((fee, name))

    def bound_papers(self):
        return [(doc, {k: self[f"{prefix}_{k}"] for k in ("provided", "form", "quantity", "scanned")})
                for doc, prefix in self.paper_rows]

    def bound_fees(self):
        return [(fee, self[name]) for fee, name in self.fee_rows]

    def clean_applicant_id_number(self):
        value = self.cleaned_data["applicant_id_number"].strip()
        _check(citizen_id_error(value))
        return value

    def clean_owner_id_number(self):
        value = self.cleaned_data["owner_id_number"].strip()
        _check(citizen_id_error(value))
        return value

    def clean_applicant_phone(self):
        value = self.cleaned_data["applicant_phone"].strip()
        _check(phone_error(value))
        return value

    def clean_owner_tax_code(self):
        value = self.cleaned_data["owner_tax_code"].strip()
        _check(tax_code_error(value))
        return value

    def applicant(self) -> services.Applicant:
        data = self.cleaned_data
        owner = {}
        if data["owner_differs"]:
            owner = {f"owner_{k}": data[f"owner_{k}"] for k in
                     ("kind", "name", "id_number", "tax_code", "representative", "address")}
        return services.Applicant(name=data["applicant_name"], id_number=data["applicant_id_number"],
                                  phone=data["applicant_phone"], email=data["applicant_email"],
                                  address=data["applicant_address"], **owner)

    def intake(self) -> services.Intake:
        data = self.cleaned_data
        papers = [services.Paper(
            name=doc.name, form=data[f"{prefix}_form"], quantity=data[f"{prefix}_quantity"], mandatory=doc.mandatory,
            provided=data[f"{prefix}_provided"],
            digitisation=(DossierDocument.Digitisation.SCANNED if data[f"{prefix}_scanned"]
                          else DossierDocument.Digitisation.NONE))
            for doc, prefix in self.paper_rows]
        fees = {fee.pk: data[name] or 0 for fee, name in self.fee_rows}
        return services.Intake(variant=self.variant, applicant=self.applicant(), papers=papers,
                               channel=data["channel"], fees_collected=fees, return_method=data["return_method"],
                               return_address=data["return_address"], sets=data["sets"], note=data["note"],
                               intake_tracking=data["intake_tracking"], handover_signed_at=data["handover_signed_at"],
                               postmark_date=data["postmark_date"],
                               competent_agency=data.get("competent_agency"))

    def summary(self) -> dict:
        """What the officer confirms before the clock starts: the applicant, the papers received."""
        data = self.cleaned_data
        return {"applicant": data["applicant_name"], "id_number": data["applicant_id_number"],
                "papers": [doc.name for doc, prefix in self.paper_rows if data[f"{prefix}_provided"]]}

    def unticked(self) -> list[str]:
        """The mandatory papers not received (the guidance slip's list when none is typed)."""
        data = self.cleaned_data
        return [doc.name for doc, prefix in self.paper_rows if doc.mandatory and not data[f"{prefix}_provided"]]

    def missing_list(self) -> list[str]:
        typed = [line.strip() for line in self.cleaned_data["missing_papers"].splitlines() if line.strip()]
        return typed or self.unticked()


# One small form per move on the dossier page. Every one carries the version the page showed.


class MoveForm(forms.Form):
    version = inputs.IdField(widget=forms.HiddenInput, required=False)


class OfficerSelect(forms.Select):
    """The officers' select: each option carries the officer's role, so confirm.js can warn before a
    handover to someone whose role does not fit the next step."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-role"] = instance.role
        return option


class HandOverForm(MoveForm):
    to_user = forms.ModelChoiceField(label="Chuyển cho cán bộ", queryset=User.objects.none(), required=False,
                                     widget=OfficerSelect)
    to_department = forms.ModelChoiceField(label="hoặc phòng ban", queryset=Department.objects.none(),
                                           required=False)
    next_step = forms.BooleanField(label="Bước này đã xong: chuyển hồ sơ sang bước tiếp theo "
                                         "(bỏ chọn nếu chỉ giao cho người khác làm tiếp bước này)",
                                   required=False, initial=True)
    note = inputs.TextField(label="Ghi chú", required=False, max_length=MAX_NOTE)

    def __init__(self, *args, agency=None, dossier=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.next_role, self.step_hint = "", ""
        if agency is None:
            return
        step = next_step_of(dossier) if dossier is not None else None
        officers = (User.objects.filter(agency=agency, is_active=True).exclude(role="").select_related("department")
                    .annotate(load=Count("held_dossiers", filter=Q(held_dossiers__status__in=sorted(OPEN)))))
        if step:
            # Suggested first: the next step's role (in its department when named), least loaded first.
            self.next_role = step.get("role", "")
            fits = Q(role=self.next_role)
            department_fits = fits & Q(department__name=step.get("department") or "")
            officers = officers.annotate(fit=Case(When(department_fits, then=Value(0)), When(fits, then=Value(1)),
                                                  default=Value(2)))
            officers = officers.order_by("fit", "load", "full_name")
            role = Role(self.next_role).label if self.next_role in Role.values else self.next_role
            self.step_hint = (f"Bước tiếp theo: {step.get('name', '')} – do {role.lower()}"
                              f"{' (' + step['department'] + ')' if step.get('department') else ''} thực hiện. "
                              "Cán bộ phù hợp, ít hồ sơ đang giữ nhất, đứng đầu danh sách.")
        else:
            officers = officers.order_by("department__name", "full_name")
        self.fields["to_user"].queryset = officers
        self.fields["to_user"].label_from_instance = (
            lambda u: f"{u.display_name} – {u.get_role_display()}"
                      f"{' – ' + u.department.name if u.department else ''} · {u.load} hồ sơ đang giữ")
        self.fields["to_department"].queryset = Department.objects.filter(agency=agency).order_by("name")
        # Department.__str__ names its agency: one query per option on the dossier page.
        self.fields["to_department"].label_from_instance = lambda d: d.name

    def clean(self):
        data = super().clean()
        if not data.get("to_user") and not data.get("to_department"):
            raise ValidationError("Cần chọn cán bộ hoặc phòng ban nhận hồ sơ.")
        return data


class SupplementRequestForm(MoveForm):
    missing_papers = inputs.TextField(multiline=True, label="Giấy tờ cần bổ sung (mỗi dòng một giấy tờ)",
                                      max_length=MAX_REASON,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    reason = inputs.TextField(multiline=True, label="Lý do", widget=forms.Textarea(attrs={"rows": 2}),
                              max_length=MAX_REASON)

    def clean_missing_papers(self):
        return [line.strip() for line in self.cleaned_data["missing_papers"].splitlines() if line.strip()]


class NoteForm(MoveForm):
    note = inputs.TextField(label="Ghi chú", required=False, max_length=MAX_NOTE)


class ReasonForm(MoveForm):
    reason = inputs.TextField(multiline=True, label="Lý do", widget=forms.Textarea(attrs={"rows": 2}),
                              max_length=MAX_REASON)


RESULT_FILE_HELP = "PDF đã ký số của cơ quan; hệ thống kiểm tra chữ ký và từ chối tệp bị sửa đổi."


class TransferForm(MoveForm):
    mode = forms.ChoiceField(label="Hình thức chuyển", choices=TransferMode.choices, initial=TransferMode.ELECTRONIC,
                             help_text="Điện tử: chuyển ngay trong ngày (sau 15 giờ: ngày làm việc tiếp theo); "
                                       "bản giấy: trong 01 ngày làm việc.")
    note = inputs.TextField(label="Ghi chú", required=False, max_length=MAX_NOTE)


class ApproveForm(MoveForm):
    result_summary = inputs.TextField(label="Kết quả giải quyết (số, ký hiệu văn bản…)", required=False,
                                     max_length=2000)
    result_file = forms.FileField(label="Kết quả điện tử (PDF có chữ ký số, nếu có)", required=False,
                                  help_text=RESULT_FILE_HELP, widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}))


class AttachResultForm(MoveForm):
    result_name = inputs.TextField(label="Tên kết quả (ví dụ: Giấy khai sinh bản chính)", required=False,
                                   max_length=200)
    result_file = forms.FileField(label="Tệp kết quả (PDF có chữ ký số)", help_text=RESULT_FILE_HELP,
                                  widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}))


class ReturnForm(MoveForm):
    collected_by = inputs.TextField(label="Họ tên người nhận kết quả", required=False, max_length=150)
    collected_id_number = inputs.TextField(label="Số định danh người nhận", required=False, max_length=20)
    postal_tracking = inputs.TextField(label="Mã bưu gửi (nếu trả qua bưu chính)", required=False, max_length=40)


class RefusalHandForm(ReturnForm):
    """The written refusal handed over at the desk (dossiers.refusals): the return's fields, its words."""

    collected_by = inputs.TextField(label="Họ tên người nhận văn bản từ chối", required=False, max_length=150)
    postal_tracking = inputs.TextField(label="Mã bưu gửi (nếu gửi qua bưu chính)", required=False, max_length=40)


class DeliveryForm(MoveForm):
    delivered_on = inputs.DateField(label="Ngày người nhận ký nhận (theo phiếu báo phát)",
                                    widget=forms.DateInput(attrs={"type": "date"}))
    delivered_to = inputs.TextField(label="Người ký nhận", required=False, max_length=150)


class RescheduleForm(MoveForm):
    new_due_at = inputs.DateTimeField(label="Ngày giờ hẹn trả mới",
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                     input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"])
    reason = inputs.TextField(multiline=True, label="Lý do chậm trả kết quả", max_length=MAX_REASON,
                              widget=forms.Textarea(attrs={"rows": 2}))


class AttachForm(forms.Form):
    name = inputs.TextField(label="Tên giấy tờ", max_length=500)
    file = forms.FileField(label="Tệp quét (PDF, JPEG, PNG)")


class ScanForm(forms.Form):
    file = forms.FileField(label="Bản quét (PDF, JPEG, PNG)")


class RegisterForm(forms.Form):
    start = inputs.DateField(label="Từ ngày", widget=forms.DateInput(attrs={"type": "date"}))
    end = inputs.DateField(label="Đến ngày", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("Ngày bắt đầu phải trước ngày kết thúc.")
        return data


class DossierQuery(forms.Form):
    """The agency list's search and filters, from the query string (mocua.inputs.read_query)."""

    q = inputs.TextField(label="Tìm", required=False, max_length=inputs.MAX_QUERY)
    status = forms.ChoiceField(label="Trạng thái", required=False, choices=Status.choices)
    channel = forms.ChoiceField(label="Kênh nộp", required=False, choices=Channel.choices)
    holder = inputs.IdField(label="Cán bộ đang giữ", required=False)
    procedure = inputs.TextField(label="Mã thủ tục", required=False, max_length=30,
                                 validators=[inputs.catalogue_code])
    field = inputs.TextField(label="Mã lĩnh vực", required=False, max_length=30, validators=[inputs.catalogue_code])
    late = forms.BooleanField(label="Chỉ hồ sơ quá hạn", required=False)
    words = forms.BooleanField(label="Tìm theo từng từ", required=False)
