"""`manage.py rebuild_officer_figures`: recompute the leaders' daily step figures from the step log.

services._finish_step keeps them as each step is finished; run this after writing steps past the
services (an import, a repair by hand in SQL) or after changing TIME_ZONE (the rows are per local
day; run `rebuild_report_figures` too). Steps finished meanwhile wait for it (PostgreSQL), the
leaders' pages do not.
"""

import time

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from dossiers import services


class Command(BaseCommand):
    help = "Tính lại số liệu bước xử lý theo cán bộ, theo ngày (trang “Theo cán bộ”, “Theo đơn vị”…) từ nhật ký bước."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="cơ sở dữ liệu (mặc định: default)")

    def handle(self, *args, database: str, **options):
        started = time.monotonic()
        rows = services.officer_figures_rebuild(using=database)
        self.stdout.write(self.style.SUCCESS(
            f"Đã tính lại {rows} dòng số liệu trong {time.monotonic() - started:.1f} giây."))
