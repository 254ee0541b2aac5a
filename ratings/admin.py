from django.contrib import admin

from .models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Read-only: a citizen's rating is evidence, not something staff edit."""

    list_display = ["dossier", "level", "channel", "agency", "total", "created_at"]
    list_filter = ["level", "channel", "agency"]
    list_select_related = ["dossier", "agency"]
    search_fields = ["dossier__code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
