"""Dossiers (hồ sơ), what was handed in, the handover log and the audit trail.

Rows change only through this app's operations: the dossiers, their papers, steps and events
through dossiers.services, the summary tables through dossiers.figures (in the same transactions),
alerts and messages through dossiers.alerts and dossiers.outbox. A dossier keeps a copy of its
procedure variant's limit, fees, papers and steps as they were at intake.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from mocua.accounts.models import Agency, Department
from mocua.text import NFCCharField, NFCTextField
from procedures.models import Channel, FeeKind, LetterKind, PaperForm, Procedure, ProcedureVariant, TimeUnit, time_label

from .mailbox import Alert, AlertKind, Message  # noqa: F401 (re-exported: the app's models live here)
from .workflow import CLOCK_RUNNING, CLOCK_STOPPED, OPEN, Status, portal_code


class ApplicantKind(models.TextChoices):
    PERSON = "person", "Cá nhân"
    ORGANISATION = "organisation", "Tổ chức, doanh nghiệp"


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", "Tại Bộ phận Một cửa"
    POST = "post", "Qua bưu chính công ích"
    ONLINE = "online", "Trực tuyến"


class TransferState(models.TextChoices):
    """Where a dossier received at one agency's desk for another agency is (dossiers.transfers)."""

    AT_DESK = "at_desk", "Tại nơi tiếp nhận, chờ chuyển"
    TO_AGENCY = "to_agency", "Đang chuyển đến cơ quan giải quyết"
    AT_AGENCY = "at_agency", "Cơ quan giải quyết đang xử lý"
    TO_DESK = "to_desk", "Đang chuyển kết quả về nơi tiếp nhận"
    BACK_AT_DESK = "back_at_desk", "Kết quả đã về nơi tiếp nhận"


class TransferMode(models.TextChoices):
    ELECTRONIC = "electronic", "Điện tử"
    PAPER = "paper", "Bản giấy"


class Timeliness(models.TextChoices):
    EARLY = "early", "Trước hạn"
    ON_TIME = "on_time", "Đúng hạn"
    LATE = "late", "Quá hạn"


class Grain(models.TextChoices):
    """What a row of the figures tables (OfficerDayFigures, DossierDayFigures) sums: one local day,
    or one local month (`day` its first day), the sum of that month's day rows."""

    DAY = "d", "ngày"
    MONTH = "m", "tháng"


class Dossier(models.Model):
    # The clear PIN on the instance a service has just created, in memory only (dossiers.pins).
    new_pin = ""

    code = models.CharField("mã hồ sơ", max_length=60, unique=True)
    # Random, printed on the receipt: with the code it unlocks the public lookup (masked data only).
    # A password: kept as its keyed hash (dossiers.pins); the clear PIN only until the counter's
    # receipt is first issued (the stored receipt keeps it for re-prints), never for an online one.
    pin = models.CharField("mã tra cứu", max_length=12, blank=True)
    pin_hash = models.CharField("mã tra cứu (băm)", max_length=64)
    # The competent agency: it resolves the dossier, its officers handle it and its figures count it.
    agency = models.ForeignKey(Agency, verbose_name="cơ quan giải quyết", on_delete=models.PROTECT,
                               related_name="dossiers")
    # The one-stop desk that received it (Decree 118/2025: any desk of the province) and hands the
    # result back; the agency itself for a dossier received where it is resolved. Null only in rows
    # written past the services (the bench's loader), read as the agency (dossiers.agencies).
    desk = models.ForeignKey(Agency, verbose_name="nơi tiếp nhận", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="desk_dossiers")
    # Where a dossier received for another agency is (dossiers.agencies.TransferState); "" otherwise.
    transfer_state = models.CharField("chuyển hồ sơ liên cơ quan", max_length=12, blank=True, default="",
                                      choices=TransferState.choices)
    # A liên thông dossier (dossiers.legs): the agency of the leg it is at when not the competent one,
    # and the sends left (to each next leg, then back to the lead).
    leg_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    legs_left = models.PositiveSmallIntegerField(default=0)
    # The stage of parallel legs under way (their shared order; several agencies hold it at once, none
    # in leg_agency), 0 otherwise.
    leg_stage = models.PositiveSmallIntegerField(default=0)
    procedure = models.ForeignKey(Procedure, verbose_name="thủ tục", on_delete=models.PROTECT,
                                  related_name="dossiers")
    variant = models.ForeignKey(ProcedureVariant, verbose_name="trường hợp", null=True, on_delete=models.SET_NULL,
                                related_name="dossiers")
    status = models.CharField("trạng thái", max_length=24, choices=Status.choices)
    channel = models.CharField("kênh nộp", max_length=8, choices=Channel.choices, default=Channel.COUNTER)

    # The catalogue as it was at intake.
    procedure_name = NFCCharField("tên thủ tục", max_length=500)
    variant_name = NFCCharField("trường hợp", max_length=500, blank=True)
    time_limit = models.DecimalField("thời hạn", max_digits=6, decimal_places=2)
    time_unit = models.CharField("đơn vị thời hạn", max_length=16, choices=TimeUnit.choices)
    same_day_cutoff = models.TimeField(null=True, blank=True)
    steps_plan = models.JSONField("quy trình", default=list, blank=True)

    # The person who hands the dossier in, and the owner when different (chủ hồ sơ).
    applicant_name = NFCCharField("người nộp", max_length=150)
    applicant_id_number = models.CharField("số định danh cá nhân", max_length=12, blank=True)
    applicant_phone = models.CharField("điện thoại", max_length=15, blank=True)
    applicant_email = models.EmailField("thư điện tử", blank=True)
    applicant_address = NFCCharField("địa chỉ", max_length=255, blank=True)
    owner_kind = models.CharField("chủ hồ sơ là", max_length=12, choices=ApplicantKind.choices,
                                  default=ApplicantKind.PERSON)
    owner_name = NFCCharField("chủ hồ sơ", max_length=255, blank=True)
    owner_id_number = models.CharField("số định danh chủ hồ sơ", max_length=12, blank=True)
    owner_tax_code = models.CharField("mã số thuế", max_length=14, blank=True)
    owner_representative = NFCCharField("người đại diện", max_length=150, blank=True)
    owner_address = NFCCharField("địa chỉ chủ hồ sơ", max_length=255, blank=True)
    sets = models.PositiveSmallIntegerField("số bộ hồ sơ", default=1)
    return_method = models.CharField("nhận kết quả", max_length=8, choices=ReturnMethod.choices,
                                     default=ReturnMethod.COUNTER)
    return_address = NFCCharField("địa chỉ nhận kết quả", max_length=255, blank=True)
    note = NFCTextField("ghi chú", blank=True)
    # Folded code, names, phone and ID numbers: the staff search reads it.
    search_text = models.TextField(default="", editable=False)

    # Dates. legal_due_at is the statutory due time (moved only while the clock is stopped):
    # statistics use it. due_at is the appointment the citizen holds (an apology may move it).
    submitted_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField("ngày tiếp nhận", null=True, blank=True)
    # The entry in the receiving desk's register (Sổ theo dõi hồ sơ, Mẫu 06/07: the book of the dossiers
    # received at that desk) for the year of receipt, given when the dossier is received: the book is
    # the year, the number runs through it (RegisterCounter of the desk). Mẫu 01 prints it and Mẫu 07
    # lists it. A dossier never received (refused at intake, an online submission not accepted) has no
    # entry on either.
    register_year = models.PositiveSmallIntegerField("quyển số", null=True, blank=True)
    register_number = models.PositiveIntegerField("số thứ tự", null=True, blank=True)
    # A dossier received at another agency's desk has its entry in the competent agency's book too,
    # from the same counter, when its counter takes the transfer in (services.register_book_transfer).
    agency_register_year = models.PositiveSmallIntegerField("quyển số (cơ quan giải quyết)", null=True, blank=True)
    agency_register_number = models.PositiveIntegerField("số thứ tự (cơ quan giải quyết)", null=True, blank=True)
    agency_booked_at = models.DateTimeField("ngày cơ quan giải quyết nhận", null=True, blank=True)
    legal_due_at = models.DateTimeField("hạn theo quy định", null=True, blank=True)
    due_at = models.DateTimeField("hẹn trả kết quả", null=True, blank=True)
    rescheduled_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField("thời gian tạm dừng (giây làm việc)", default=0)
    finished_at = models.DateTimeField("ngày giải quyết xong", null=True, blank=True)
    returned_at = models.DateTimeField("ngày trả kết quả", null=True, blank=True)
    # A refusal after appraisal handed to the citizen at the desk (dossiers.refusals); not a result.
    refusal_handed_at = models.DateTimeField("ngày trao văn bản từ chối", null=True, blank=True)
    timeliness = models.CharField("kết quả đúng hạn", max_length=8, choices=Timeliness.choices, blank=True)
    supplement_requests = models.PositiveSmallIntegerField(default=0)

    # Where the dossier is now.
    step_index = models.PositiveSmallIntegerField("bước hiện tại", default=0)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="cán bộ đang xử lý", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="held_dossiers")
    department = models.ForeignKey(Department, verbose_name="phòng ban đang xử lý", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="dossiers")
    step_due_at = models.DateTimeField("hạn bước hiện tại", null=True, blank=True)
    # When the current step's clock started (or ran again): its own budget decides "due soon" (clock.py).
    step_started_at = models.DateTimeField("bắt đầu bước hiện tại", null=True, blank=True)

    # Outcome.
    reason = NFCTextField("lý do (từ chối, bổ sung, dừng, rút, gia hạn)", blank=True)
    missing_papers = models.JSONField("giấy tờ cần bổ sung", default=list, blank=True)
    result_summary = NFCTextField("kết quả giải quyết", blank=True)
    collected_by = NFCCharField("người nhận kết quả", max_length=150, blank=True)
    collected_id_number = models.CharField("số định danh người nhận", max_length=12, blank=True)
    postal_tracking = models.CharField("mã bưu gửi", max_length=40, blank=True)
    # Handed in by post (Decision 45/2016 Art 7): the consignment number on the hand-over record, when
    # that record was signed, and the postmark; the clock starts at one of them (Procedure.postal_clock).
    intake_tracking = models.CharField("số hiệu phiếu gửi (nộp qua bưu chính)", max_length=40, blank=True, default="")
    handover_signed_at = models.DateTimeField("ký biên bản giao nhận với bưu điện", null=True, blank=True)
    postmark_date = models.DateField("ngày dấu bưu điện", null=True, blank=True)
    # A result returned by post (Decision 45/2016): returned_at is the day it went to the post, this the
    # day the recipient signed the Phiếu gửi (Art 10: delivery is confirmed then), and who signed.
    delivered_at = models.DateTimeField("ngày người nhận ký nhận", null=True, blank=True)
    delivered_to = NFCCharField("người ký nhận", max_length=150, blank=True, default="")
    # How many electronic results it has (ResultFile.number of the last): the lookup reads them only then.
    result_files = models.PositiveSmallIntegerField("số kết quả điện tử", default=0)
    # When the counter recorded handing over the friendly letter (dossiers.letters), if the procedure has one.
    letter_handed_at = models.DateTimeField("ngày trao thư", null=True, blank=True)

    # Bumped by every move: a page or API client that read version N cannot apply a move
    # after someone else's (optimistic check on top of the row lock).
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    # Set by the service to the moment of intake (the demo's history replays past moments).
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"
        ordering = ["-received_at", "-pk"]
        indexes = [
            # Mẫu 07: selectors.dossier_register, received_at in [start, end) for one agency, in order
            models.Index(fields=["agency", "-received_at"], name="dossier_agency_received"),
            # Mẫu 07 is the desk's book: selectors.dossier_register, the dossiers its desk received, and
            # the note under Biểu 06 (leaders.report06.desk_counts)
            models.Index(fields=["desk", "-received_at"], name="dossier_desk_received"),
            # Mẫu 07: the dossiers the agency took in from another desk (agency_booked_at in [start, end))
            models.Index(fields=["agency", "agency_booked_at"], name="dossier_agency_booked",
                         condition=Q(agency_booked_at__isnull=False)),
            # agency list: selectors.dossier_list_for_agency walks this index in its exact ORDER BY
            # (never-received dossiers by created_at), so page 1 reads 50 rows instead of sorting them all
            models.Index(F("agency"), Coalesce("received_at", "created_at").desc(), F("id").desc(),
                         name="dossier_agency_recent"),
            # "my dossiers": selectors.dossier_list_for_holder. The condition must be the selector's
            # status list exactly (open, plus results waiting to be collected): the planner uses a
            # partial index only when the query's WHERE implies its condition.
            models.Index(fields=["holder", "step_due_at"], name="dossier_holder_desk",
                         condition=Q(status__in=sorted(OPEN | {Status.RESULT_READY}))),
            # counter queue and status filters
            models.Index(fields=["agency", "status"], name="dossier_agency_status"),
            # the overdue scan, and the running branch of the agency list's late filter
            # (selectors.dossier_list_for_agency(late=True)): open dossiers with a running clock
            models.Index(fields=["due_at"], name="dossier_open_due",
                         condition=Q(status__in=["received", "processing"])),
            # the leaders' desk count (leaders.officers.overdue_now_q): an agency's dossiers being
            # handled, the clock running or stopped (a step late when it stopped stays late), read
            # from the index alone (dossier_open_due, keyed by due time, would read every running
            # dossier of the province and its row)
            models.Index(fields=["agency"],
                         include=["id", "holder", "status", "step_due_at", "legal_due_at", "paused_at"],
                         condition=Q(status__in=sorted(CLOCK_RUNNING | CLOCK_STOPPED)),
                         name="dossier_agency_running"),
            # the agency list's search for a phone number typed whole (selectors.dossier_whole_search),
            # newest first: its digits' trigrams are in every phone of the archive
            models.Index(F("agency"), F("applicant_phone"), Coalesce("received_at", "created_at").desc(),
                         F("id").desc(), name="dossier_phone"),
            # the finished-late branch of the agency list's late filter
            models.Index(fields=["agency"], name="dossier_agency_late", condition=Q(timeliness=Timeliness.LATE)),
            # leaders' figures (leaders.report06.conditions): in progress at the end of a period and
            # the breakdowns filter each unit's dossiers on finished_at (null, or after the period)
            # (id included so the join to the steps is built from the index alone)
            models.Index(fields=["agency", "finished_at"], include=["id"], name="dossier_agency_finished"),
            # The staff search (selectors.dossier_search, LIKE '%word%') uses a pg_trgm GIN index on
            # search_text, created on PostgreSQL only by the initial migration's SQL; the search for an
            # applicant's whole name a b-tree on (agency, selectors.NameKey, recency), likewise.
        ]
        constraints = [
            # one register entry per number (the counter's row lock makes them; this keeps them): the
            # desk's book, and the competent agency's entries for the dossiers it took in from other desks
            models.UniqueConstraint(fields=["desk", "register_year", "register_number"],
                                    name="dossier_register_entry"),
            models.UniqueConstraint(fields=["agency", "agency_register_year", "agency_register_number"],
                                    name="dossier_agency_register_entry"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def time_label(self) -> str:
        """"05 ngày làm việc", "Trong ngày": never "1.00" or "1 trong ngày" (issue 22, item 8)."""
        return time_label(self.time_limit, self.time_unit)

    @property
    def portal_status(self) -> int:
        return portal_code(self.status, received=self.received_at is not None)

    @property
    def owner_display(self) -> str:
        return self.owner_name or self.applicant_name


class DossierDocument(models.Model):
    """A paper of this dossier: handed in at intake, added later, or the result."""

    class Kind(models.TextChoices):
        INTAKE = "intake", "Thành phần hồ sơ"
        SUPPLEMENT = "supplement", "Giấy tờ bổ sung"
        ATTACHMENT = "attachment", "Tài liệu xử lý"
        RESULT = "result", "Kết quả"

    class Digitisation(models.TextChoices):
        # TrangThaiSoHoa (domain-vn.md §9): the 766 index counts these (4.2, 4.3).
        NONE = "none", "Chưa số hóa"
        SCANNED = "scanned", "Đã số hóa"
        REUSED_PAPER = "reused_paper", "Tái sử dụng thành phần hồ sơ"
        REUSED_RESULT = "reused_result", "Tái sử dụng kết quả"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INTAKE)
    order = models.PositiveSmallIntegerField(default=0)
    name = NFCCharField("tên giấy tờ", max_length=500)
    form = models.CharField("hình thức", max_length=16, choices=PaperForm.choices, default=PaperForm.ORIGINAL)
    quantity = models.PositiveSmallIntegerField("số lượng", default=1)
    mandatory = models.BooleanField(default=True)
    provided = models.BooleanField("đã nộp", default=True)
    digitisation = models.CharField("số hóa", max_length=14, choices=Digitisation.choices, default=Digitisation.NONE)
    file = models.FileField("tệp", upload_to="dossiers/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    # Set when the retention task removed the file (settings.CITIZEN_FILES_MONTHS): the row stays.
    file_removed_at = models.DateTimeField("ngày xóa tệp", null=True, blank=True)

    class Meta:
        verbose_name = "giấy tờ của hồ sơ"
        verbose_name_plural = "giấy tờ của hồ sơ"
        ordering = ["dossier", "kind", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class SignatureVerdict(models.TextChoices):
    """What the check of a result's digital signature found (dossiers.signatures)."""

    VALID = "valid", "Chữ ký số hợp lệ"
    UNKNOWN_SIGNER = "unknown_signer", "Chữ ký số không thuộc tổ chức chứng thực tin cậy"
    ALTERED = "altered", "Tệp đã bị sửa sau khi ký"
    UNSIGNED = "unsigned", "Không có chữ ký số"


class ResultFile(models.Model):
    """An electronic result (Decree 45/2020 Art 14(3)): the PDF signed by the agency, as verified
    when it was attached, with its code for the citizen's data store on the national portal."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="results")
    number = models.PositiveSmallIntegerField("số thứ tự kết quả")
    # `{dossier code}-KQ{n}`, the code the national portal's data store keys the result by.
    code = models.CharField("mã kết quả", max_length=70, unique=True)
    name = NFCCharField("tên kết quả", max_length=255)
    file = models.FileField("tệp", upload_to="results/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    verdict = models.CharField("kiểm tra chữ ký", max_length=16, choices=SignatureVerdict.choices)
    signer = NFCCharField("người ký", max_length=255, blank=True)
    signer_organisation = NFCCharField("cơ quan ký", max_length=255, blank=True)
    signed_at = models.DateTimeField("thời điểm ký", null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()
    downloads = models.PositiveIntegerField("lượt tải của công dân", default=0)
    # Set when the retention task removed the file (settings.CITIZEN_FILES_MONTHS): the row stays.
    file_removed_at = models.DateTimeField("ngày xóa tệp", null=True, blank=True)

    class Meta:
        verbose_name = "kết quả điện tử"
        verbose_name_plural = "kết quả điện tử"
        ordering = ["dossier", "number"]
        constraints = [models.UniqueConstraint(fields=["dossier", "number"], name="resultfile_dossier_number")]
        indexes = [
            # the retention task (dossiers.results.citizen_files_expire): files still kept, oldest first
            models.Index(fields=["added_at"], name="resultfile_kept", condition=Q(file_removed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.code


class LetterTemplate(models.Model):
    """An agency's text of a friendly letter (congratulations, condolences), edited in the admin.
    `{ho_ten}`, `{su_kien}` and `{ngay}` in the body become the citizen's name, the event (the
    procedure's name) and the day the result was ready."""

    agency = models.ForeignKey(Agency, verbose_name="cơ quan", on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField("loại thư", max_length=16, choices=LetterKind.choices[1:])
    title = NFCCharField("tiêu đề", max_length=120)
    body = NFCTextField("nội dung", help_text="Có thể dùng {ho_ten}, {su_kien}, {ngay}.")
    signer_title = NFCCharField("chức vụ người ký", max_length=120, default="CHỦ TỊCH")
    signer_name = NFCCharField("họ tên người ký", max_length=150)
    is_active = models.BooleanField("đang dùng", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "thư gửi công dân"
        verbose_name_plural = "thư gửi công dân"
        constraints = [models.UniqueConstraint(fields=["agency", "kind"], name="lettertemplate_agency_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.agency}"


class DossierFee(models.Model):
    """A fee line copied from the variant at intake, and whether it was collected."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="fees")
    kind = models.CharField(max_length=8, choices=FeeKind.choices)
    name = NFCCharField(max_length=255)
    amount = models.PositiveBigIntegerField("mức thu (đồng)")
    # The catalogue's unit ("/trang", "/bản sao"): "2.000 đồng/trang" is not "2.000 đồng".
    unit = NFCCharField("đơn vị tính", max_length=100, blank=True, default="")
    collected = models.PositiveBigIntegerField("đã thu (đồng)", default=0)

    class Meta:
        ordering = ["dossier", "pk"]

    def __str__(self) -> str:
        return self.name


class DossierStep(models.Model):
    """One handover: who gave the dossier to whom, when, with the step's own due time.

    The rows are the process control slip (Mẫu 06). A row is finished by the next handover.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    step_index = models.PositiveSmallIntegerField("bước")
    step_name = NFCCharField("tên bước", max_length=255)
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="dossier_steps")
    # The officer named in the handover when a substitute received it instead (Absence).
    intended_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    to_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Where the step was held (the desk's intake and return, the competent agency's own steps): its
    # figures count there (figures._step_keys). Null in rows loaded past the services: the dossier's.
    agency = models.ForeignKey(Agency, verbose_name="cơ quan xử lý bước", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField("thời gian nhận")
    due_at = models.DateTimeField("hạn xử lý")
    finished_at = models.DateTimeField("thời gian chuyển", null=True, blank=True)
    timeliness = models.CharField(max_length=8, choices=Timeliness.choices, blank=True)
    # Working seconds past due_at when finished late: "hours over budget" for leaders.
    late_seconds = models.PositiveIntegerField(default=0)
    note = NFCTextField(blank=True)

    class Meta:
        ordering = ["dossier", "started_at", "pk"]
        indexes = [
            # one officer's late steps over a period (leaders.officers.officer_late_steps), from the
            # index alone
            models.Index(fields=["to_user", "finished_at"], name="step_user_finished",
                         include=["dossier", "started_at", "timeliness", "late_seconds"]),
            # steps finished in a period, whoever handled them (figures.officer_figures_rebuild)
            models.Index(fields=["finished_at"], name="step_finished"),
            # the deadline scan reads only unfinished steps
            models.Index(fields=["due_at"], name="step_open_due", condition=Q(finished_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.step_name}"


class DossierTransfer(models.Model):
    """A dossier sent between agencies: from the desk to the competent agency, or its result back
    to the desk (Decree 118/2025 Art 18, as the provinces' 2025 processes apply it). `due_at` is
    when it had to be sent (dossiers.agencies.transfer_due); the sending is judged against it. The
    control slip (Mẫu 06) shows it as a row of its own between the two agencies' steps."""

    class Direction(models.TextChoices):
        FORWARD = "forward", "Chuyển đến cơ quan giải quyết"
        BACK = "back", "Chuyển kết quả về nơi tiếp nhận"
        LEG = "leg", "Chuyển liên thông"

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="transfers")
    direction = models.CharField("chiều chuyển", max_length=8, choices=Direction.choices)
    mode = models.CharField("hình thức", max_length=10, choices=TransferMode.choices)
    from_agency = models.ForeignKey(Agency, verbose_name="từ cơ quan", on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, verbose_name="đến cơ quan", on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField("thời điểm chuyển")
    due_at = models.DateTimeField("hạn chuyển")
    timeliness = models.CharField("chuyển đúng hạn", max_length=8, choices=Timeliness.choices)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    received_at = models.DateTimeField("thời điểm nhận", null=True, blank=True)
    note = NFCTextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "chuyển hồ sơ liên cơ quan"
        verbose_name_plural = "chuyển hồ sơ liên cơ quan"
        ordering = ["dossier", "sent_at", "pk"]
        indexes = [
            # the transfers page (selectors.transfers_for_agency): what an agency has to take in
            models.Index(fields=["to_agency", "sent_at"], name="transfer_incoming",
                         condition=Q(received_at__isnull=True)),
            # the transfers page: what an agency sent, newest first
            models.Index(fields=["from_agency", "-sent_at"], name="transfer_outgoing"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.direction} {self.to_agency_id}"


class OfficerDayFigures(models.Model):
    """The finished steps (DossierStep) summed per officer, local day, agency, procedure and
    department: the leaders' step figures (leaders.officers, leaders.breakdown) read these few rows
    instead of a year of step rows joined to their dossiers.

    A derived table (dossiers.figures): each step is added in the transaction that finishes it, late
    as figures.late_step_q decides; figures.officer_figures_rebuild recomputes it from the step log
    (the bench's loader, the `rebuild_officer_figures` command). `day` is the local date
    (settings.TIME_ZONE) of the step's finished_at, so a period of whole local days is a range of days.

    Each step is added to two rows: its day's (grain DAY) and its month's (grain MONTH, `day` the
    first of the month), which is the sum of the month's day rows. A period reads the month rows of
    the months wholly inside it and the day rows of the days around them (figures.pieces): a year
    is twelve rows per key instead of one per day with steps.
    """

    # The step's to_user and to_department. Plain ids, 0 for none: NULLs are distinct in a unique
    # key, so two steps handed to no one would make two rows, and ON CONFLICT could not add them up.
    # PostgreSQL 15 could say NULLS NOT DISTINCT, SQLite (the demo) cannot; 0 works on both.
    # Day rows are the database's default as well, for loaders that write rows past the services.
    grain = models.CharField("kỳ", max_length=1, choices=Grain.choices, db_default=Grain.DAY)
    officer_id = models.BigIntegerField("cán bộ (0: không giao cho cán bộ)")
    day = models.DateField("ngày")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, db_index=False, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, db_index=False, related_name="+")
    department_id = models.BigIntegerField("phòng ban (0: không xác định)")
    steps = models.PositiveIntegerField("số bước đã xử lý", default=0)
    late_steps = models.PositiveIntegerField("số bước quá hạn", default=0)
    # Working seconds over budget of the late steps; a sum, so bigger than one step's.
    late_seconds = models.PositiveBigIntegerField("số giây làm việc vượt thời gian", default=0)

    class Meta:
        verbose_name = "số liệu bước xử lý theo ngày"
        verbose_name_plural = "số liệu bước xử lý theo ngày"
        constraints = [
            # The upsert's conflict target (figures.count_step). Without INCLUDE columns: Django
            # leaves out a unique constraint with INCLUDE where the database cannot cover (SQLite).
            models.UniqueConstraint(fields=["grain", "officer_id", "day", "agency", "procedure", "department_id"],
                                    name="officerday_key"),
        ]
        indexes = [
            # leaders.officers and leaders.breakdown: the units of a scope over a range of days or months,
            # one index range per unit and grain (agency first, then grain and day, serves one commune
            # and the whole province alike), covering (PostgreSQL) so that the sums are read from the
            # index alone.
            models.Index(fields=["agency", "grain", "day"], name="officerday_agency_day",
                         include=["officer_id", "procedure", "department_id", "steps", "late_steps",
                                  "late_seconds"]),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.day:%d/%m/%Y}: {self.late_steps}/{self.steps}"


class DossierDayFigures(models.Model):
    """The received dossiers counted per local day, agency and procedure: received (online or not)
    on that day, and resolved on that day by Biểu 06 category. leaders.report06 sums these few rows
    for its flow columns (4, 5, 7–10) instead of reading every dossier received or resolved in the
    period; its stock columns (11–13) still read the open dossiers.

    The dashboard and the 766 index read their other figures from the same rows (the counters after
    REPORT_COUNTERS), so no leaders' page counts the dossiers of its period, only those open at its end.

    A derived table (dossiers.figures): the services add a dossier in the transaction that receives
    it and in the one that ends its handling, classified as figures.resolved_kind does (a dossier
    never received, refused at the counter or rejected online, is not in Biểu 06: only its
    refused_at_intake is added), its return, and its rating (figures.count_rating).
    figures.report_figures_rebuild recomputes the whole table from the dossiers (the bench's loader,
    the `rebuild_report_figures` command). `day` is the local
    date (settings.TIME_ZONE) of the moment each counter names (received_at for new_*, finished_at
    for resolved_*, …), so a period of whole local days is a range of days. Resolved (col. 7) is the
    sum of the three resolved_* counters.

    As in OfficerDayFigures, each dossier is added to its day's row and to its month's (grain
    MONTH, `day` the first of the month, the sum of the month's day rows), and a period reads the
    month rows of its whole months and the day rows around them (figures.pieces).
    """

    # As OfficerDayFigures.grain.
    grain = models.CharField("kỳ", max_length=1, choices=Grain.choices, db_default=Grain.DAY)
    day = models.DateField("ngày")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, db_index=False, related_name="+")
    # The procedure, not its field: a procedure moved to another field takes its figures along, as
    # the reports read the field through the procedure.
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, db_index=False, related_name="+")
    new_online = models.PositiveIntegerField("tiếp nhận trực tuyến", default=0)
    new_offline = models.PositiveIntegerField("tiếp nhận trực tiếp, bưu chính", default=0)
    resolved_early = models.PositiveIntegerField("giải quyết trước hạn", default=0)
    resolved_on_time = models.PositiveIntegerField("giải quyết đúng hạn", default=0)
    resolved_late = models.PositiveIntegerField("giải quyết quá hạn", default=0)
    # The leaders' dashboard and the 766 index (leaders.dashboard, leaders.index766): on the day handling
    # ended, the resolved ones refused, withdrawn, stopped, and withdrawn or stopped past their due;
    # on the day of finished_at, a refusal at the counter or of an online submission (never received);
    # on the day of returned_at, the results handed back (and those of them sent by post); on the day
    # received, those whose papers were all digitised; on the day of the rating, the ratings and the
    # good ones; on the day handling
    # ended, a resolved dossier rated "not satisfied" that was not late (added when it is rated).
    # A database default too, for loaders that write only Biểu 06's.
    refused = models.PositiveIntegerField("từ chối giải quyết", default=0, db_default=0)
    withdrawn = models.PositiveIntegerField("rút hồ sơ", default=0, db_default=0)
    stopped = models.PositiveIntegerField("dừng xử lý", default=0, db_default=0)
    # Withdrawn past due (stopped ones count late in Biểu 06 since issue 21; the label kept, no migration).
    closed_late = models.PositiveIntegerField("rút, dừng sau hạn", default=0, db_default=0)
    refused_at_intake = models.PositiveIntegerField("từ chối tiếp nhận", default=0, db_default=0)
    returned = models.PositiveIntegerField("đã trả kết quả", default=0, db_default=0)
    # Of those handed back, the ones sent by public post (figures.count_dossier): the units' yearly
    # target for postal return (feedback.leaders) reads it.
    returned_post = models.PositiveIntegerField("trả kết quả qua bưu chính", default=0, db_default=0)
    # Of those received, the ones handed in through public post (Decision 45/2016), on the day received:
    # the dashboard's postal intake beside its postal return.
    new_post = models.PositiveIntegerField("tiếp nhận qua bưu chính", default=0, db_default=0)
    digitised = models.PositiveIntegerField("tiếp nhận đã số hóa", default=0, db_default=0)
    # 766 indicator 4.1, on the day handling ended with a result: the dossiers of procedures whose
    # result is a paper document, and of them those with a validly signed electronic result.
    paper_results = models.PositiveIntegerField("kết quả là văn bản giấy", default=0, db_default=0)
    e_results = models.PositiveIntegerField("có kết quả điện tử", default=0, db_default=0)
    # 766 indicator 3.3, on the day received: the online ones of procedures whose result is a paper
    # document, and of them (added when the first valid electronic result is stored) those that got
    # one. An online dossier counts in 3.3 only with its electronic result where a paper one is due.
    new_online_paper = models.PositiveIntegerField("trực tuyến, kết quả là văn bản giấy", default=0, db_default=0)
    online_e_results = models.PositiveIntegerField("trực tuyến, có kết quả điện tử", default=0, db_default=0)
    rated = models.PositiveIntegerField("lượt đánh giá", default=0, db_default=0)
    rated_good = models.PositiveIntegerField("lượt hài lòng trở lên", default=0, db_default=0)
    disliked = models.PositiveIntegerField("không hài lòng, không quá hạn", default=0, db_default=0)

    # Biểu 06's flow columns (4, 5, 7–10).
    REPORT_COUNTERS = ("new_online", "new_offline", "resolved_early", "resolved_on_time", "resolved_late")
    COUNTERS = (*REPORT_COUNTERS, "refused", "withdrawn", "stopped", "closed_late", "refused_at_intake", "returned",
                "returned_post", "digitised", "rated", "rated_good", "disliked", "paper_results", "e_results",
                "new_post", "new_online_paper", "online_e_results")

    class Meta:
        verbose_name = "số liệu hồ sơ theo ngày"
        verbose_name_plural = "số liệu hồ sơ theo ngày"
        constraints = [
            # The upsert's conflict target (figures.count_dossier); no INCLUDE, as officerday_key.
            models.UniqueConstraint(fields=["grain", "day", "agency", "procedure"], name="dossierday_key"),
        ]
        indexes = [
            # leaders.report06: the units of a scope over a range of days or months, one index range per
            # unit and grain, covering (PostgreSQL) so that the sums are read from the index alone.
            models.Index(fields=["agency", "grain", "day"], name="dossierday_agency_day",
                         include=["procedure", "new_online", "new_offline", "resolved_early", "resolved_on_time",
                                  "resolved_late", "refused", "withdrawn", "stopped", "closed_late",
                                  "refused_at_intake", "returned", "returned_post", "digitised", "rated",
                                  "rated_good", "disliked", "paper_results", "e_results", "new_post",
                                  "new_online_paper", "online_e_results"]),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.procedure_id} {self.day:%d/%m/%Y}"


class DossierEvent(models.Model):
    """The audit trail: one immutable row per change, written in the same transaction."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField()
    note = NFCTextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["dossier", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action}"

    def save(self, *args, **kwargs):
        # Audit rows are written once and never changed.
        if self.pk is not None:
            raise PermissionError("Audit rows cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit rows cannot be deleted.")


class CodeCounter(models.Model):
    """The last sequence number given per agency per day (the NNNN of the dossier code)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="codecounter_agency_day")]

    def __str__(self):
        return f"{self.agency_id} {self.day:%d/%m/%Y}: {self.last}"


class RegisterCounter(models.Model):
    """The last number of an agency's register in a year (Dossier.register_number for the dossiers its
    desk received, Dossier.agency_register_number for those it took in from another desk)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="registercounter_agency_year")]

    def __str__(self):
        return f"{self.agency_id} {self.year}: {self.last}"


class IntakeGuidance(models.Model):
    """Mẫu 02 at the counter: papers were missing, so nothing was received and no clock runs.

    Kept so that the guidance can be reprinted and nothing the officer typed is lost.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    variant_name = NFCCharField(max_length=500, blank=True)
    applicant_name = NFCCharField(max_length=150)
    applicant_phone = models.CharField(max_length=15, blank=True)
    applicant_email = models.EmailField(blank=True)
    applicant_address = NFCCharField(max_length=255, blank=True)
    missing_papers = models.JSONField(default=list)
    reason = NFCTextField(blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Mẫu 02 — {self.applicant_name}"


class IssuedForm(models.Model):
    """A form as it was handed to the citizen (Mẫu 01–05, and Mẫu 02 at the counter for a request
    not accepted): its PDF bytes kept, hashed, with who issued it and when (issue 21, item 9).

    Made at the first print after the move that produces the form (dossiers.issued); every later
    print serves `reprint_file`, the same bytes with a "Bản in lại" mark appended as a PDF
    incremental update, so the stored original is a prefix of every re-print. Rows never change
    (a PostgreSQL trigger refuses UPDATE and DELETE, as for the audit trail).
    """

    class Number(models.TextChoices):
        RECEIPT = "01", "Mẫu 01 – Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
        SUPPLEMENT = "02", "Mẫu 02 – Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
        REFUSAL = "03", "Mẫu 03 – Phiếu từ chối tiếp nhận, giải quyết hồ sơ"
        APOLOGY = "04", "Mẫu 04 – Văn bản xin lỗi và hẹn lại"
        STOP = "05", "Mẫu 05 – Thông báo dừng giải quyết hồ sơ"

    # One of the two: a dossier's form, or the counter's guidance slip for a request not received.
    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="issued_forms")
    guidance = models.ForeignKey(IntakeGuidance, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="issued_forms")
    # The move that made the form due: a second supplement request is a new event, so a new form.
    event = models.ForeignKey(DossierEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    number = models.CharField("mẫu", max_length=2, choices=Number.choices)
    file = models.FileField("bản đã cấp", upload_to="forms/%Y/%m/")
    reprint_file = models.FileField("bản in lại", upload_to="forms/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("thời điểm cấp")

    class Meta:
        verbose_name = "biểu mẫu đã cấp"
        verbose_name_plural = "biểu mẫu đã cấp"
        ordering = ["issued_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(dossier__isnull=False, guidance__isnull=True)
                                   | Q(dossier__isnull=True, guidance__isnull=False),
                                   name="issuedform_dossier_or_guidance"),
            # One issued copy per form and per move; the lookup of a print reads this index.
            models.UniqueConstraint(fields=["dossier", "number", "event"], name="issuedform_per_event",
                                    condition=Q(event__isnull=False)),
            # A dossier whose move left no audit row (bulk-made bench data): one per form.
            models.UniqueConstraint(fields=["dossier", "number"], name="issuedform_per_dossier_without_event",
                                    condition=Q(event__isnull=True, dossier__isnull=False)),
            models.UniqueConstraint(fields=["guidance"], name="issuedform_per_guidance",
                                    condition=Q(guidance__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"Mẫu {self.number} — {self.sha256[:12]}"

    @property
    def sha256_short(self) -> str:
        return self.sha256[:12]


from .leg_models import DossierLeg, SyncState  # noqa: E402,F401  (registered with the app)
