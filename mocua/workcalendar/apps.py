from django.apps import AppConfig


class WorkCalendarConfig(AppConfig):
    name = "mocua.workcalendar"
    label = "workcalendar"
    verbose_name = "Lịch làm việc"
