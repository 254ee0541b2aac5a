"""A dossier's legs (liên thông, issue 23 item 3): each agency's part of the case, with its own due
time from its share of the time limit and its own timeliness (dossiers.legs runs them). Imported by
dossiers.models, so that the app registers it."""

from django.db import models

from mocua.accounts.models import Agency
from mocua.text import NFCCharField


class SyncState(models.TextChoices):
    """A leg of a national group (Decree 63/2024) and the national liên thông software: no adapter
    yet; the field is there for one (systems must sync within 10 minutes of a finished leg)."""

    NONE = "", "Không liên thông quốc gia"
    PENDING = "pending", "Chờ đồng bộ"
    SYNCED = "synced", "Đã đồng bộ"
    FAILED = "failed", "Đồng bộ lỗi"


class DossierLeg(models.Model):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="legs")
    order = models.PositiveSmallIntegerField("thứ tự")
    name = NFCCharField("phần việc", max_length=255)
    agency = models.ForeignKey(Agency, verbose_name="cơ quan thực hiện", on_delete=models.PROTECT, related_name="+")
    days = models.DecimalField("thời gian (ngày làm việc)", max_digits=5, decimal_places=2)
    started_at = models.DateTimeField("bắt đầu", null=True, blank=True)
    due_at = models.DateTimeField("hạn", null=True, blank=True)
    finished_at = models.DateTimeField("hoàn thành", null=True, blank=True)
    timeliness = models.CharField("đúng hạn", max_length=8, blank=True)
    late_seconds = models.PositiveIntegerField(default=0)
    national_ref = models.CharField("mã hồ sơ trên phần mềm liên thông", max_length=60, blank=True)
    sync_state = models.CharField("đồng bộ", max_length=8, blank=True, default="", choices=SyncState.choices)

    class Meta:
        verbose_name = "phần việc liên thông của hồ sơ"
        verbose_name_plural = "phần việc liên thông của hồ sơ"
        ordering = ["dossier", "order"]
        constraints = [models.UniqueConstraint(fields=["dossier", "order"], name="dossierleg_order")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.order}. {self.name}"
