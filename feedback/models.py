"""Feedback and recommendations (phản ánh, kiến nghị), their audit trail and deadline alerts, and the
yearly targets a leader sets per unit.

Rows change only through feedback.services (one function a move, each with its FeedbackEvent) and
feedback.alerts (the FeedbackAlert rows). A feedback item keeps its due times on the row, computed
on the work calendar when the clock starting them starts (feedback.deadlines), so lists, alerts and
figures compare moments and never recompute the calendar.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dossiers.models import Dossier
from mocua.accounts.models import Agency
from mocua.text import NFCCharField, NFCTextField
from procedures.models import Procedure

from .workflow import OPEN, Category, Reaction, Status


class Subject(models.TextChoices):
    DOSSIER = "dossier", "Về một hồ sơ đã nộp"
    PROCEDURE = "procedure", "Về một thủ tục hành chính"
    UNIT = "unit", "Về cơ quan, đơn vị hoặc cán bộ"


class Source(models.TextChoices):
    PORTAL = "portal", "Cổng một cửa"
    API = "api", "Hệ thống khác (API)"
    RATING = "rating", "Đánh giá “Không hài lòng”"
    FORWARDED = "forwarded", "Cơ quan khác chuyển đến"


class AuditRow(models.Model):
    """A row of an audit trail: written once, in the transaction of the change it records, never
    changed nor deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit rows cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit rows cannot be deleted.")


class Feedback(models.Model):
    # Random, the citizen's only key to follow it (feedback.services.new_code): never in a URL.
    code = models.CharField("mã theo dõi", max_length=24, unique=True)
    agency = models.ForeignKey(Agency, verbose_name="đơn vị tiếp nhận", on_delete=models.PROTECT,
                               related_name="feedback_items")
    subject = models.CharField("phản ánh về", max_length=10, choices=Subject.choices)
    dossier = models.ForeignKey(Dossier, verbose_name="hồ sơ", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="feedback_items")
    procedure = models.ForeignKey(Procedure, verbose_name="thủ tục", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="feedback_items")
    source = models.CharField("nguồn", max_length=10, choices=Source.choices, default=Source.PORTAL)
    status = models.CharField("trạng thái", max_length=16, choices=Status.choices, default=Status.RECEIVED)
    category = models.CharField("phân loại", max_length=10, choices=Category.choices, blank=True)
    title = NFCCharField("tiêu đề", max_length=200)
    content = NFCTextField("nội dung")
    attachment = models.FileField("tệp đính kèm", upload_to="feedback/%Y/%m/", blank=True)
    attachment_type = models.CharField(max_length=40, blank=True)

    # Decree 20/2008 Art 7: a feedback names its sender, address and phone. Staff only: the public
    # side shows none of these (feedback.anonymise, the tracking page).
    sender_name = NFCCharField("người gửi", max_length=150)
    sender_phone = models.CharField("điện thoại", max_length=15, blank=True)
    sender_email = models.EmailField("thư điện tử", blank=True)
    sender_address = NFCCharField("địa chỉ", max_length=255, blank=True)

    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="cán bộ xử lý", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="feedback_assigned")

    # The unit's clock: received_at starts it (the sending, or the forwarding in); the due times
    # are feedback.deadlines' (working days on the unit's calendar). answer_due_at moves only while
    # the clock is stopped for the citizen's extra information.
    received_at = models.DateTimeField("thời điểm tiếp nhận")
    refuse_due_at = models.DateTimeField("hạn từ chối tiếp nhận")
    classify_due_at = models.DateTimeField("hạn phân loại, chuyển")
    info_due_at = models.DateTimeField("hạn đề nghị bổ sung")
    answer_due_at = models.DateTimeField("hạn trả lời")
    publish_due_at = models.DateTimeField("hạn công khai", null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField("thời gian chờ bổ sung (giây làm việc)", default=0)

    classified_at = models.DateTimeField(null=True, blank=True)
    info_requested_at = models.DateTimeField(null=True, blank=True)
    info_question = NFCTextField("nội dung đề nghị bổ sung", blank=True)
    info_received_at = models.DateTimeField(null=True, blank=True)
    info_reply = NFCTextField("thông tin bổ sung", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = NFCTextField("kết quả trả lời", blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # What the public reads: the question and the answer with every personal detail taken out.
    public_question = NFCTextField("nội dung công khai", blank=True)
    public_answer = NFCTextField("trả lời công khai", blank=True)
    # The moment the unit was done with it (answered, refused or forwarded): the figures' "handled".
    finished_at = models.DateTimeField(null=True, blank=True)
    reason = NFCTextField("lý do (từ chối, chuyển)", blank=True)
    forwarded_to_body = NFCCharField("chuyển đến", max_length=255, blank=True)
    forwarded_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="forwards")
    # A move made after its own due time (feedback.deadlines): the 766 index counts the item late.
    late = models.BooleanField("trễ hạn", default=False)
    reaction = models.CharField("đánh giá của công dân", max_length=16, choices=Reaction.choices, blank=True)
    reacted_at = models.DateTimeField(null=True, blank=True)

    # Bumped by every move: a page that read version N cannot apply a move after someone else's.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "phản ánh, kiến nghị"
        verbose_name_plural = "phản ánh, kiến nghị"
        ordering = ["-received_at", "-pk"]
        indexes = [
            # the unit's list (selectors.feedback_list_for_officer) and the figures of received items
            models.Index(fields=["agency", "-received_at"], name="feedback_agency_received"),
            # the figures of handled items (feedback.figures: finished in the period)
            models.Index(fields=["agency", "finished_at"], name="feedback_agency_finished"),
            # the alert scan (feedback.alerts): the open items only
            models.Index(fields=["answer_due_at"], name="feedback_open_due", condition=Q(status__in=sorted(OPEN))),
            # the procedure's page: its published answers, newest first (selectors.published_for_procedure)
            models.Index(fields=["procedure", "-published_at"], name="feedback_published",
                         condition=Q(status=Status.PUBLISHED)),
        ]
        constraints = [
            # A "not satisfied" rating opens one item, even if two rating requests race.
            models.UniqueConstraint(fields=["dossier"], condition=Q(source=Source.RATING),
                                    name="feedback_one_per_rating"),
            models.CheckConstraint(condition=~Q(subject=Subject.DOSSIER) | Q(dossier__isnull=False),
                                   name="feedback_dossier_named"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def clock_stopped(self) -> bool:
        return self.status == Status.AWAITING_INFO


class FeedbackEvent(AuditRow):
    """The audit trail: one immutable row per change, written in the same transaction."""

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=24)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField()
    note = NFCTextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["feedback", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.action}"


class AlertKind(models.TextChoices):
    DUE_SOON = "due_soon", "Sắp đến hạn"
    OVERDUE = "overdue", "Đã quá hạn"


class FeedbackAlert(models.Model):
    """One alert per item, deadline and kind: the unique key makes the scan idempotent."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="alerts")
    deadline = models.CharField(max_length=12)  # feedback.deadlines.DEADLINES
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feedback", "deadline", "kind"], name="feedback_alert_once")]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.deadline} {self.kind}"


class UnitTarget(models.Model):
    """A unit's targets for a year (chỉ tiêu), in %: what its head signs up to; blank: no target."""

    agency = models.ForeignKey(Agency, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField("năm")
    on_time = models.DecimalField("hồ sơ giải quyết đúng hạn (%)", max_digits=5, decimal_places=2, null=True,
                                  blank=True)
    online = models.DecimalField("hồ sơ nộp trực tuyến (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    digitised = models.DecimalField("hồ sơ được số hóa (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    postal = models.DecimalField("trả kết quả qua bưu chính (%)", max_digits=5, decimal_places=2, null=True,
                                 blank=True)
    satisfaction = models.DecimalField("hài lòng (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    feedback_on_time = models.DecimalField("phản ánh xử lý đúng hạn (%)", max_digits=5, decimal_places=2,
                                           null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    METRICS = ("on_time", "online", "digitised", "postal", "satisfaction", "feedback_on_time")

    class Meta:
        verbose_name = "chỉ tiêu năm của đơn vị"
        verbose_name_plural = "chỉ tiêu năm của đơn vị"
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="unit_target_once_a_year")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}"


class TargetEvent(AuditRow):
    """The audit trail of targets: who set which values when (the values before and after)."""

    target = models.ForeignKey(UnitTarget, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["target", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.target_id} {self.at:%d/%m/%Y %H:%M}"
