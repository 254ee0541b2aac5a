from django.contrib import admin

from .models import Feedback, UnitTarget


class ReadOnlyAdmin(admin.ModelAdmin):
    """Every change goes through feedback.services (the staff and leaders' pages), with its audit row."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "agency", "status", "category", "received_at", "answer_due_at", "late"]
    list_filter = ["status", "category", "source", "late", "agency"]
    list_select_related = ["agency"]
    search_fields = ["code", "title"]


@admin.register(UnitTarget)
class UnitTargetAdmin(ReadOnlyAdmin):
    """A leader sets targets on /lanh-dao/chi-tieu/ (feedback.services.target_set)."""

    list_display = ["agency", "year", "on_time", "online", "digitised", "postal", "satisfaction", "feedback_on_time",
                    "set_by", "updated_at"]
    list_filter = ["year"]
    list_select_related = ["agency", "set_by"]
