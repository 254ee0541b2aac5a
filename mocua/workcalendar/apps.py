from django.apps import AppConfig


class WorkCalendarConfig(AppConfig):
    name = "mocua.workcalendar"
    label = "workcalendar"
    verbose_name = "Lịch làm việc"

    def ready(self) -> None:
        # Cache busting only (STYLE.md §3): the calendar caches the whole override table.
        from django.db.models.signals import post_delete, post_save

        from .calendar import bust_overrides_cache
        from .models import DayOverride

        post_save.connect(bust_overrides_cache, sender=DayOverride, dispatch_uid="workcalendar-bust-save")
        post_delete.connect(bust_overrides_cache, sender=DayOverride, dispatch_uid="workcalendar-bust-delete")
