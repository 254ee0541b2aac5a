"""The public catalogue of administrative procedures (TTHC) and their variants."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from mocua.accounts.models import Agency, Level, Role
from mocua.text import NFCCharField, NFCTextField, fold


class Field(models.Model):
    """Lĩnh vực: the sector a procedure belongs to (Hộ tịch, Chứng thực …)."""

    code = models.CharField("mã lĩnh vực", max_length=30, unique=True)
    name = NFCCharField("tên lĩnh vực", max_length=255)

    class Meta:
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OnlineLevel(models.TextChoices):
    # Decree 42/2022/NĐ-CP: toàn trình / một phần; "none" = counter only.
    FULL = "full", "Trực tuyến toàn trình"
    PARTIAL = "partial", "Trực tuyến một phần"
    NONE = "none", "Chỉ nộp trực tiếp"


class PostalClock(models.TextChoices):
    """When the time limit of a dossier sent by post starts (across-agencies-vn.md §6: sources differ)."""

    HANDOVER = "handover", "Khi ký biên bản giao nhận với bưu điện (Quyết định 45/2016, Điều 7)"
    POSTMARK = "postmark", "Theo ngày dấu bưu điện trên bì thư"


class ClockStart(models.TextChoices):
    """Where the time limit of a dossier received at another agency's desk starts (across-agencies-vn.md
    §1.3: provinces differ; Bắc Ninh counts from the desk, HCMC from the competent agency's receipt)."""

    INTAKE_AT_DESK = "intake_at_desk", "Khi bộ phận một cửa tiếp nhận hồ sơ"
    RECEIPT_BY_AGENCY = "receipt_by_agency", "Khi cơ quan có thẩm quyền nhận hồ sơ được chuyển đến"


class LetterKind(models.TextChoices):
    """The friendly letter a commune hands with the result ("Một cửa thân thiện"; local practice, not
    a legal form: outside the Mẫu 01–07 numbering)."""

    NONE = "", "Không có thư"
    CONGRATULATION = "congratulation", "Thư chúc mừng"
    CONDOLENCE = "condolence", "Thư chia buồn"


class Procedure(models.Model):
    code = models.CharField("mã thủ tục", max_length=30, unique=True,
                            help_text="Mã quốc gia, ví dụ 1.001193")
    name = NFCCharField("tên thủ tục", max_length=500)
    field = models.ForeignKey(Field, verbose_name="lĩnh vực", on_delete=models.PROTECT,
                              related_name="procedures")
    level = models.CharField("cấp thực hiện", max_length=10, choices=Level.choices)
    agencies = models.ManyToManyField(Agency, verbose_name="cơ quan thực hiện", blank=True,
                                      related_name="procedures")
    implementing_body = NFCCharField("cơ quan thực hiện (mô tả)", max_length=500, blank=True)
    applicants = NFCCharField("đối tượng thực hiện", max_length=255, blank=True,
                              default="Công dân Việt Nam, người nước ngoài")
    sequence = NFCTextField("trình tự thực hiện", blank=True)
    result = NFCCharField("kết quả thực hiện", max_length=500)
    legal_basis = NFCTextField("căn cứ pháp lý", blank=True)
    conditions = NFCTextField("yêu cầu, điều kiện", blank=True)
    online_level = models.CharField("mức độ dịch vụ trực tuyến", max_length=10,
                                    choices=OnlineLevel.choices, default=OnlineLevel.NONE)
    postal_submission = models.BooleanField("nhận hồ sơ qua bưu chính", default=True)
    postal_return = models.BooleanField("trả kết quả qua bưu chính", default=True)
    postal_clock = models.CharField("thời hạn hồ sơ nộp qua bưu chính tính từ", max_length=10,
                                    choices=PostalClock.choices, default=PostalClock.HANDOVER)
    clock_start = models.CharField("thời hạn hồ sơ chuyển từ nơi khác tính từ", max_length=20,
                                   choices=ClockStart.choices, default=ClockStart.INTAKE_AT_DESK)
    # 766 indicator 4.1 counts only the dossiers of procedures whose result is a written (paper)
    # document (across-agencies-vn.md §4): a certificate, a licence, a decision.
    result_is_paper = models.BooleanField("kết quả là văn bản giấy", default=True,
                                          help_text="Kết quả là giấy tờ, văn bản (chỉ số 766, tiêu chí 4.1).")
    letter = models.CharField("thư gửi công dân kèm kết quả", max_length=16, choices=LetterKind.choices, blank=True,
                              default=LetterKind.NONE,
                              help_text="Khai sinh, kết hôn: thư chúc mừng; khai tử: thư chia buồn.")
    is_active = models.BooleanField("đang áp dụng", default=True)
    # Folded code + name (see mocua.text.fold): the diacritics-insensitive search reads it.
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"
        ordering = ["field__name", "name"]
        indexes = [
            # catalogue filters: procedures.selectors.procedure_list (field, level, active)
            models.Index(fields=["is_active", "level"], name="procedure_active_level"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def save(self, *args, **kwargs):
        # Derived from this row only; kept in step with the name on every save.
        self.search_text = fold(f"{self.code} {self.name} {self.result}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def accepts_online(self) -> bool:
        return self.online_level != OnlineLevel.NONE


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", "ngày làm việc"
    CALENDAR_DAYS = "calendar_days", "ngày"
    WORKING_HOURS = "working_hours", "giờ làm việc"
    # Decided the same working day; received after the cut-off → end of the next one.
    SAME_DAY = "same_day", "trong ngày"


class ProcedureVariant(models.Model):
    """Trường hợp: one case of a procedure, with its own limit, papers, fees and steps."""

    procedure = models.ForeignKey(Procedure, verbose_name="thủ tục", on_delete=models.CASCADE,
                                  related_name="variants")
    name = NFCCharField("trường hợp", max_length=500, default="Trường hợp chung")
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    time_limit = models.DecimalField("thời hạn giải quyết", max_digits=6, decimal_places=2,
                                     validators=[MinValueValidator(Decimal("0.01"))])
    time_unit = models.CharField("đơn vị thời hạn", max_length=16, choices=TimeUnit.choices,
                                 default=TimeUnit.WORKING_DAYS)
    online_time_limit = models.DecimalField("thời hạn khi nộp trực tuyến", max_digits=6,
                                            decimal_places=2, null=True, blank=True,
                                            validators=[MinValueValidator(Decimal("0.01"))])
    same_day_cutoff = models.TimeField("giờ tiếp nhận muộn nhất trong ngày", default=dt.time(15, 0),
                                       help_text="Chỉ dùng với thời hạn 'trong ngày'.")
    note = NFCTextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "trường hợp"
        verbose_name_plural = "trường hợp"
        ordering = ["procedure", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(time_limit__gt=0), name="variant_time_limit_positive"),
            models.CheckConstraint(condition=Q(online_time_limit__isnull=True) | Q(online_time_limit__gt=0),
                                   name="variant_online_limit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} – {self.name}"

    def clean(self):
        if self.time_unit == TimeUnit.SAME_DAY and self.time_limit != 1:
            raise ValidationError({"time_limit": "Thủ tục giải quyết trong ngày có thời hạn bằng 1."})

    @property
    def time_label(self) -> str:
        return time_label(self.time_limit, self.time_unit)

    @property
    def online_time_label(self) -> str:
        return time_label(self.online_time_limit, self.time_unit) if self.online_time_limit else ""


def time_label(amount: Decimal, unit: str) -> str:
    """"07 ngày làm việc", "Trong ngày (sau 15 giờ: ngày làm việc tiếp theo)"."""
    if unit == TimeUnit.SAME_DAY:
        return "Trong ngày"
    number = f"{amount.normalize():f}" if isinstance(amount, Decimal) else str(amount)
    if "." not in number and len(number) == 1:
        number = f"0{number}"
    return f"{number} {TimeUnit(unit).label}"


def validate_step_budgets(variant: ProcedureVariant, budgets: list[Decimal]) -> None:
    """The steps split the whole limit: their budgets, in the variant's unit, add up to it."""
    if budgets and sum(budgets) != variant.time_limit:
        raise ValidationError(
            f"Tổng thời gian các bước ({sum(budgets).normalize():f}) phải bằng thời hạn giải quyết "
            f"({variant.time_limit.normalize():f} {variant.get_time_unit_display()})."
        )


class Channel(models.TextChoices):
    # National portal channel codes (KenhThucHien): 1 counter, 2 online, 3 post.
    COUNTER = "counter", "Trực tiếp"
    ONLINE = "online", "Trực tuyến"
    POST = "post", "Bưu chính công ích"


class FeeChannel(models.TextChoices):
    ALL = "all", "Mọi hình thức"
    COUNTER = "counter", "Trực tiếp"
    ONLINE = "online", "Trực tuyến"
    POST = "post", "Bưu chính công ích"


class FeeKind(models.TextChoices):
    FEE = "fee", "Lệ phí"
    CHARGE = "charge", "Phí"


class Fee(models.Model):
    """One fee or charge line of a variant, in whole VND, for one channel."""

    variant = models.ForeignKey(ProcedureVariant, verbose_name="trường hợp", on_delete=models.CASCADE,
                                related_name="fees")
    kind = models.CharField("loại", max_length=8, choices=FeeKind.choices, default=FeeKind.FEE)
    name = NFCCharField("tên khoản thu", max_length=255)
    amount = models.PositiveBigIntegerField("mức thu (đồng)")
    unit = NFCCharField("đơn vị tính", max_length=100, blank=True, help_text="Ví dụ: /bản sao")
    channel = models.CharField("hình thức nộp", max_length=8, choices=FeeChannel.choices,
                               default=FeeChannel.ALL)
    exemptions = NFCTextField("miễn, giảm", blank=True)

    class Meta:
        verbose_name = "phí, lệ phí"
        verbose_name_plural = "phí, lệ phí"
        ordering = ["variant", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="fee_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} đồng".replace(",", ".")


class PaperForm(models.TextChoices):
    ORIGINAL = "original", "Bản chính"
    CERTIFIED_COPY = "certified_copy", "Bản sao có chứng thực"
    PHOTOCOPY = "photocopy", "Bản chụp"
    SHOW_ORIGINAL = "show_original", "Xuất trình bản chính"
    ELECTRONIC = "electronic", "Bản điện tử / khai trực tuyến"


class RequiredDocument(models.Model):
    """Thành phần hồ sơ: a paper the applicant hands in for this variant."""

    variant = models.ForeignKey(ProcedureVariant, verbose_name="trường hợp", on_delete=models.CASCADE,
                                related_name="documents")
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    name = NFCCharField("tên giấy tờ", max_length=500)
    form = models.CharField("hình thức", max_length=16, choices=PaperForm.choices,
                            default=PaperForm.ORIGINAL)
    quantity = models.PositiveSmallIntegerField("số lượng", default=1)
    mandatory = models.BooleanField("bắt buộc", default=True)
    template = models.FileField("mẫu đơn, tờ khai", upload_to="templates/", blank=True)
    template_name = NFCCharField("tên mẫu", max_length=255, blank=True,
                                 help_text="Ví dụ: Tờ khai đăng ký khai sinh (Mẫu TT 04/2020/TT-BTP)")
    note = NFCCharField("ghi chú", max_length=500, blank=True)

    class Meta:
        verbose_name = "thành phần hồ sơ"
        verbose_name_plural = "thành phần hồ sơ"
        ordering = ["variant", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class ProcedureStep(models.Model):
    """A step of the internal process, with its share of the time limit (the variant's unit)."""

    variant = models.ForeignKey(ProcedureVariant, verbose_name="trường hợp", on_delete=models.CASCADE,
                                related_name="steps")
    order = models.PositiveSmallIntegerField("thứ tự")
    name = NFCCharField("tên bước", max_length=255)
    role = models.CharField("vai trò thực hiện", max_length=12, choices=Role.choices)
    department_name = NFCCharField("phòng ban thực hiện", max_length=255, blank=True)
    budget = models.DecimalField("thời gian", max_digits=6, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        verbose_name = "bước xử lý"
        verbose_name_plural = "quy trình nội bộ"
        ordering = ["variant", "order"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "order"], name="step_unique_order"),
            models.CheckConstraint(condition=Q(budget__gt=0), name="step_budget_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class NationalGroup(models.TextChoices):
    """The national electronic liên thông groups (Decree 63/2024), run on the national software."""

    NONE = "", "Không"
    BIRTH = "LTKS", "Liên thông khai sinh – thường trú – thẻ BHYT (3.000722)"
    DEATH = "LTKT", "Liên thông khai tử – xóa thường trú – trợ cấp mai táng (2.002913)"


class ProcedureLeg(models.Model):
    """One agency's part of a liên thông procedure (Decree 61/2018 Art 19; the province's internal
    process splits the time limit, e.g. 48 days = 43 + 5). The legs run stage after stage in `order`;
    legs sharing an order run in parallel (electronic: sent to all their agencies at once, Art
    19(6)(b)), each naming another agency than the lead. The first is the competent agency's, alone in
    its stage: it leads and returns the result (dossiers.legs)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="legs")
    # The stage: legs of one order run in parallel. From 1 (a dossier at no stage reads 0, dossiers.legs).
    order = models.PositiveSmallIntegerField("thứ tự (giai đoạn)", validators=[MinValueValidator(1)],
                                             help_text="Các phần việc cùng thứ tự được giải quyết song song.")
    name = NFCCharField("phần việc", max_length=255)
    # Null: the dossier's competent agency (the lead), whichever it is.
    agency = models.ForeignKey(Agency, verbose_name="cơ quan thực hiện", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    days = models.DecimalField("thời gian (ngày làm việc)", max_digits=5, decimal_places=2,
                               validators=[MinValueValidator(Decimal("0"))],
                               help_text="0: trong ngày làm việc (sau 15 giờ: ngày làm việc tiếp theo).")
    national_group = models.CharField("nhóm liên thông quốc gia", max_length=4, blank=True, default="",
                                      choices=NationalGroup.choices)

    class Meta:
        verbose_name = "phần việc liên thông"
        verbose_name_plural = "phần việc liên thông"
        ordering = ["procedure", "order"]
        # One leg per agency in a stage (several agencies share a stage when the legs run in parallel).
        constraints = [models.UniqueConstraint(fields=["procedure", "order", "agency"], name="procedureleg_stage")]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.order}. {self.name}"

    def clean(self) -> None:
        """A parallel stage names other agencies than the lead (who waits for all of them), and the
        lead's first stage is its own alone."""
        if self.procedure_id is None or self.order is None:
            return
        others = ProcedureLeg.objects.filter(procedure_id=self.procedure_id, order=self.order).exclude(pk=self.pk)
        if not others.exists():
            return
        first = not ProcedureLeg.objects.filter(procedure_id=self.procedure_id, order__lt=self.order).exclude(
            pk=self.pk).exists()
        if first or self.agency_id is None or others.filter(agency__isnull=True).exists():
            raise ValidationError("Các phần việc song song (cùng thứ tự) phải do cơ quan phối hợp thực hiện, "
                                  "không phải cơ quan chủ trì, và không ở giai đoạn đầu.", code="parallel_lead")
