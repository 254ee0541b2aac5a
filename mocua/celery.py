"""The Celery app: configured from Django settings (CELERY_*), tasks found in every app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mocua.settings")

app = Celery("mocua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
