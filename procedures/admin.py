"""Catalogue administration. Django admin has no nested inlines, so a procedure lists its
variants and each variant's page holds its fees, papers and steps."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from . import exporter, services
from .importer import CatalogueFileError
from .models import (
    Fee,
    Field,
    Procedure,
    ProcedureLeg,
    ProcedureStep,
    ProcedureVariant,
    RequiredDocument,
    validate_step_budgets,
)

EXPORTS = {"json": (exporter.catalogue_json, "application/json; charset=utf-8"),
           "csv": (exporter.catalogue_csv, "text/csv; charset=utf-8")}


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


class LegInline(admin.TabularInline):
    """Liên thông legs (dossiers.legs): each agency's part, in order, with its share of the time."""

    model = ProcedureLeg
    extra = 0
    fields = ("order", "name", "agency", "days", "national_group")
    autocomplete_fields = ("agency",)


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "field", "level", "online_level", "is_active"]
    list_filter = ["level", "online_level", "field", "is_active"]
    search_fields = ["code", "name", "search_text"]
    list_select_related = ["field"]
    filter_horizontal = ["agencies"]
    inlines = [VariantInline, LegInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "field", "level", "is_active"]}),
        ("Thực hiện", {"fields": ["agencies", "implementing_body", "applicants", "sequence", "conditions",
                                  "result", "legal_basis"]}),
        ("Hình thức nộp", {"fields": ["online_level", "postal_submission", "postal_return", "postal_clock"]}),
        ("Kết quả", {"fields": ["result_is_paper", "letter"]}),
    ]
    change_list_template = "admin/procedures/procedure/change_list.html"

    def get_urls(self):
        return [path("nhap-tep/", self.admin_site.admin_view(self.import_view), name="procedures_procedure_import"),
                path("xuat-tep/<str:fmt>/", self.admin_site.admin_view(self.export_view),
                     name="procedures_procedure_export"),
                *super().get_urls()]

    def export_view(self, request, fmt: str):
        """The whole catalogue in the file the import reads (issue 22, item 17)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if fmt not in EXPORTS:
            raise Http404
        write, content_type = EXPORTS[fmt]
        response = HttpResponse(write(), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="danh-muc-thu-tuc.{fmt}"'
        return response

    def import_view(self, request):
        """The catalogue file (CSV or JSON) from the web page: the same all-or-nothing check as
        `manage.py import_procedures` (procedures.services.catalogue_import) (issue 22, item 17)."""
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = CatalogueImportForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            fmt = upload.name.rsplit(".", 1)[-1].lower()
            try:
                result = services.catalogue_import(raw=upload.read(), fmt=fmt)
            except CatalogueFileError as exc:
                errors = [f"{exc} Không nhập thủ tục nào."]
            else:
                if result.errors:
                    where = "dòng" if fmt == "csv" else "thủ tục thứ"
                    errors = [f"{where} {row}: {message}" if row else message for row, message in result.errors]
                    errors.append(f"{len(result.errors)} lỗi; không nhập thủ tục nào.")
                else:
                    messages.success(request, f"Đã nhập {result.created} thủ tục mới, "
                                              f"cập nhật {result.updated} thủ tục.")
                    return redirect("admin:procedures_procedure_changelist")
        context = {**self.admin_site.each_context(request), "title": "Nhập danh mục thủ tục từ tệp", "form": form,
                   "errors": errors, "opts": self.model._meta}
        return TemplateResponse(request, "admin/procedures/procedure/import.html", context)


class CatalogueImportForm(forms.Form):
    file = forms.FileField(label="Tệp danh mục (CSV hoặc JSON, như procedures/data/catalogue.json)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.name.rsplit(".", 1)[-1].lower() not in ("csv", "json"):
            raise ValidationError("Chỉ nhận tệp .csv hoặc .json.")
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError("Tệp quá lớn.")
        return upload


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
