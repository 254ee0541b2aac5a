"""The bell's deadline alerts and the outbox's messages (models; dossiers.models re-exports them).

Written only by dossiers.alerts and dossiers.outbox, in the transaction of the event that causes them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from mocua.text import NFCCharField, NFCTextField


class AlertKind(models.TextChoices):
    STEP_DUE_SOON = "step_due_soon", "Bước xử lý sắp đến hạn"
    STEP_OVERDUE = "step_overdue", "Bước xử lý quá hạn"
    DOSSIER_DUE_SOON = "dossier_due_soon", "Hồ sơ sắp đến hạn trả"
    DOSSIER_OVERDUE = "dossier_overdue", "Hồ sơ quá hạn trả"


class Alert(models.Model):
    """One deadline alert per dossier, step and kind: the unique key makes the scan idempotent,
    so two scans (or two beats) at once still alert once."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="alerts")
    # The DossierStep alerted on, 0 for the dossier as a whole (a NULL would not be unique).
    step_key = models.PositiveBigIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dossier", "step_key", "kind"], name="alert_once")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind}"


class Message(models.Model):
    """The outbox: every message is written in the transaction of the event that causes it,
    and delivered after commit by a task (or by the sweep, if that task never ran)."""

    class Channel(models.TextChoices):
        INAPP = "inapp", "Trong hệ thống"
        EMAIL = "email", "Thư điện tử"
        SMS = "sms", "Tin nhắn SMS"

    class State(models.TextChoices):
        PENDING = "pending", "Chờ gửi"
        SENT = "sent", "Đã gửi"
        FAILED = "failed", "Gửi lỗi"

    channel = models.CharField(max_length=8, choices=Channel.choices)
    # Idempotency: the same message is never written twice (e.g. "alert:12:user:5:email").
    key = models.CharField(max_length=120, unique=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="messages")
    address = models.CharField("địa chỉ nhận", max_length=254, blank=True)
    subject = NFCCharField(max_length=255)
    body = NFCTextField()
    url = models.CharField(max_length=500, blank=True)
    dossier = models.ForeignKey("dossiers.Dossier", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="messages")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # the sweep: pending messages whose next attempt is due
            models.Index(fields=["next_attempt_at"], name="message_pending_due", condition=Q(state="pending")),
            # the bell: a user's unread in-app messages
            models.Index(fields=["recipient", "-created_at"], name="message_inbox_unread",
                         condition=Q(channel="inapp", read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.subject}"
