"""Agencies, their departments and the staff who work there."""

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from mocua.text import NFCCharField


class Level(models.TextChoices):
    # Two tiers since 01/07/2025 (Decree 118/2025); "district" stays only for history.
    PROVINCE = "province", "Cấp tỉnh"
    DISTRICT = "district", "Cấp huyện (trước 01/07/2025)"
    COMMUNE = "commune", "Cấp xã"


class Agency(models.Model):
    """A unit that receives or handles dossiers (UBND xã, Trung tâm PVHCC tỉnh, a Sở…)."""

    # Electronic identifier under Decision 20/2020/QĐ-TTg; it prefixes every dossier code.
    code = models.CharField("mã định danh điện tử", max_length=40, unique=True)
    name = NFCCharField("tên cơ quan", max_length=255)
    # The parent's name printed above the unit on every form ("UBND TỈNH …").
    parent = models.ForeignKey(
        "self", verbose_name="cơ quan cấp trên", null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    level = models.CharField("cấp", max_length=10, choices=Level.choices)
    place_name = NFCCharField("địa danh (ghi trên văn bản)", max_length=100, blank=True)
    address = NFCCharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    # Office hours; the working-time arithmetic reads them (mocua.workcalendar.due_at).
    morning_start = models.TimeField("sáng từ", default=dt.time(7, 30))
    morning_end = models.TimeField("sáng đến", default=dt.time(11, 30))
    afternoon_start = models.TimeField("chiều từ", default=dt.time(13, 30))
    afternoon_end = models.TimeField("chiều đến", default=dt.time(17, 0))
    is_active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        verbose_name = "cơ quan, đơn vị"
        verbose_name_plural = "cơ quan, đơn vị"
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(morning_start__lt=models.F("morning_end"))
                & Q(morning_end__lte=models.F("afternoon_start"))
                & Q(afternoon_start__lt=models.F("afternoon_end")),
                name="agency_office_hours_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def one_stop_name(self) -> str:
        """The unit that receives and returns its dossiers: at commune level the commune's public-administration
        service centre (Decree 118/2025), under its people's committee; elsewhere the agency itself (the
        province's centre is an agency of its own)."""
        if self.level != Level.COMMUNE:
            return self.name
        place = self.name
        for prefix in ("Ủy ban nhân dân ", "UBND "):
            place = place.removeprefix(prefix)
        return f"Trung tâm Phục vụ hành chính công {place}"


class Department(models.Model):
    """A section inside an agency (phòng, ban, bộ phận)."""

    agency = models.ForeignKey(Agency, verbose_name="cơ quan", on_delete=models.CASCADE,
                               related_name="departments")
    name = NFCCharField("tên phòng ban", max_length=255)

    class Meta:
        verbose_name = "phòng ban"
        verbose_name_plural = "phòng ban"
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="department_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} – {self.agency.name}"


class Role(models.TextChoices):
    RECEPTION = "reception", "Cán bộ một cửa"
    SPECIALIST = "specialist", "Chuyên viên"
    HEAD = "head", "Lãnh đạo phòng"
    LEADER = "leader", "Lãnh đạo cơ quan"
    ADMIN = "admin", "Quản trị hệ thống"


class User(AbstractUser):
    """A civil servant (cán bộ, công chức) with one role in one agency."""

    full_name = NFCCharField("họ và tên", max_length=150, blank=True)
    agency = models.ForeignKey(Agency, verbose_name="cơ quan", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="staff")
    department = models.ForeignKey(Department, verbose_name="phòng ban", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="staff")
    role = models.CharField("vai trò", max_length=12, choices=Role.choices, blank=True)
    title = NFCCharField("chức vụ", max_length=100, blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)

    class Meta:
        verbose_name = "cán bộ"
        verbose_name_plural = "cán bộ"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_officer(self) -> bool:
        """Staff of an agency with a working role (not only a Django superuser)."""
        return self.is_active and self.agency_id is not None and bool(self.role)


class Absence(models.Model):
    """An officer away (leave, training): dossiers handed to them go to the substitute."""

    user = models.ForeignKey(User, verbose_name="cán bộ vắng", on_delete=models.CASCADE, related_name="absences")
    substitute = models.ForeignKey(User, verbose_name="người thay thế", on_delete=models.PROTECT,
                                   related_name="substitutions")
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    reason = NFCCharField("lý do", max_length=255, blank=True)

    class Meta:
        verbose_name = "lịch vắng mặt"
        verbose_name_plural = "lịch vắng mặt"
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=models.F("ends_on")), name="absence_dates_in_order"),
            models.CheckConstraint(condition=~Q(user=models.F("substitute")), name="absence_not_self"),
        ]
        indexes = [models.Index(fields=["user", "ends_on"], name="absence_user_ends")]  # substitute_for()

    def __str__(self) -> str:
        return f"{self.user} vắng {self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y}"

    def clean(self):
        # A dossier handed to the absent officer goes to the substitute: one of another agency would
        # see this agency's dossier in their list and bell (the handover also ignores such a substitute).
        if self.user_id and self.substitute_id and self.substitute.agency_id != self.user.agency_id:
            raise ValidationError({"substitute": "Người thay thế phải là cán bộ cùng cơ quan với người vắng mặt."})
