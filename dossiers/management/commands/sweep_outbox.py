from django.core.management.base import BaseCommand

from dossiers import outbox


class Command(BaseCommand):
    help = "Gửi các thông báo còn chờ trong hộp thư đi (khi hàng đợi Redis từng gián đoạn)."

    def handle(self, *args, **options):
        self.stdout.write(f"Đã gửi {outbox.outbox_sweep(grace_seconds=0)} thông báo.")
