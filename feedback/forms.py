"""Forms of the staff moves on a feedback item. They check the shape of the input; the services hold
the rules."""

from django import forms

from mocua.accounts.models import Agency, User

from . import anonymise
from .workflow import CLASSES

TEXTAREA = {"rows": 5}


class MoveForm(forms.Form):
    """The version the page was read at: a move made on a stale page is refused (stale_version)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssignForm(MoveForm):
    to_user = forms.ModelChoiceField(label="Cán bộ xử lý", queryset=User.objects.none(), empty_label=None)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = (User.objects.filter(agency_id=item.agency_id, is_active=True)
                                           .exclude(role="").exclude(role="admin").order_by("full_name"))


class ClassifyForm(MoveForm):
    category = forms.ChoiceField(label="Phân loại", widget=forms.RadioSelect, choices=CLASSES)
    note = forms.CharField(label="Ghi chú", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ForwardForm(MoveForm):
    to_agency = forms.ModelChoiceField(label="Cơ quan có thẩm quyền trên hệ thống", required=False,
                                       queryset=Agency.objects.none(), empty_label="— Cơ quan ngoài hệ thống —")
    to_body = forms.CharField(label="hoặc tên cơ quan ngoài hệ thống", required=False, max_length=255)
    reason = forms.CharField(label="Lý do chuyển", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = (Agency.objects.filter(is_active=True).exclude(pk=item.agency_id)
                                             .only("name").order_by("level", "name"))


class ReasonForm(MoveForm):
    reason = forms.CharField(label="Lý do", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RequestInfoForm(MoveForm):
    question = forms.CharField(label="Thông tin đề nghị công dân bổ sung", max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}))


class ReceiveInfoForm(MoveForm):
    reply = forms.CharField(label="Thông tin công dân đã bổ sung (qua điện thoại, trực tiếp…)", max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(MoveForm):
    answer = forms.CharField(label="Nội dung trả lời công dân", max_length=5000, widget=forms.Textarea(attrs=TEXTAREA))


class PublishForm(MoveForm):
    """Pre-filled with anonymised drafts (feedback.anonymise) the officer reads and corrects."""

    public_question = forms.CharField(label="Nội dung phản ánh được công khai (đã ẩn thông tin cá nhân)",
                                      max_length=5000, widget=forms.Textarea(attrs=TEXTAREA))
    public_answer = forms.CharField(label="Nội dung trả lời được công khai", max_length=5000,
                                    widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args, item, names=(), **kwargs):
        initial = kwargs.pop("initial", {})
        if not args:  # an empty form for the page: the drafts
            initial = {**initial, "public_question": anonymise.draft(item.content, names),
                       "public_answer": anonymise.draft(item.answer, names)}
        super().__init__(*args, initial=initial, **kwargs)
