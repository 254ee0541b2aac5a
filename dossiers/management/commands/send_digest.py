from django.core.management.base import BaseCommand

from dossiers import alerts


class Command(BaseCommand):
    help = "Gửi bản tổng hợp hồ sơ quá hạn cho lãnh đạo (chỉ vào ngày làm việc)."

    def handle(self, *args, **options):
        self.stdout.write(f"Đã ghi {alerts.leader_digest()} thông báo.")
