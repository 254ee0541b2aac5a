"""The Celery app: configured from Django settings (CELERY_*), tasks found in every app."""

import gc
import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mocua.settings")

app = Celery("mocua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def freeze_before_fork(**kwargs) -> None:
    """The worker's main process has imported Django, the URLconf and the tasks when this runs, and
    forks its pool processes after it: frozen objects are never visited by a collection in a child,
    which would write to them and copy the pages the children share (docs/benchmarks.md, "Memory")."""
    gc.collect()
    gc.freeze()
