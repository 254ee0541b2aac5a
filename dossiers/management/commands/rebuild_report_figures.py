"""`manage.py rebuild_report_figures`: recompute Biểu 06's daily figures (DossierDayFigures) from the dossiers.

services._start_clock and services._finish_dossier keep them as each dossier is received and
resolved; run this after writing dossiers past the services (an import, a repair by hand in SQL),
after changing TIME_ZONE (the rows are per local day; run `rebuild_officer_figures` too), or when
Biểu 06 warns of a negative column. Moves made meanwhile wait for it (PostgreSQL), the reports do not.
"""

import time

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from dossiers import services


class Command(BaseCommand):
    help = "Tính lại số liệu hồ sơ tiếp nhận, giải quyết theo ngày (Biểu 06/VPCP/KSTT) từ các hồ sơ."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="cơ sở dữ liệu (mặc định: default)")

    def handle(self, *args, database: str, **options):
        started = time.monotonic()
        rows = services.report_figures_rebuild(using=database)
        self.stdout.write(self.style.SUCCESS(
            f"Đã tính lại {rows} dòng số liệu trong {time.monotonic() - started:.1f} giây."))
