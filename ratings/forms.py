from django import forms

from .models import CRITERIA, Level


class RatingForm(forms.Form):
    level = forms.ChoiceField(label="Mức độ hài lòng", choices=Level.choices)
    reason = forms.CharField(label="Lý do không hài lòng", required=False, max_length=1000)
    comment = forms.CharField(label="Ý kiến khác", required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in CRITERIA:
            self.fields[key] = forms.TypedChoiceField(label=label, required=False, coerce=int, empty_value=None,
                                                      choices=[("", "—"), (0, "0"), (1, "1"), (2, "2")])

    def criteria(self) -> dict:
        return {key: self.cleaned_data[key] for key, _ in CRITERIA if self.cleaned_data.get(key) is not None}


class PeriodForm(forms.Form):
    start = forms.DateField(label="Từ ngày", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Đến ngày", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(label="Theo", required=False, choices=[
        ("officer", "Cán bộ"), ("department", "Phòng ban"), ("agency", "Cơ quan"), ("procedure", "Thủ tục"),
        ("month", "Tháng")])
