"""The catalogue's search and filters, read from the query string (mocua.inputs.read_query)."""

from django import forms

from mocua import inputs
from mocua.accounts.models import Level


class CatalogueQuery(forms.Form):
    q = inputs.TextField(label="Tìm thủ tục", required=False, max_length=200)
    field = inputs.TextField(label="Lĩnh vực", required=False, max_length=30, validators=[inputs.catalogue_code])
    level = forms.ChoiceField(label="Cấp", required=False, choices=Level.choices)
    agency = inputs.TextField(label="Cơ quan", required=False, max_length=40, validators=[inputs.agency_code])
