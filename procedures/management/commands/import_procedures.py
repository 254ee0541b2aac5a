from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procedures import services
from procedures.importer import CatalogueFileError


class Command(BaseCommand):
    help = "Nhập hoặc cập nhật thủ tục hành chính từ tệp CSV hoặc JSON (kiểm tra hết rồi mới ghi)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["json", "csv"], help="mặc định theo đuôi tệp")

    def handle(self, *args, file: Path, format: str | None, **options):
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        fmt = format or file.suffix.lower().lstrip(".")
        try:
            result = services.catalogue_import(raw=file.read_bytes(), fmt=fmt)
        except CatalogueFileError as exc:
            raise CommandError(f"{file}: {exc} Không nhập thủ tục nào.") from exc
        if result.errors:
            for row, message in result.errors:
                where = f"dòng {row}" if fmt == "csv" else f"thủ tục thứ {row}"
                self.stderr.write(f"{file}: {where if row else 'tệp'}: {message}")
            raise CommandError(f"{len(result.errors)} lỗi; không nhập thủ tục nào.")
        self.stdout.write(self.style.SUCCESS(
            f"Đã nhập {result.created} thủ tục mới, cập nhật {result.updated} thủ tục."))
