"""A dossier's legs (liên thông, issue 23 item 3): each agency's part of the case, with its own due
time from its share of the time limit and its own timeliness (dossiers.legs runs them). Imported by
dossiers.models, so that the app registers it."""

from django.conf import settings
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
    order = models.PositiveSmallIntegerField("giai đoạn")  # legs of one order run in parallel
    # Runs beside other legs of its stage (set at intake): the pages and the API read it without a query.
    parallel = models.BooleanField("song song", default=False)
    name = NFCCharField("phần việc", max_length=255)
    agency = models.ForeignKey(Agency, verbose_name="cơ quan thực hiện", on_delete=models.PROTECT, related_name="+")
    # Who works a parallel leg now (its agency's officer): the dossier's own holder is nobody then, as
    # several agencies hold it at once. Blank for a sequential leg (Dossier.holder holds it).
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="cán bộ đang giữ", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
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
        ordering = ["dossier", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["dossier", "order", "agency"], name="dossierleg_stage")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.order}. {self.name}"
