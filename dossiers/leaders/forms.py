"""The leaders' query as a form: the period (month, quarter, year or dates) and the filters within
the scope (a unit and the units below it, a field, a procedure), with Vietnamese messages."""

from django import forms

from mocua import inputs
from mocua.widgets import QuickSelect

from .periods import PERIOD_KINDS, Period, PeriodError, build_period
from .scope import Filters, Scope


def _int_choices(values, label: str) -> list[tuple]:
    return [(v, f"{label} {v}") for v in values]


class LeaderQueryForm(forms.Form):
    """Period (month, quarter, year or dates) and filters (agency of the scope, field, procedure)."""

    period = forms.ChoiceField(label="Kỳ báo cáo", choices=PERIOD_KINDS, required=False, widget=QuickSelect,
                               error_messages={"invalid_choice": "Loại kỳ báo cáo không hợp lệ."})
    year = inputs.IntegerField(label="Năm", required=False, min_value=2000, max_value=2100, error_messages={
        "invalid": "Năm phải là một số.", "min_value": "Năm phải từ 2000 đến 2100.",
        "max_value": "Năm phải từ 2000 đến 2100."})
    month = forms.TypedChoiceField(label="Tháng", choices=_int_choices(range(1, 13), "Tháng"), coerce=int,
                                   required=False, empty_value=None, widget=QuickSelect,
                                   error_messages={"invalid_choice": "Tháng phải từ 1 đến 12."})
    quarter = forms.TypedChoiceField(label="Quý", choices=_int_choices(range(1, 5), "Quý"), coerce=int,
                                     required=False, empty_value=None, widget=QuickSelect,
                                     error_messages={"invalid_choice": "Quý phải từ 1 đến 4."})
    start = inputs.DateField(label="Từ ngày", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            error_messages={"invalid": "Ngày bắt đầu không hợp lệ."})
    end = inputs.DateField(label="Đến ngày", required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          error_messages={"invalid": "Ngày kết thúc không hợp lệ."})
    agency = forms.TypedChoiceField(label="Đơn vị", coerce=int, required=False, empty_value=None, widget=QuickSelect,
                                    error_messages={"invalid_choice": "Đơn vị không thuộc phạm vi quản lý của bạn."})
    field = forms.TypedChoiceField(label="Lĩnh vực", coerce=int, required=False, empty_value=None, widget=QuickSelect,
                                   error_messages={"invalid_choice": "Lĩnh vực không có trong phạm vi quản lý."})
    procedure = forms.TypedChoiceField(label="Thủ tục", coerce=int, required=False, empty_value=None,
                                       widget=QuickSelect,
                                       error_messages={"invalid_choice": "Thủ tục không có trong phạm vi quản lý."})

    def __init__(self, data, *, scope: Scope, fields: list, procedures: list):
        super().__init__(data)
        self.fields["agency"].choices = [("", "Toàn bộ phạm vi")] + [
            (u.id, "\u2003" * u.depth + u.name) for u in scope.units]
        self.fields["field"].choices = [("", "Tất cả lĩnh vực")] + list(fields)
        self.fields["procedure"].choices = [("", "Tất cả thủ tục")] + [(p[0], f"{p[1]} – {p[2]}") for p in procedures]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["the_period"] = build_period(data.get("period") or "month", year=data.get("year"),
                                              month=data.get("month"), quarter=data.get("quarter"),
                                              start=data.get("start"), end=data.get("end"))
        except PeriodError as error:
            self.add_error(error.field, error.message)
        return data

    def stats_period(self) -> Period:
        return self.cleaned_data["the_period"]

    def stats_filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(agency_id=data.get("agency"), field_id=data.get("field"), procedure_id=data.get("procedure"))
