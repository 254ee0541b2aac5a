"""Catalogue administration. Django admin has no nested inlines, so a procedure lists its
variants and each variant's page holds its fees, papers and steps."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html

from .models import (
    Fee,
    Field,
    Procedure,
    ProcedureStep,
    ProcedureVariant,
    RequiredDocument,
    validate_step_budgets,
)


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class VariantInline(admin.TabularInline):
    model = ProcedureVariant
    extra = 0
    fields = ["order", "name", "time_limit", "time_unit", "online_time_limit", "same_day_cutoff", "edit_link"]
    readonly_fields = ["edit_link"]
    show_change_link = True

    @admin.display(description="phí, giấy tờ, các bước")
    def edit_link(self, obj):
        if not obj.pk:
            return "Lưu thủ tục trước"
        url = reverse("admin:procedures_procedurevariant_change", args=[obj.pk])
        return format_html('<a href="{}">Sửa chi tiết</a>', url)


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "field", "level", "online_level", "is_active"]
    list_filter = ["level", "online_level", "field", "is_active"]
    search_fields = ["code", "name", "search_text"]
    list_select_related = ["field"]
    filter_horizontal = ["agencies"]
    inlines = [VariantInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "field", "level", "is_active"]}),
        ("Thực hiện", {"fields": ["agencies", "implementing_body", "applicants", "sequence", "conditions",
                                  "result", "legal_basis"]}),
        ("Hình thức nộp", {"fields": ["online_level", "postal_submission", "postal_return", "postal_clock"]}),
        ("Kết quả", {"fields": ["result_is_paper", "letter"]}),
    ]


class StepFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        budgets = [form.cleaned_data["budget"] for form in self.forms
                   if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("budget")]
        try:
            validate_step_budgets(self.instance, budgets)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


class DocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class StepInline(admin.TabularInline):
    model = ProcedureStep
    formset = StepFormSet
    extra = 0


@admin.register(ProcedureVariant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ["procedure", "name", "time_limit", "time_unit"]
    list_select_related = ["procedure"]
    search_fields = ["procedure__code", "procedure__name", "name"]
    autocomplete_fields = ["procedure"]
    inlines = [FeeInline, DocumentInline, StepInline]
