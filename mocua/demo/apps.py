from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make demo`. Composes every app, like the root urls; imported by none."""

    name = "mocua.demo"
    label = "demo"
    verbose_name = "Dữ liệu trình diễn"
