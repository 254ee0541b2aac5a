"""Taking personal data out of a feedback's text before it is published (the public reads the
question and the answer, never who asked nor who handled it).

`draft` proposes the public text: e-mail addresses, phone numbers, ID numbers and dossier codes are
replaced by a placeholder, and so is every name the portal knows belongs to a person in the story:
the sender, the dossier's applicant and owner, the unit's officers. The officer reads and edits the
draft; `leftovers` is what the publishing service refuses to let through.
Names are matched without regard to case or diacritics ("nguyen van an" finds "Nguyễn Văn An").
"""

import re
import unicodedata

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A Vietnamese phone number however it is written (0912 345 678, +84 912.345.678), before the
# plain digit runs below: a 10-digit phone is no ID number.
PHONE = re.compile(r"(?<!\w)(?:\+?84|0)(?:[\s.\-]?\d){9,10}(?!\w)")
# Citizen ID (12 digits), old ID card (9), tax codes (10 or 13): any run of 9 or more digits.
DIGITS = re.compile(r"(?<!\w)\d(?:[\s.\-]?\d){8,}(?!\w)")
# A dossier code: it leads to the dossier, and with its PIN to the citizen.
DOSSIER_CODE = re.compile(r"\b[0-9A-Z.]+-\d{6}-\d{4}\b", re.IGNORECASE)
HIDDEN = "[đã ẩn]"
PERSON = "[đã ẩn tên]"


def _fold_char(ch: str) -> str:
    """One character's folded form, one character long, so that positions in the folded text are
    positions in the original."""
    if ch in "đĐ":
        return "d"
    return unicodedata.normalize("NFD", ch)[0].lower()


def _fold(text: str) -> str:
    return "".join(_fold_char(ch) for ch in unicodedata.normalize("NFC", text))


def _name_spans(text: str, names) -> list[tuple[int, int]]:
    folded, spans = _fold(text), []
    for name in names:
        key = " ".join(_fold(name).split())
        if len(key) < 3:  # a name this short would match inside ordinary words
            continue
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, key.split())) + r"(?!\w)")
        spans += [m.span() for m in pattern.finditer(folded)]
    return spans


def _replace_names(text: str, names) -> str:
    text = unicodedata.normalize("NFC", text)
    for start, end in sorted(_name_spans(text, names), reverse=True):
        text = text[:start] + PERSON + text[end:]
    return text


def draft(text: str, names=()) -> str:
    """A public version of `text`: contact details, numbers, codes and the known names hidden."""
    text = _replace_names(text or "", names)
    for pattern in (EMAIL, DOSSIER_CODE, PHONE, DIGITS):
        text = pattern.sub(HIDDEN, text)
    return text.strip()


def leftovers(text: str, names=()) -> list[str]:
    """What in `text` would identify a person: the known names found, and any e-mail address,
    phone number, long number or dossier code. Empty when the text may be published."""
    text = unicodedata.normalize("NFC", text or "")
    found = [text[start:end] for start, end in _name_spans(text, names)]
    for pattern in (EMAIL, DOSSIER_CODE, PHONE, DIGITS):
        found += pattern.findall(text)
    return found
