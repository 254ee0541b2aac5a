from django.contrib import admin

from .models import DayOverride

_WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"  # browse by year, then month
    search_fields = ["name", "note"]
    ordering = ["-date"]

    @admin.display(description="thứ", ordering="date")
    def weekday(self, obj: DayOverride) -> str:
        # A make-up day is always a Saturday and a swapped day a weekday: show it to catch typos.
        return _WEEKDAYS[obj.date.weekday()]
