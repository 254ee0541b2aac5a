from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mocua.accounts"
    label = "accounts"
    verbose_name = "Cơ quan và cán bộ"
