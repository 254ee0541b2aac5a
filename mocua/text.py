"""Text helpers shared by every app: NFC storage and diacritics-insensitive matching."""

import re
import unicodedata

from django.db import models

_SPACES = re.compile(r"\s+")
# NUL and other control characters: PostgreSQL refuses NUL in text, and none belongs in a query.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """Lower-case ASCII skeleton of Vietnamese text: "ĐĂNG KÝ" and "dang ky" fold alike.

    đ/Đ is a letter of its own, not a d with a mark, so NFD does not split it.
    """
    value = _CONTROLS.sub(" ", value)
    value = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", value.lower()).strip()


class NFCMixin:
    """Stores text NFC-normalised whatever the client sent (DESIGN.md: storage and running)."""

    def to_python(self, value):
        value = super().to_python(value)
        return nfc(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if isinstance(value, str):
            value = nfc(value)
            setattr(model_instance, self.attname, value)
        return value


class NFCCharField(NFCMixin, models.CharField):
    pass


class NFCTextField(NFCMixin, models.TextField):
    pass
