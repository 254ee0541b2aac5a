"""`manage.py rebuild_report_figures`: recompute the dossiers' figures (DossierDayFigures: Biểu 06,
the dashboard, the 766 index) from the dossiers.

The services keep them as each dossier is received, resolved, returned and rated
(dossiers.figures.count_dossier); run this after writing dossiers past the services (an import, a
repair by hand in SQL), after changing TIME_ZONE (the rows are per local day; run
`rebuild_officer_figures` too), or when Biểu 06 warns of a negative column. Moves made meanwhile
wait for it (PostgreSQL), the reports do not.
"""

import time

from django.core.management.base import BaseCommand

from dossiers import figures


class Command(BaseCommand):
    help = "Tính lại số liệu hồ sơ tiếp nhận, giải quyết theo ngày (Biểu 06/VPCP/KSTT) từ các hồ sơ."

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = figures.report_figures_rebuild()
        self.stdout.write(self.style.SUCCESS(
            f"Đã tính lại {rows} dòng số liệu trong {time.monotonic() - started:.1f} giây."))
