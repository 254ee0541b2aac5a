"""A unit's yearly targets as a form: the unit of the leader's scope, the year, one % per metric
(blank: no target). The service checks them again (feedback.services.target_set)."""

from django import forms

from ..scores import METRICS


class TargetForm(forms.Form):
    agency = forms.TypedChoiceField(label="Đơn vị", coerce=int, error_messages={
        "invalid_choice": "Đơn vị không thuộc phạm vi quản lý của bạn."})
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100, error_messages={
        "min_value": "Năm phải từ 2000 đến 2100.", "max_value": "Năm phải từ 2000 đến 2100."})

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(u.id, u.name) for u in scope.units]
        for name, label in METRICS:
            self.fields[name] = forms.DecimalField(
                label=f"{label} (%)", required=False, min_value=0, max_value=100, decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
                # %% : Django fills these two messages with the limit (message % params)
                error_messages={"min_value": "Chỉ tiêu từ 0 đến 100%%.", "max_value": "Chỉ tiêu từ 0 đến 100%%.",
                                "invalid": "Chỉ tiêu phải là một số.",
                                "max_decimal_places": "Tối đa hai chữ số thập phân."})

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name, _ in METRICS}
