from django.core.management.base import BaseCommand

from dossiers.demo.quiet import messages_kept_in_memory
from ratings.demo import seed_ratings


class Command(BaseCommand):
    help = "Tạo đánh giá trình diễn cho hồ sơ đã trả kết quả (sau seed_demo; chạy lại nhiều lần không sao)."

    def handle(self, *args, **options):
        with messages_kept_in_memory():  # "not satisfied" opens feedback, whose notices stay in memory
            created = seed_ratings()
        self.stdout.write(self.style.SUCCESS(f"{created} đánh giá trình diễn mới."))
