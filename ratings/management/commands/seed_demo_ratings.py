from django.core.management.base import BaseCommand

from ratings.demo import seed_ratings


class Command(BaseCommand):
    help = "Tạo đánh giá trình diễn cho hồ sơ đã trả kết quả (sau seed_demo; chạy lại nhiều lần không sao)."

    def handle(self, *args, **options):
        self.stdout.write(self.style.SUCCESS(f"{seed_ratings()} đánh giá trình diễn mới."))
