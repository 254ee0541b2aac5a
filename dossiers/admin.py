"""The admin of the friendly letters: each agency edits its texts, with a PDF preview."""

from types import SimpleNamespace

from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from procedures.models import LetterKind

from . import documents
from .letters import letter_text
from .models import LetterTemplate

# What the preview fills in for the placeholders.
SAMPLE_NAME = "Nguyễn Văn An"
SAMPLE_EVENT = {LetterKind.CONGRATULATION: "Đăng ký khai sinh", LetterKind.CONDOLENCE: "Đăng ký khai tử"}


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "agency", "signer_title", "signer_name", "is_active", "updated_at")
    list_filter = ("kind", "is_active")
    list_select_related = ("agency",)
    search_fields = ("title", "agency__name", "signer_name")
    readonly_fields = ("preview",)

    def get_queryset(self, request):
        # An agency's administrator sees and edits their own agency's letters only.
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(agency_id=request.user.agency_id)

    def get_urls(self):
        preview = path("<int:pk>/xem-truoc.pdf", self.admin_site.admin_view(self.preview_pdf),
                       name="dossiers_lettertemplate_preview")
        return [preview, *super().get_urls()]

    @admin.display(description="Xem trước")
    def preview(self, template: LetterTemplate) -> str:
        if not template.pk:
            return "Lưu thư để xem trước."
        url = reverse("admin:dossiers_lettertemplate_preview", args=[template.pk])
        return format_html('<a href="{}" target="_blank">Xem trước bản in (PDF, khổ A5)</a>', url)

    def preview_pdf(self, request, pk: int):
        template = get_object_or_404(self.get_queryset(request), pk=pk)
        now = timezone.now()
        sample = SimpleNamespace(agency=template.agency, finished_at=now, owner_display=SAMPLE_NAME)
        text = letter_text(template, name=SAMPLE_NAME, event=SAMPLE_EVENT.get(template.kind, ""), day=now)
        response = HttpResponse(documents.letter_pdf(sample, template, text), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="xem-truoc-thu-{template.pk}.pdf"'
        return response
