import datetime as dt

from django import forms
from django.utils import timezone

from mocua import inputs

from .models import CRITERIA, Level

TOO_LONG = "Ý kiến, lý do tối đa 1000 ký tự."


class RatingForm(forms.Form):
    level = forms.ChoiceField(label="Mức độ hài lòng", choices=Level.choices, error_messages={
        "required": "Xin chọn mức độ hài lòng.", "invalid_choice": "Mức độ hài lòng không hợp lệ."})
    reason = inputs.TextField(label="Lý do không hài lòng", required=False, max_length=1000, multiline=True,
                              error_messages={"max_length": TOO_LONG})
    comment = inputs.TextField(label="Ý kiến khác", required=False, max_length=1000, multiline=True,
                               error_messages={"max_length": TOO_LONG})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in CRITERIA:
            self.fields[key] = forms.TypedChoiceField(
                label=label, required=False, coerce=int, empty_value=None,
                choices=[("", "—"), (0, "0"), (1, "1"), (2, "2")],
                error_messages={"invalid_choice": "Mỗi tiêu chí được chấm 0, 1 hoặc 2 điểm."})

    def criteria(self) -> dict:
        return {key: self.cleaned_data[key] for key, _ in CRITERIA if self.cleaned_data.get(key) is not None}

    def first_error(self) -> str:
        return next(iter(e for errors in self.errors.values() for e in errors), "Thông tin đánh giá không hợp lệ.")


GROUPINGS = [("officer", "Cán bộ"), ("department", "Phòng ban"), ("agency", "Cơ quan"), ("procedure", "Thủ tục"),
             ("month", "Tháng")]


class PeriodForm(forms.Form):
    start = inputs.DateField(label="Từ ngày", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = inputs.DateField(label="Đến ngày", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(label="Theo", required=False, choices=GROUPINGS,
                           error_messages={"invalid_choice": "Cách nhóm số liệu không hợp lệ."})

    def period(self) -> tuple[dt.date, dt.date, str]:
        """(start, end, grouping); this month by officer unless the query says otherwise. The page
        shows the messages of an invalid query (with status 400) over this month's figures."""
        data = self.cleaned_data if self.is_valid() else {}
        return period_of(data.get("start"), data.get("end"), data.get("by"))

    def messages(self) -> list[str]:
        return [f"{self.fields[name].label}: {error}" for name, errors in self.errors.items() for error in errors]


def period_of(start: dt.date | None, end: dt.date | None, by: str | None) -> tuple[dt.date, dt.date, str]:
    """The figures' period and grouping, shared by the page (PeriodForm) and the API."""
    today = timezone.localdate()
    start, end = start or today.replace(day=1), end or today
    return min(start, end), max(start, end), by or "officer"
