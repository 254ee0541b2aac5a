from django.core.management.base import BaseCommand

from dossiers import alerts
from dossiers.demo import seed
from dossiers.demo.quiet import messages_kept_in_memory


class Command(BaseCommand):
    help = "Tạo dữ liệu trình diễn (chạy lại nhiều lần không sao)."

    def handle(self, *args, **options):
        # The replayed history's e-mails and SMS stay in memory: the summary below is the output.
        with messages_kept_in_memory() as sent:
            result = seed.run()
            # The deadline scan once, as beat would have run it: the bell shows due-soon and overdue.
            scanned = alerts.alerts_scan()
        catalogue = result["catalogue"]
        self.stdout.write(self.style.SUCCESS(
            f"Danh mục: {catalogue.created} thủ tục mới, {catalogue.updated} cập nhật; "
            f"{result['dossiers']} hồ sơ trình diễn mới "
            f"({sent.emails} thư điện tử và {sent.sms} tin nhắn SMS của lịch sử không gửi đi); "
            f"quét hạn xử lý: {scanned} cảnh báo."))
        self.stdout.write(
            f"Tài khoản trình diễn (mật khẩu chung: {seed.DEMO_PASSWORD}):\n"
            "  admin                    – quản trị hệ thống (/quan-tri/)\n"
            "  tiepnhan.hacthanh        – cán bộ một cửa, UBND phường Hạc Thành\n"
            "  chuyenvien.hacthanh      – chuyên viên\n"
            "  truongphong.hacthanh     – lãnh đạo phòng\n"
            "  lanhdao.hacthanh         – lãnh đạo UBND\n"
            "  tiepnhan.tinh            – Trung tâm Phục vụ hành chính công tỉnh\n"
            "  lanhdao.ubndtinh         – lãnh đạo UBND tỉnh (số liệu mọi đơn vị)\n"
            "  tiepnhan.sotuphap        – Sở Tư pháp (giải quyết phiếu lý lịch tư pháp chuyển từ các nơi tiếp nhận)\n"
            "  tiepnhan.conganhacthanh  – Công an phường Hạc Thành (liên thông: đăng ký thường trú)\n"
            "  tiepnhan.bhxh            – Bảo hiểm xã hội tỉnh (liên thông: thẻ BHYT, mai táng phí)\n"
            "  (cũng có .quangphu, .dongson; tiepnhan2.*, chuyenvien2.*)"
        )
