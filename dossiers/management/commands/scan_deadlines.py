from django.core.management.base import BaseCommand

from dossiers import alerts


class Command(BaseCommand):
    help = "Quét hạn xử lý: cảnh báo hồ sơ sắp đến hạn và quá hạn (chạy tay; beat chạy định kỳ)."

    def handle(self, *args, **options):
        self.stdout.write(f"Đã ghi {alerts.alerts_scan()} thông báo.")
