"""The citizens' forms: the lookup by code and PIN, and the online submission of a procedure."""

from django import forms

from dossiers.models import ReturnMethod
from dossiers.validators import citizen_id_error, phone_error
from mocua import inputs
from procedures.models import Procedure, ProcedureVariant


class LookupForm(forms.Form):
    code = inputs.TextField(label="Mã hồ sơ", max_length=60,
                           widget=forms.TextInput(attrs={"placeholder": "000.17.22.H56-251123-0007",
                                                         "autocomplete": "off", "autofocus": True}))
    pin = inputs.TextField(label="Mã tra cứu (in trên giấy tiếp nhận)", max_length=20,
                          widget=forms.TextInput(attrs={"autocomplete": "off"}))


class SubmitForm(forms.Form):
    variant = forms.ModelChoiceField(label="Trường hợp", queryset=ProcedureVariant.objects.none(),
                                     empty_label=None)
    agency = forms.ChoiceField(label="Nộp đến cơ quan")
    applicant_name = inputs.TextField(label="Họ và tên", max_length=150)
    applicant_id_number = inputs.TextField(label="Số định danh cá nhân (CCCD, 12 chữ số)", max_length=12)
    applicant_phone = inputs.TextField(label="Điện thoại", max_length=15, required=False)
    applicant_email = inputs.EmailField(label="Thư điện tử (nhận mã hồ sơ và thông báo)")
    applicant_address = inputs.TextField(label="Địa chỉ", max_length=255)
    return_method = forms.ChoiceField(label="Nhận kết quả", choices=[
        (ReturnMethod.COUNTER, ReturnMethod.COUNTER.label), (ReturnMethod.POST, ReturnMethod.POST.label)])
    return_address = inputs.TextField(label="Địa chỉ nhận kết quả qua bưu chính", max_length=255, required=False)
    consent = forms.BooleanField(label="Tôi đồng ý cho cơ quan xử lý thông tin cá nhân trên để giải quyết thủ tục "
                                       "và gửi thông báo về hồ sơ.", error_messages={
                                     "required": "Cần đồng ý cho xử lý thông tin cá nhân để nộp hồ sơ trực tuyến."})

    def __init__(self, *args, procedure: Procedure, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.fields["variant"].queryset = procedure.variants.all()
        self.fields["agency"].choices = [(a.pk, a.name) for a in procedure.agencies.filter(is_active=True)]
        self.documents = [d for v in procedure.variants.all() for d in v.documents.all()]
        many = len(procedure.variants.all()) > 1
        for document in self.documents:
            field = forms.FileField(label=document.name, required=False)
            field.mandatory = document.mandatory  # marked on the page; checked in clean() for the chosen variant
            field.variant_name = document.variant.name if many else ""
            self.fields[f"doc_{document.pk}"] = field

    def clean(self):
        """Every mandatory paper of the chosen variant without a file, named at once (not one per try)."""
        data = super().clean()
        variant = data.get("variant")
        if variant is None:
            return data
        missing = [d for d in self.documents if d.variant_id == variant.pk and d.mandatory
                   and not data.get(f"doc_{d.pk}") and f"doc_{d.pk}" not in self.errors]
        for document in missing:
            self.add_error(f"doc_{document.pk}", "Giấy tờ bắt buộc: cần tải lên tệp.")
        if missing:
            self.add_error(None, f"Còn thiếu {len(missing)} giấy tờ bắt buộc: "
                                 + "; ".join(d.name for d in missing) + ".")
        return data

    def clean_applicant_id_number(self):
        value = self.cleaned_data["applicant_id_number"].strip()
        if message := citizen_id_error(value):
            raise forms.ValidationError(message)
        return value

    def clean_applicant_phone(self):
        value = self.cleaned_data["applicant_phone"].strip()
        if message := phone_error(value):
            raise forms.ValidationError(message)
        return value
