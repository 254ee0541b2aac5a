"""`manage.py serve_demo`: the demo's web server with the deadline scan on a timer in the same
process, as Celery beat runs it in production; the demo has neither Redis nor a worker, and without
the scan its bell would never ring for "due soon" or "overdue" while it serves."""

import logging
import threading
from collections.abc import Callable

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from dossiers import alerts

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Chạy bản demo: máy chủ web và quét hạn xử lý định kỳ trong cùng tiến trình (không cần Redis, Celery)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--every", type=int, default=300, help="số giây giữa hai lần quét hạn (mặc định 300)")

    def handle(self, *args, addrport: str, every: int, **options):
        stop = threading.Event()
        threading.Thread(target=scan_every, args=(every, stop), daemon=True, name="demo-deadline-scan").start()
        self.stdout.write(f"Quét hạn xử lý mỗi {every} giây trong khi bản demo chạy.")
        try:
            # No autoreloader: it would run the server in a child process, away from the timer.
            call_command("runserver", addrport, use_reloader=False)
        finally:
            stop.set()


def scan_every(seconds: int, stop: threading.Event, scan: Callable[[], int] = alerts.alerts_scan) -> None:
    """Run `scan` every `seconds` until `stop` is set; a failed scan (SQLite busy) waits for the next."""
    while not stop.wait(seconds):
        try:
            log.info("demo deadline scan: %s alerts", scan())
        except Exception:
            log.exception("demo deadline scan failed")
        finally:
            close_old_connections()
