from django.core.management.base import BaseCommand

from dossiers.demo import seed


class Command(BaseCommand):
    help = "Tạo dữ liệu trình diễn (chạy lại nhiều lần không sao)."

    def handle(self, *args, **options):
        result = seed.run()
        catalogue = result["catalogue"]
        self.stdout.write(self.style.SUCCESS(
            f"Danh mục: {catalogue.created} thủ tục mới, {catalogue.updated} cập nhật; "
            f"{result['dossiers']} hồ sơ trình diễn mới."))
        self.stdout.write(
            f"Tài khoản trình diễn (mật khẩu chung: {seed.DEMO_PASSWORD}):\n"
            "  admin                    – quản trị hệ thống (/quan-tri/)\n"
            "  tiepnhan.hacthanh        – cán bộ một cửa, UBND phường Hạc Thành\n"
            "  chuyenvien.hacthanh      – chuyên viên\n"
            "  truongphong.hacthanh     – lãnh đạo phòng\n"
            "  lanhdao.hacthanh         – lãnh đạo UBND\n"
            "  tiepnhan.tinh            – Trung tâm Phục vụ hành chính công tỉnh\n"
            "  (cũng có .quangphu, .dongson; tiepnhan2.*, chuyenvien2.*)"
        )
