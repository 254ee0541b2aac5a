"""Bounded, validated input: what a text, a date, a number or a code from a URL, a query string, a
form or a JSON body may be, said once.

Pages use the Django form fields below (a query string is read through a form made of them), the
API the DRF fields, URLs the path converters of mocua.converters; all of them ask the same checks
here. A value that fails is a Vietnamese message on a page and a structured 400 in the API, and it
never reaches a query: PostgreSQL refuses NUL in text, a date past 9999 overflows the period
arithmetic, a huge number overflows OFFSET or bigint, and a control character breaks the xlsx
exports for everyone.
"""

import datetime as dt
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from rest_framework import serializers

from mocua.errors import DomainError

# Dates a dossier, a report period or an appointment can have. Beyond these the period arithmetic
# (the day after the end, a month's last day) overflows, and no real record is outside them.
MIN_DATE, MAX_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
DATE_RANGE = f"từ {MIN_DATE:%d/%m/%Y} đến {MAX_DATE:%d/%m/%Y}"
# Database ids are bigint; a page number past this is no real page (and overflows OFFSET).
MAX_ID = 2**63 - 1
MAX_PAGE = 100_000
# The longest text a query-string search box takes.
MAX_QUERY = 100
# A procedure's national code (1.001193) and a field's; the importer checks the same.
CATALOGUE_CODE = r"[0-9A-Za-z][0-9A-Za-z.\-]{0,29}"
# A dossier code: the agency's electronic identifier, the day, the sequence (000.17.22.H56-251123-0007).
DOSSIER_CODE = r"[0-9A-Za-z][0-9A-Za-z.\-]{0,59}"
ASCII_DIGITS = re.compile(r"[0-9]+")

# Control characters (C0 and C1, DEL), surrogates that cannot be encoded, non-characters, and the
# bidirectional overrides and isolates that make a name read differently from what is stored.
_UNSAFE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
_UNSAFE_TEXT = re.compile(f"[{_UNSAFE}]")  # free text keeps tab and line breaks
_UNSAFE_LINE = re.compile(f"[{_UNSAFE}\t\n\r]")  # a name, an address, a code: one line
UNSAFE_MESSAGE = "Không được chứa ký tự điều khiển hoặc ký tự đảo chiều văn bản."
DATE_MESSAGE = f"Ngày phải {DATE_RANGE}."
DIGITS_MESSAGE = "Chỉ gồm chữ số 0–9."


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def unsafe_character(value: str, *, multiline: bool = False) -> bool:
    return bool((_UNSAFE_TEXT if multiline else _UNSAFE_LINE).search(value))


def validate_line(value: str) -> None:
    """A Django validator (DRF runs Django validators too): one line, no control character."""
    if isinstance(value, str) and unsafe_character(value):
        raise ValidationError(UNSAFE_MESSAGE, code="unsafe_character")


def validate_text(value: str) -> None:
    """Free text: line breaks and tabs allowed, other control characters not."""
    if isinstance(value, str) and unsafe_character(value, multiline=True):
        raise ValidationError(UNSAFE_MESSAGE, code="unsafe_character")


def validate_date(value) -> None:
    day = value.date() if isinstance(value, dt.datetime) else value
    if isinstance(day, dt.date) and not MIN_DATE <= day <= MAX_DATE:
        raise ValidationError(DATE_MESSAGE, code="date_out_of_range")


def ascii_int(value, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """The whole number written in ASCII digits within [minimum, maximum], or None. Python's int()
    also reads full-width digits ("０３") and underscores ("1_0"), which no client means."""
    text = str(value).strip() if value is not None else ""
    if len(text) > len(str(maximum)) or not ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


catalogue_code = RegexValidator(f"^{CATALOGUE_CODE}$", "Mã không hợp lệ.", code="invalid_code")
# An agency's electronic identifier (Decision 20/2020/QĐ-TTg), 000.17.22.H56.
agency_code = RegexValidator(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,39}$", "Mã cơ quan không hợp lệ.", code="invalid_code")


def too_long_message(max_length: int) -> str:
    return f"Tối đa {max_length} ký tự."


# --------------------------------------------------------------------------- the column guard


def ensure_fits(instance, *, fields: tuple[str, ...] | None = None) -> None:
    """Refuse (DomainError naming the field) a text longer than its column or holding a control
    character, before the row is saved: the last guard behind the forms and serializers, so that a
    caller that skipped them gets a 400, not a database error."""
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = getattr(instance, field.attname)
        if not isinstance(value, str):
            continue
        label = str(field.verbose_name).capitalize()
        if field.max_length and len(value) > field.max_length:
            raise DomainError(f"{label}: {too_long_message(field.max_length).lower()}", field=field.name,
                              code="too_long")
        multiline = field.get_internal_type() == "TextField"
        if unsafe_character(value, multiline=multiline):
            raise DomainError(f"{label}: {UNSAFE_MESSAGE[0].lower()}{UNSAFE_MESSAGE[1:]}", field=field.name,
                              code="unsafe_character")


# --------------------------------------------------------------------------- Django form fields


class TextField(forms.CharField):
    """Text stored NFC-normalised, length checked after normalising, without control characters.
    `multiline` allows line breaks (a note, a reason); a name or an address is one line."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_text if multiline else validate_line)

    def to_python(self, value):
        value = super().to_python(value)
        return nfc(value) if isinstance(value, str) else value


class EmailField(forms.EmailField):
    """An address that fits its column (254, RFC 5321's limit)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)
        self.validators.append(validate_line)


class DateField(forms.DateField):
    default_error_messages = {"invalid": "Ngày không hợp lệ (dd/mm/yyyy)."}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y"])
        super().__init__(**kwargs)
        self.validators.append(validate_date)


class DateTimeField(forms.DateTimeField):
    default_error_messages = {"invalid": "Ngày giờ không hợp lệ."}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_date)


class IntegerField(forms.IntegerField):
    """A whole number in ASCII digits; the bounds are required (min_value, max_value)."""

    default_error_messages = {"invalid": "Cần một số nguyên (chữ số 0–9)."}

    def __init__(self, *, min_value: int, max_value: int, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        number = ascii_int(text.removeprefix("-"))
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return -number if text.startswith("-") else number


class IdField(IntegerField):
    """A database id: 1 to bigint's maximum."""

    def __init__(self, **kwargs):
        super().__init__(min_value=kwargs.pop("min_value", 1), max_value=kwargs.pop("max_value", MAX_ID), **kwargs)


# --------------------------------------------------------------------------- DRF serializer fields


class Text(serializers.CharField):
    """The API's TextField: NFC, a length bound (required: every text has one), no control character."""

    def __init__(self, *, max_length: int, multiline: bool = False, **kwargs):
        validators = [*kwargs.pop("validators", []), validate_text if multiline else validate_line]
        super().__init__(max_length=max_length, validators=validators, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return nfc(value)


class Email(serializers.EmailField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(validators=[validate_line], **kwargs)


class Date(serializers.DateField):
    def __init__(self, **kwargs):
        super().__init__(validators=[validate_date], **kwargs)


class DateTime(serializers.DateTimeField):
    def __init__(self, **kwargs):
        super().__init__(validators=[validate_date], **kwargs)


class Integer(serializers.IntegerField):
    """A whole number within required bounds; a string must be ASCII digits (a query string's)."""

    def __init__(self, *, min_value: int, max_value: int, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and ascii_int(data.strip().removeprefix("-")) is None:
            self.fail("invalid")
        return super().to_internal_value(data)


class Id(Integer):
    """A database id: 1 to bigint's maximum (a larger one is a 400, not a database error)."""

    def __init__(self, **kwargs):
        super().__init__(min_value=kwargs.pop("min_value", 1), max_value=kwargs.pop("max_value", MAX_ID), **kwargs)


# --------------------------------------------------------------------------- query strings


def read_query(query, form_class, **kwargs) -> tuple[dict, list[str]]:
    """A list page's query string through `form_class`: (the values, an invalid one left out as
    empty; a message per invalid one). A list stays usable with a bad filter, and the message
    names the filter without echoing what was typed."""
    form = form_class(query, **kwargs)
    form.is_valid()
    values, errors = {}, []
    for name, field in form.fields.items():
        if name in form.errors:
            errors.append(f"Bộ lọc “{field.label or name}” không hợp lệ nên đã được bỏ qua.")
        value = form.cleaned_data.get(name)
        values[name] = "" if value is None else value
    return values, errors
