"""`manage.py rebuild_officer_figures`: recompute the leaders' step figures (OfficerDayFigures) from
the step log.

The services keep them as each step is finished (dossiers.figures.count_step); run this after
writing steps past the services (an import, a repair by hand in SQL) or after changing TIME_ZONE
(the rows are per local day; run `rebuild_report_figures` too). Steps finished meanwhile wait for
it (PostgreSQL), the leaders' pages do not.
"""

import time

from django.core.management.base import BaseCommand

from dossiers import figures


class Command(BaseCommand):
    help = "Tính lại số liệu bước xử lý theo cán bộ, theo ngày (trang “Theo cán bộ”, “Theo đơn vị”…) từ nhật ký bước."

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = figures.officer_figures_rebuild()
        self.stdout.write(self.style.SUCCESS(
            f"Đã tính lại {rows} dòng số liệu trong {time.monotonic() - started:.1f} giây."))
