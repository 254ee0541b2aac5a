"""Days on which the official calendar differs from the `holidays` package.

The package is the default calendar (weekends, Tết, Giỗ Tổ, 30/4, 1/5, Quốc khánh). It lags
behind the Prime Minister's yearly swaps and make-up Saturdays (domain-vn.md §5.4), so
administrators keep this table and it wins over the package (mocua.workcalendar.calendar).
"""

from django.db import models

from mocua.text import NFCCharField, NFCTextField


class DayOverride(models.Model):
    class Kind(models.TextChoices):
        OFF = "off", "Ngày nghỉ"
        WORK = "work", "Ngày làm việc bù"

    # unique: one decision per date, and the calendar reads the table as a dict date → kind.
    date = models.DateField("ngày", unique=True)
    kind = models.CharField("loại ngày", max_length=4, choices=Kind.choices)
    name = NFCCharField("tên", max_length=255,
                        help_text="Ví dụ: Nghỉ Tết Nguyên đán Bính Ngọ; Làm bù cho ngày 02/01/2026")
    note = NFCTextField("ghi chú", blank=True, help_text="Căn cứ: số thông báo, công văn …")

    class Meta:
        verbose_name = "ngày nghỉ, ngày làm bù"
        verbose_name_plural = "ngày nghỉ, ngày làm bù"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {self.name} ({self.get_kind_display()})"
