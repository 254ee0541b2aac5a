"""Checks of what the counter types in: citizen ID, Vietnamese phone numbers, tax codes, and the
bounds of a dossier that forms, serializers and services share.

Numbers are ASCII digits: [0-9], since \\d also matches full-width digits and those of other scripts.
"""

import re

CITIZEN_ID_RE = re.compile(r"^[0-9]{12}$")
# Mobile: 0 + 3/5/7/8/9 + 8 digits; landline: 02 + 9 digits; +84/84 instead of the leading 0.
PHONE_RE = re.compile(r"^(?:0|\+84|84)(?:[35789][0-9]{8}|2[0-9]{9})$")
TAX_CODE_RE = re.compile(r"^[0-9]{10}(?:-?[0-9]{3})?$")

# What no real dossier reaches: the longest procedure asks for a few dozen papers and fees, and a
# note or reason is a paragraph. Above these the input is refused (400), before anything is written.
MAX_PAPERS = 100
MAX_FEES = 30
MAX_MISSING_PAPERS = 50
MAX_NOTE = 2000
MAX_REASON = 4000
MAX_PAPER_NAME = 500
_SEPARATORS = re.compile(r"[\s.\-()]")


def normalise_phone(value: str) -> str:
    return _SEPARATORS.sub("", value or "")


def national_phone(phone: str) -> str:
    """The 0… form of a number written +84… or 84… (+84 912 345 678 is 0912345678); else ""."""
    digits = phone.lstrip("+")
    return "0" + digits[2:] if digits.startswith("84") and len(digits) in (11, 12) else ""


def citizen_id_error(value: str) -> str:
    if value and not CITIZEN_ID_RE.match(value):
        return "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."
    return ""


def phone_error(value: str) -> str:
    if value and not PHONE_RE.match(normalise_phone(value)):
        return "Số điện thoại không phải số điện thoại Việt Nam hợp lệ (ví dụ 0912345678)."
    return ""


def tax_code_error(value: str) -> str:
    if value and not TAX_CODE_RE.match(value):
        return "Mã số thuế gồm 10 chữ số (hoặc 13 chữ số với chi nhánh)."
    return ""
