"""The citizen's forms: send a feedback, follow it by its tracking code, add the information asked
for, say whether the answer satisfies."""

from django import forms

from mocua.widgets import QuickSelect

from ..models import Subject
from ..workflow import Reaction


class SendForm(forms.Form):
    subject = forms.ChoiceField(label="Phản ánh, kiến nghị về", choices=Subject.choices, widget=forms.RadioSelect,
                                initial=Subject.DOSSIER)
    dossier_code = forms.CharField(label="Mã hồ sơ", max_length=60, required=False,
                                   widget=forms.TextInput(attrs={"autocomplete": "off"}))
    dossier_pin = forms.CharField(label="Mã tra cứu (in trên giấy tiếp nhận)", max_length=20, required=False,
                                  widget=forms.TextInput(attrs={"autocomplete": "off"}))
    procedure = forms.ChoiceField(label="Thủ tục hành chính", required=False, widget=QuickSelect)
    agency = forms.ChoiceField(label="Cơ quan, đơn vị tiếp nhận", required=False, widget=QuickSelect)
    title = forms.CharField(label="Tiêu đề", max_length=200)
    content = forms.CharField(label="Nội dung phản ánh, kiến nghị", max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(label="Tệp đính kèm (PDF, JPEG, PNG; không bắt buộc)", required=False)
    sender_name = forms.CharField(label="Họ và tên", max_length=150)
    sender_phone = forms.CharField(label="Điện thoại", max_length=15, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    sender_email = forms.EmailField(label="Thư điện tử", required=False,
                                    widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    sender_address = forms.CharField(label="Địa chỉ", max_length=255)
    consent = forms.BooleanField(
        label="Tôi đồng ý cho cơ quan xử lý thông tin cá nhân trên để trả lời phản ánh; nội dung trả lời có thể "
              "được công khai sau khi đã ẩn mọi thông tin cá nhân.",
        error_messages={"required": "Cần đồng ý cho xử lý thông tin cá nhân để gửi phản ánh."})

    def __init__(self, *args, procedures: list, agencies: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [("", "— Chọn thủ tục —")] + procedures
        self.fields["agency"].choices = [("", "— Chọn cơ quan, đơn vị —")] + agencies


class TrackForm(forms.Form):
    code = forms.CharField(label="Mã theo dõi phản ánh", max_length=24,
                           widget=forms.TextInput(attrs={"placeholder": "PA-260302-K7M3QX9D", "autocomplete": "off"}))


class ReplyForm(TrackForm):
    reply = forms.CharField(label="Thông tin bổ sung", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class ReactForm(TrackForm):
    reaction = forms.ChoiceField(choices=Reaction.choices)
