from django.core.management.base import BaseCommand

from dossiers.demo.quiet import messages_kept_in_memory
from feedback.demo import seed_feedback


class Command(BaseCommand):
    help = "Tạo phản ánh, kiến nghị và chỉ tiêu trình diễn (sau seed_demo; chạy lại nhiều lần không sao)."

    def handle(self, *args, **options):
        with messages_kept_in_memory():  # the replayed notices: the count below is the output
            created = seed_feedback()
        self.stdout.write(self.style.SUCCESS(f"{created} phản ánh, kiến nghị trình diễn mới."))
