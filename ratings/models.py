"""Citizen satisfaction with one dossier: the level, optionally the nine official criteria."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dossiers import figures
from dossiers.models import Dossier
from mocua.accounts.models import Agency
from mocua.text import NFCTextField
from procedures.models import Procedure


class Level(models.TextChoices):
    # The values are the summary tables' (dossiers.figures counts "satisfied or better" with them).
    VERY_SATISFIED = figures.RATING_VERY_SATISFIED, "Rất hài lòng"
    SATISFIED = figures.RATING_SATISFIED, "Hài lòng"
    NOT_SATISFIED = figures.RATING_NOT_SATISFIED, "Không hài lòng"


class RatingChannel(models.TextChoices):
    LINK = "link", "Đường dẫn, mã QR trên giấy hẹn"
    LOOKUP = "lookup", "Trang tra cứu hồ sơ"
    KIOSK = "kiosk", "Máy đánh giá tại quầy"
    API = "api", "Hệ thống khác (API)"


# The nine criteria of the official scoring tool, 0–2 points each (domain-vn.md §6.1).
CRITERIA = [
    ("c1", "Tổng thời gian giải quyết so với thời gian quy định"),
    ("c2", "Thời gian thực hiện tại từng cơ quan, đơn vị so với quy định"),
    ("c3", "Số lần phải liên hệ để hoàn thiện hồ sơ"),
    ("c4", "Số cơ quan, tổ chức phải liên hệ để hoàn thiện hồ sơ"),
    ("c5", "Thực hiện tiếp nhận, giải quyết, trả kết quả tại Bộ phận Một cửa"),
    ("c6", "Công khai thủ tục hành chính"),
    ("c7", "Thái độ của cán bộ, công chức khi hướng dẫn, tiếp nhận, giải quyết"),
    ("c8", "Tiếp nhận, xử lý phản ánh, kiến nghị"),
    ("c9", "Tiến độ, chất lượng cung cấp dịch vụ công trực tuyến"),
]
# What 2, 1 and 0 points mean for each criterion, in the citizen's words (Decree 61/2018 Chapter V and
# the Circular 01/2018 scoring tool, ../shared/data/domain-vn.md §6.1), shown on the rating form.
CRITERIA_SCALE = {
    "c1": ("Sớm hơn thời hạn quy định", "Đúng thời hạn quy định", "Chậm hơn thời hạn quy định"),
    "c2": ("Mọi cơ quan, đơn vị đều xử lý sớm hơn hạn", "Đúng hạn", "Có cơ quan, đơn vị xử lý chậm"),
    "c3": ("Không phải liên hệ thêm lần nào", "Phải liên hệ thêm 1 lần",
           "Phải liên hệ thêm nhiều hơn 1 lần (không do lỗi của người nộp)"),
    "c4": ("Không phải liên hệ cơ quan nào khác", "Chỉ liên hệ Bộ phận Một cửa",
           "Phải liên hệ nhiều hơn một cơ quan, tổ chức"),
    "c5": ("Được thẩm định, giải quyết ngay tại Bộ phận Một cửa", "Nộp và nhận kết quả tại Bộ phận Một cửa",
           "Phải đến nơi khác ngoài Bộ phận Một cửa"),
    "c6": ("Công khai đầy đủ, chính xác cả tại Bộ phận Một cửa và trên mạng", "Công khai ở một trong hai nơi",
           "Không công khai đầy đủ, chính xác"),
    "c7": ("Tận tình, sớm, không có phản ánh nào", "Đúng mực, không có phản ánh nào",
           "Có phản ánh về thái độ, sách nhiễu"),
    "c8": ("Không phải phản ánh, hoặc phản ánh được xử lý đúng hạn", "Phản ánh được xử lý nhưng có phần chậm",
           "Phản ánh không được xử lý hoặc bị kéo dài"),
    "c9": ("Nộp trực tuyến thuận tiện, hồ sơ trực tuyến giải quyết đúng hạn", "Có dịch vụ trực tuyến nhưng còn hạn chế",
           "Không có dịch vụ trực tuyến, hoặc hồ sơ trực tuyến bị chậm"),
}


class Rating(models.Model):
    """One per dossier. Holds no personal data beyond the link to the dossier."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="rating")
    # Copied from the dossier so that figures per agency and procedure need no join.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="ratings")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="ratings")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="ratings", blank=True)
    level = models.CharField("mức độ hài lòng", max_length=16, choices=Level.choices)
    reason = NFCTextField("lý do không hài lòng", blank=True)
    comment = NFCTextField("ý kiến", blank=True)
    channel = models.CharField("kênh đánh giá", max_length=8, choices=RatingChannel.choices)
    criteria = models.JSONField("điểm theo tiêu chí", default=dict, blank=True)
    total = models.PositiveSmallIntegerField("tổng điểm (trên 18)", null=True, blank=True)
    # The moment of the rating (the service's `now`; the demo rates at past moments).
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "đánh giá"
        verbose_name_plural = "đánh giá"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agency", "created_at"], name="rating_agency_created")]  # figures by period
        constraints = [
            models.CheckConstraint(condition=~Q(level="not_satisfied") | ~Q(reason=""),
                                   name="rating_reason_when_not_satisfied"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.get_level_display()}"
