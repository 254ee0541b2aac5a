from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = "Thủ tục hành chính"

    def ready(self):
        from . import catalogue  # noqa: F401  (connects the signals that bump the catalogue's version)
